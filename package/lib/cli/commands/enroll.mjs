// `cert-studio enroll`: self-signed device certificates for a DPS individual
// enrollment (primary, and a secondary on request), as the page's panel.

import { DEVICE_FILE_FLAGS, DEVICE_FILE_OPTIONS, KEY_ALGORITHMS, KEY_OPTIONS, OUTPUT_OPTIONS, deviceFileSettings, helpText, integer, oneOf, parse, withoutUnset } from '../args.mjs';
import { makeContext } from '../context.mjs';
import { naming } from '../errors.mjs';
import { makeKeys } from '../keys.mjs';
import { Output, outputTarget } from '../output.mjs';
import { certificates, report } from '../summary.mjs';

const OPTIONS = {
  'key-algorithm': { type: 'string', help: `ALG  ${KEY_ALGORITHMS.join('|')} (default rsa-4096)` },
  'registration-id': { type: 'string', help: 'ID  the device\'s registration ID (its certificate\'s CN)' },
  'validity-days': { type: 'string', help: 'DAYS  certificate validity' },
  'with-secondary': { type: 'boolean', help: 'also a secondary certificate, with its own key' },
  ...DEVICE_FILE_OPTIONS,
  ...KEY_OPTIONS,
  ...OUTPUT_OPTIONS,
};

export const enroll = {
  about: 'an individual enrollment: self-signed device certificate(s), primary and secondary',
  help: () => helpText({
    usage: 'cert-studio enroll [flags] (--out DIR | --zip FILE)',
    about: `Makes ${enroll.about}.`,
    examples: [
      ['a primary and a secondary certificate for the device sensor-9', 'cert-studio enroll --registration-id sensor-9 --with-secondary --out enroll-out'],
      ['a P-256 one, its PFX password from the environment', 'CERT_STUDIO_PFX_PASSWORD=s3cret cert-studio enroll --registration-id sensor-10 --key-algorithm ec-p256 --zip sensor-10.zip'],
    ],
  }, OPTIONS),
  async run(argv) {
    const { values } = parse(argv, OPTIONS);
    if (values.help) return process.stdout.write(enroll.help());
    const context = await makeContext(values);
    try {
      const spec = withoutUnset({
        keyAlgorithm: oneOf(values, 'key-algorithm', KEY_ALGORITHMS),
        registrationId: values['registration-id'],
        validityDays: integer(values, 'validity-days', { min: 1, max: 36500 }),
        withSecondary: values['with-secondary'],
        ...deviceFileSettings(values),
      });
      const keyCount = await naming(DEVICE_FILE_FLAGS, () => context.studio.validateEnrollmentSpec({ spec }).keyCount);
      const target = outputTarget(values);
      const keys = await makeKeys(context.pool, Array(keyCount).fill(spec.keyAlgorithm ?? 'rsa-4096'), context.generator, context.progress);
      const made = await naming(DEVICE_FILE_FLAGS, () => context.studio.makeIndividualEnrollment({ spec, keys, nowMs: Date.now() }));
      context.progress.done();
      const output = new Output(target);
      output.addFiles(made.files);
      const where = output.close();
      report({ command: 'enroll', [target.kind === 'dir' ? 'out' : 'zip']: where, files: output.fileCount, certificates: certificates(made.chain) }, values.json);
    } finally {
      await context.close();
    }
  },
};
