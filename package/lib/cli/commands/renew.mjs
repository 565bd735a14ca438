// `cert-studio renew devices`: new certificates for existing devices (same
// subject; the same keys unless --new-keys, as the page does), signed by an imported CA.
// `cert-studio renew ca`: the CA again with the same key, subject and SKI, so
// everything it issued still verifies. The CA module's renewDevices / renewCa.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEVICE_FILE_FLAGS, DEVICE_FILE_OPTIONS, OUTPUT_OPTIONS, deviceFileSettings, helpText, instant, integer, parse, passwordOptions, withoutUnset } from '../args.mjs';
import { CA_OPTIONS, fileOrFolder, importCa } from '../ca-source.mjs';
import { makeContext } from '../context.mjs';
import { UsageError, naming } from '../errors.mjs';
import { Output, outputTarget } from '../output.mjs';
import { certificates, report } from '../summary.mjs';

const DEVICES_OPTIONS = {
  ...CA_OPTIONS,
  certificates: { type: 'string', multiple: true, help: 'PATH  device certificates to renew: PEM files, or a folder (its certs/<id>.cert.pem) (repeatable)' },
  keys: { type: 'string', multiple: true, help: 'PATH  their keys: PEM files, or a folder (its private/<id>.key.pem), to renew with the same key' },
  ...passwordOptions('password', 'PASSWORD  of encrypted device keys'),
  'keep-keys': { type: 'boolean', help: 'certify the old public keys again, no key file needed (the default, as on the page)' },
  'new-keys': { type: 'boolean', help: 'make new keys of the same type instead (re-key)' },
  'validity-days': { type: 'string', help: 'DAYS  certificate validity (default 30)' },
  ...DEVICE_FILE_OPTIONS,
  ...OUTPUT_OPTIONS,
};

const CA_RENEWAL_OPTIONS = {
  ...CA_OPTIONS,
  'validity-days': { type: 'string', help: 'DAYS  validity of the renewed CA (default 30)' },
  'not-before': DEVICE_FILE_OPTIONS['not-before'],
  'not-after': DEVICE_FILE_OPTIONS['not-after'],
  ...OUTPUT_OPTIONS,
};

/** Device certificates or keys: files as given, folders by the tutorial's names (CA and chain files left out). */
function deviceFiles(paths, flag, kind) {
  const wanted = kind === 'certificates' ? { sub: 'certs', end: '.cert.pem' } : { sub: 'private', end: '.key.pem' };
  const isCaFile = (name) => /(\.ca\.|intermediate|full-chain|\.chain\.)/.test(name);
  return (paths ?? []).flatMap((path) => {
    const given = fileOrFolder(path, flag);
    if (given.files) return given.files;
    const dir = [join(path, wanted.sub), path].find((d) => {
      try {
        return statSync(d).isDirectory() && readdirSync(d).some((n) => n.endsWith(wanted.end));
      } catch {
        return false;
      }
    });
    const names = dir ? readdirSync(dir).filter((n) => n.endsWith(wanted.end) && !isCaFile(n)).sort() : [];
    if (!names.length) throw new UsageError(flag, `${path} holds no device ${kind} (${wanted.sub}/<id>${wanted.end})`);
    return names.map((name) => ({ name, contents: readFileSync(join(dir, name)) }));
  });
}

/** Keys are kept unless --new-keys (the page's default too); both flags at once is a mistake. */
function keepKeys(values) {
  if (values['new-keys'] && values['keep-keys']) throw new UsageError('--new-keys', 'and --keep-keys ask for opposite things: give one');
  return !values['new-keys'];
}

