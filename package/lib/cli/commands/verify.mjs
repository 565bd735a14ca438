// `cert-studio verify`: the proof-of-possession certificate the portal asks
// for (CN = the verification code), signed by a CA brought as a folder, a
// studio ZIP or a PFX; as the page's Bring your own CA panel.

import { OUTPUT_OPTIONS, helpText, parse } from '../args.mjs';
import { CA_OPTIONS, importCa } from '../ca-source.mjs';
import { makeContext } from '../context.mjs';
import { UsageError, naming } from '../errors.mjs';
import { Output, outputTarget } from '../output.mjs';
import { report } from '../summary.mjs';

const OPTIONS = {
  ...CA_OPTIONS,
  code: { type: 'string', help: 'CODE  the verification code the portal shows (hexadecimal)' },
  ...OUTPUT_OPTIONS,
};

export const verify = {
  about: 'a verification certificate for a CA (folder, ZIP or PFX) and the portal\'s code',
  help: () => helpText({
    usage: 'cert-studio verify --ca PATH --code CODE (--out DIR | --zip FILE)',
    about: `Makes ${verify.about}. Without --ca-cn the root is used, as the tutorial verifies the root.`,
    examples: [
      ['the proof of possession for the root of the chain in certs-out/', 'cert-studio verify --ca certs-out --code A1B2C3D4E5F60718293A4B5C6D7E8F9011223344556677AB --out verified'],
      ['for a CA in a PFX, its password read from standard input', 'cert-studio verify --ca certs-out/certs/root.pfx --ca-password-file - --code A1B2C3D4E5F60718293A4B5C6D7E8F9011223344556677AB --out verified-pfx < ca-password.txt'],
    ],
  }, OPTIONS),
  async run(argv) {
    const { values } = parse(argv, OPTIONS);
    if (values.help) return process.stdout.write(verify.help());
    if (values.code === undefined) throw new UsageError('--code', 'is needed: the verification code the portal shows');
    const target = outputTarget(values);
    const context = await makeContext();
    try {
      const { ca } = importCa(context.caSession, values, 'root');
      const made = await naming({ verificationCode: '--code' }, () => context.caSession.makeVerificationCertificate({ caId: ca.id, verificationCode: values.code, nowMs: Date.now() }));
      const output = new Output(target);
      output.addFiles(made.files);
      const where = output.close();
      const certificate = made.files.find((f) => f.path.endsWith('.cert.pem'));
      report({
        command: 'verify',
        [target.kind === 'dir' ? 'out' : 'zip']: where,
        files: output.fileCount,
        ca: { commonName: ca.commonName, role: ca.role, thumbprintSha1: ca.thumbprintSha1 },
        certificates: [{ role: 'verification', commonName: made.commonName, issuerCommonName: ca.commonName, thumbprintSha1: made.thumbprintSha1, path: certificate?.path }],
        ...(made.warning ? { warning: made.warning } : {}),
      }, values.json);
      if (made.warning && !values.json) process.stderr.write(`Warning: ${made.warning}\n`);
    } finally {
      await context.close();
    }
  },
};
