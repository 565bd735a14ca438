// `cert-studio device-registry root|csr|sign`: Azure Device Registry's
// certificate management (preview), as the page's Device Registry tab. `root`:
// a customer root to the service's rules and the policy's command; `csr`:
// device keys and CSRs as devices send them (EC P-384, CN = registration ID,
// base64 DER) and the enrollment group's command; `sign`: the service's
// intermediate CSR signed by that root, checked against its rules, with the
// activation command.

import { basename } from 'node:path';
import { OUTPUT_OPTIONS, helpText, instant, integer, oneOf, parse, passwordOptions, withoutUnset } from '../args.mjs';
import { CA_OPTIONS, fileOrFolder, importCa } from '../ca-source.mjs';
import { makeContext } from '../context.mjs';
import { DEVICE_OPTIONS, deviceIds } from '../devices.mjs';
import { UsageError, naming } from '../errors.mjs';
import { Output, outputTarget } from '../output.mjs';
import { certificates, report } from '../summary.mjs';

const POLICY = { 'policy-name': { type: 'string', help: 'NAME  the Device Registry policy (letters, digits, -; default external-ca)' } };
const VALIDITY = {
  'not-before': { type: 'string', help: 'TIME  the certificate starts then (ISO 8601) instead of now' },
  'not-after': { type: 'string', help: 'TIME  the certificate ends then (ISO 8601) instead of after --validity-days' },
};

const ROOT_OPTIONS = {
  'key-algorithm': { type: 'string', help: 'ALG  ec-p256|ec-p384 (default ec-p384)' },
  'root-cn': { type: 'string', help: 'CN  the root (default "Device Registry Root CA")' },
  'validity-days': { type: 'string', help: 'DAYS  at least 366, so 365 are left when it is uploaded (default 730)' },
  ...VALIDITY,
  ...passwordOptions('ca-key-password', 'PASSWORD  of the root key (default 1234; "" for none)'),
  ...POLICY,
  ...OUTPUT_OPTIONS,
};

const CSR_OPTIONS = {
  ...DEVICE_OPTIONS,
  'enrollment-id': { type: 'string', help: 'ID  the DPS enrollment group the devices provision through (default device-registry-group)' },
  ...POLICY,
  ...OUTPUT_OPTIONS,
};

const SIGN_OPTIONS = {
  ...CA_OPTIONS,
  csr: { type: 'string', help: 'FILE  the service\'s CSR for the policy\'s issuing CA (PEM or DER)' },
  'validity-days': { type: 'string', help: 'DAYS  the intermediate\'s validity, not past the root\'s end (default 365)' },
  ...VALIDITY,
  ...POLICY,
  ...OUTPUT_OPTIONS,
};

const FLAGS = { rootCn: '--root-cn', notBeforeMs: '--not-before', notAfterMs: '--not-after', devices: '--devices', ca: '--ca', csr: '--csr' };

async function write(command, target, values, made, extra = {}) {
  const output = new Output(target);
  output.addFiles(made.files);
  const where = output.close();
  report({ command, [target.kind === 'dir' ? 'out' : 'zip']: where, files: output.fileCount, ...extra }, values.json);
}

const root = {
  help: () => helpText({
    usage: 'cert-studio device-registry root [flags] (--out DIR | --zip FILE)',
    about: 'Makes a customer root to Azure Device Registry\'s rules (ECC, critical CA:TRUE pathLen 1, keyUsage digitalSignature + keyCertSign + cRLSign, an SKI, 365 days left) and the command that creates its policy.',
    examples: [
      ['a P-384 root for policy byor-1', 'cert-studio device-registry root --policy-name byor-1 --out adr-root'],
      ['its key password from a file', 'cert-studio device-registry root --ca-key-password-file pw.txt --zip adr-root.zip'],
    ],
  }, ROOT_OPTIONS),
  async run(argv) {
    const { values } = parse(argv, ROOT_OPTIONS);
    if (values.help) return process.stdout.write(root.help());
    const request = withoutUnset({
      keyAlgorithm: oneOf(values, 'key-algorithm', ['ec-p256', 'ec-p384']),
      rootCn: values['root-cn'],
      validityDays: integer(values, 'validity-days', { min: 1, max: 36500 }),
      notBeforeMs: instant(values, 'not-before'),
      notAfterMs: instant(values, 'not-after'),
      caKeyPassword: values['ca-key-password'],
      policyName: values['policy-name'],
    });
    const target = outputTarget(values);
    const context = await makeContext();
    try {
      const made = await naming(FLAGS, () => context.studio.makeDeviceRegistryRoot({ spec: request, nowMs: Date.now() }));
      await write('device-registry root', target, values, made, { certificates: certificates(made.chain) });
    } finally {
      await context.close();
    }
  },
};