const renewDevices = {
  help: () => helpText({
    usage: 'cert-studio renew devices --ca PATH --certificates PATH [--keys PATH | --new-keys] (--out DIR | --zip FILE)',
    about: 'Renews device certificates with an imported CA (without --ca-cn, the lowest CA signs). Writes every file of a tutorial device and renewed.csv.',
    examples: [
      ['device-01 of the chain in certs-out/ again, for 90 days, with the same key', 'cert-studio renew devices --ca certs-out --certificates certs-out/certs/device-01.cert.pem --validity-days 90 --out renewed'],
      ['every device of certs-out/, with new keys, into a ZIP', 'cert-studio renew devices --ca certs-out --certificates certs-out --new-keys --zip renewed.zip'],
    ],
  }, DEVICES_OPTIONS),
  async run(argv) {
    const { values } = parse(argv, DEVICES_OPTIONS);
    if (values.help) return process.stdout.write(renewDevices.help());
    if (!values.certificates) throw new UsageError('--certificates', 'is needed: the device certificates to renew');
    const certs = deviceFiles(values.certificates, '--certificates', 'certificates');
    const keys = deviceFiles(values.keys, '--keys', 'keys');
    const target = outputTarget(values);
    const context = await makeContext();
    try {
      const { ca } = importCa(context.caSession, values);
      const request = withoutUnset({ caId: ca.id, certificates: certs, keys, password: values.password, keepKeys: keepKeys(values), validityDays: integer(values, 'validity-days', { min: 1, max: 36500 }), nowMs: Date.now(), ...deviceFileSettings(values) });
      const made = await naming({ ...DEVICE_FILE_FLAGS, password: '--password', keys: '--keys', certificates: '--certificates' }, () => context.caSession.renewDevices(request));
      const output = new Output(target);
      output.addFiles(made.files);
      const where = output.close();
      report({ command: 'renew devices', [target.kind === 'dir' ? 'out' : 'zip']: where, files: output.fileCount, ca: { commonName: ca.commonName, thumbprintSha1: ca.thumbprintSha1 }, certificates: certificates(made.chain), renewed: made.renewed }, values.json);
    } finally {
      await context.close();
    }
  },
};

const renewCa = {
  help: () => helpText({
    usage: 'cert-studio renew ca --ca PATH [--ca-cn CN] (--out DIR | --zip FILE)',
    about: 'Renews a CA with its own key, subject and SKI (a root signs itself; an intermediate is signed by its issuer, which must be among the --ca files).',
    examples: [
      ['the root of certs-out/ again for a year, with its own key', 'cert-studio renew ca --ca certs-out --validity-days 365 --out renewed-root'],
      ['its intermediate, by name', 'cert-studio renew ca --ca certs-out --ca-cn "Azure IoT Hub Intermediate Cert Test Only" --out renewed-intermediate'],
    ],
  }, CA_RENEWAL_OPTIONS),
  async run(argv) {
    const { values } = parse(argv, CA_RENEWAL_OPTIONS);
    if (values.help) return process.stdout.write(renewCa.help());
    const target = outputTarget(values);
    const context = await makeContext();
    try {
      const { ca, cas } = importCa(context.caSession, values, 'root');
      const parent = ca.role === 'root' ? undefined : cas.find((c) => c.subject === ca.issuer);
      if (ca.role !== 'root' && !parent) throw new UsageError('--ca', `the issuer of "${ca.commonName}" (${ca.issuer}) and its key are needed to renew it; add them to --ca`);
      const request = withoutUnset({ caId: ca.id, parentCaId: parent?.id, validityDays: integer(values, 'validity-days', { min: 1, max: 36500 }), notBeforeMs: instant(values, 'not-before'), notAfterMs: instant(values, 'not-after'), nowMs: Date.now() });
      const made = await naming(DEVICE_FILE_FLAGS, () => context.caSession.renewCa(request));
      const output = new Output(target);
      output.addFiles(made.files);
      const where = output.close();
      const renewed = { role: made.ca.role, commonName: made.ca.commonName, issuerCommonName: parent?.commonName ?? made.ca.commonName, keyAlgorithm: made.ca.keyAlgorithm, notAfter: made.ca.notAfter, thumbprintSha1: made.ca.thumbprintSha1, path: made.files.find((f) => f.path.endsWith('.cert.pem'))?.path };
      report({ command: 'renew ca', [target.kind === 'dir' ? 'out' : 'zip']: where, files: output.fileCount, previous: { thumbprintSha1: ca.thumbprintSha1, notAfter: ca.notAfter }, certificates: [renewed] }, values.json);
    } finally {
      await context.close();
    }
  },
};

const WHAT = { devices: renewDevices, ca: renewCa };

export const renew = {
  about: 'renew devices (`renew devices`) or a CA with its own key (`renew ca`)',
  help: () => `Usage: cert-studio renew devices|ca [flags]\n\n${renewDevices.help()}\n${renewCa.help()}`,
  async run(argv) {
    const [what, ...rest] = argv;
    if (what === '--help' || what === '-h') return process.stdout.write(renew.help());
    if (!WHAT[what]) throw new UsageError('renew', `say what to renew: \`renew devices\` or \`renew ca\` (got ${what === undefined ? 'nothing' : `"${what}"`})`);
    return WHAT[what].run(rest);
  },
};
