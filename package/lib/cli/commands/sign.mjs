// `cert-studio sign`: devices (each with the 16 files of a tutorial device)
// or an external CSR, signed by an imported CA; as the page's Bring your own
// CA panel.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { DEVICE_FILE_FLAGS, DEVICE_FILE_OPTIONS, KEY_ALGORITHMS, OUTPUT_OPTIONS, deviceFileSettings, helpText, integer, oneOf, parse, withoutUnset } from '../args.mjs';
import { CA_OPTIONS, importCa, readFiles } from '../ca-source.mjs';
import { makeContext } from '../context.mjs';
import { DEVICE_OPTIONS, deviceIds } from '../devices.mjs';
import { UsageError, naming } from '../errors.mjs';
import { Output, outputTarget } from '../output.mjs';
import { certificates, report } from '../summary.mjs';

const OPTIONS = {
  ...CA_OPTIONS,
  chain: { type: 'string', multiple: true, help: 'FILE  the certificates above the CA, when its files do not reach the root (repeatable)' },
  ...DEVICE_OPTIONS,
  csr: { type: 'string', help: 'FILE  sign this PKCS#10 request instead (its subject and subjectAltName are kept)' },
  profile: { type: 'string', help: 'device|server|intermediate  what the CSR becomes (default device)' },
  'path-len': { type: 'string', help: 'N  pathLenConstraint of an intermediate made from a CSR' },
  'key-algorithm': { type: 'string', help: `ALG  device keys: ${KEY_ALGORITHMS.join('|')} (default: the CA's)` },
  'validity-days': { type: 'string', help: 'DAYS  certificate validity (default 30)' },
  ...DEVICE_FILE_OPTIONS,
  ...OUTPUT_OPTIONS,
};

export const sign = {
  about: 'devices, or a CSR (--csr), signed by an imported CA (folder, ZIP or PFX)',
  help: () => helpText({
    usage: 'cert-studio sign --ca PATH (--devices IDS | --devices-file FILE | --csr FILE) (--out DIR | --zip FILE)',
    about: `Makes ${sign.about}. Without --ca-cn the lowest CA signs (an intermediate when there is one).`,
    examples: [
      ['two more devices under the intermediate of the chain in certs-out/', 'cert-studio sign --ca certs-out --devices late-1,late-2 --out signed'],
      ['a CSR made elsewhere (e.g. by OpenSSL), as a device certificate', 'cert-studio sign --ca certs-out --csr device.csr.pem --out signed-csr'],
    ],
  }, OPTIONS),
  async run(argv) {
    const { values } = parse(argv, OPTIONS);
    if (values.help) return process.stdout.write(sign.help());
    const context = await makeContext();
    try {
      const ids = deviceIds(context.studio, values);
      if (values.csr !== undefined && ids) throw new UsageError('--csr', 'sign either a CSR or devices, not both');
      if (values.csr === undefined && !ids) throw new UsageError('--devices', 'say what to sign: --devices IDS, --devices-file FILE or --csr FILE');
      const target = outputTarget(values);
      const { ca } = importCa(context.caSession, values);
      const nowMs = Date.now();
      const validityDays = integer(values, 'validity-days', { min: 1, max: 36500 });
      const output = new Output(target);
      let summary;
      if (values.csr !== undefined) {
        const csr = { name: basename(values.csr), contents: readFiles([values.csr], '--csr')[0].contents };
        const request = withoutUnset({ caId: ca.id, csr, profile: oneOf(values, 'profile', ['device', 'server', 'intermediate']), pathLen: integer(values, 'path-len', { max: 255 }), validityDays, nowMs, ...deviceFileSettings(values) });
        const made = await naming({ ...DEVICE_FILE_FLAGS, pathLen: '--path-len' }, () => context.caSession.signCsr(request));
        output.addFiles(made.files);
        const certificate = made.files.find((f) => f.path.endsWith('.cert.pem'));
        summary = { certificates: [{ role: values.profile ?? 'device', commonName: made.commonName, issuerCommonName: ca.commonName, thumbprintSha1: made.thumbprintSha1, path: certificate?.path }] };
      } else {
        const chain = values.chain ? readFiles(values.chain, '--chain') : [];
        const request = withoutUnset({ caId: ca.id, devices: ids, chain, keyAlgorithm: oneOf(values, 'key-algorithm', KEY_ALGORITHMS), validityDays, nowMs, ...deviceFileSettings(values) });
        const made = await naming({ ...DEVICE_FILE_FLAGS, keyAlgorithm: '--key-algorithm' }, () => context.caSession.signDevices(request));
        output.addFiles(made.files);
        summary = { certificates: certificates(made.chain) };
      }
      const where = output.close();
      report({ command: 'sign', [target.kind === 'dir' ? 'out' : 'zip']: where, files: output.fileCount, ca: { commonName: ca.commonName, role: ca.role, thumbprintSha1: ca.thumbprintSha1 }, ...summary }, values.json);
    } finally {
      await context.close();
    }
  },
};