const csr = {
  help: () => helpText({
    usage: 'cert-studio device-registry csr (--devices IDS | --devices-file FILE) [flags] (--out DIR | --zip FILE)',
    about: 'Makes an EC P-384 key and a CSR (CN = the registration ID) per device, as csr/<id>.csr.b64 (one line of base64 DER, what the device sends) and csr/<id>.csr.pem, with the enrollment group\'s command.',
    examples: [
      ['three sensors', 'cert-studio device-registry csr --devices sensor-{1..3} --out adr-devices'],
      ['a list from a file, for policy byor-1', 'cert-studio device-registry csr --devices-file ids.txt --policy-name byor-1 --zip adr-devices.zip'],
    ],
  }, CSR_OPTIONS),
  async run(argv) {
    const { values } = parse(argv, CSR_OPTIONS);
    if (values.help) return process.stdout.write(csr.help());
    const target = outputTarget(values);
    const context = await makeContext();
    try {
      const devices = deviceIds(context.studio, values);
      if (!devices) throw new UsageError('--devices', 'say which devices: --devices IDS or --devices-file FILE');
      const request = withoutUnset({ devices, policyName: values['policy-name'], enrollmentId: values['enrollment-id'] });
      const made = await naming(FLAGS, () => context.studio.makeDeviceRegistryCsrs(request));
      await write('device-registry csr', target, values, made, { requests: made.requests });
    } finally {
      await context.close();
    }
  },
};

const sign = {
  help: () => helpText({
    usage: 'cert-studio device-registry sign --ca PATH --csr FILE [flags] (--out DIR | --zip FILE)',
    about: 'Signs the service\'s CSR as the policy\'s issuing CA (pathLen 0, its subject kept) with your root, once the root and the CSR pass the service\'s rules; writes the chain to upload (intermediate, then root) and the command that activates the policy.',
    examples: [
      ['the CSR downloaded from the policy, with the root of adr-root/', 'cert-studio device-registry sign --ca adr-root --csr policy.csr --policy-name byor-1 --out adr-ica'],
    ],
  }, SIGN_OPTIONS),
  async run(argv) {
    const { values } = parse(argv, SIGN_OPTIONS);
    if (values.help) return process.stdout.write(sign.help());
    if (values.csr === undefined) throw new UsageError('--csr', 'is needed: the CSR the policy shows');
    const given = fileOrFolder(values.csr, '--csr');
    if (!given.files) throw new UsageError('--csr', `${values.csr} is a folder, not a CSR file`);
    const target = outputTarget(values);
    const context = await makeContext();
    try {
      const { ca } = importCa(context.caSession, values, 'root');
      const request = withoutUnset({
        caId: ca.id,
        csr: { name: basename(values.csr), contents: given.files[0].contents },
        validityDays: integer(values, 'validity-days', { min: 1, max: 36500 }),
        notBeforeMs: instant(values, 'not-before'),
        notAfterMs: instant(values, 'not-after'),
        policyName: values['policy-name'],
        nowMs: Date.now(),
      });
      const made = await naming(FLAGS, () => context.caSession.signDeviceRegistryIntermediate(request));
      const certificate = made.files.find((f) => f.path.endsWith('.cert.pem') && !f.path.includes('full-chain'));
      await write('device-registry sign', target, values, made, {
        certificates: [{ role: 'intermediate', commonName: made.commonName, issuerCommonName: ca.commonName, thumbprintSha1: made.thumbprintSha1, path: certificate?.path }],
      });
    } finally {
      await context.close();
    }
  },
};

const WHAT = { root, csr, sign };

export const deviceRegistry = {
  about: 'Azure Device Registry: a customer root (`root`), device CSRs (`csr`), the service\'s CSR signed (`sign`)',
  help: () => `Usage: cert-studio device-registry root|csr|sign [flags]\n\n${root.help()}\n${csr.help()}\n${sign.help()}`,
  async run(argv) {
    const [what, ...rest] = argv;
    if (what === '--help' || what === '-h') return process.stdout.write(deviceRegistry.help());
    if (!WHAT[what]) throw new UsageError('device-registry', `say what to make: \`device-registry root\`, \`device-registry csr\` or \`device-registry sign\` (got ${what === undefined ? 'nothing' : `"${what}"`})`);
    return WHAT[what].run(rest);
  },
};
