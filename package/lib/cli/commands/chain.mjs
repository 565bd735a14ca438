// `cert-studio chain`: the tutorial's root → intermediates → devices, as the
// page's Chain panel makes it. Over 20 devices it is a batch, as on the page:
// the CA once, then the devices in chunks on the worker threads, written as
// they are made.

import { DEVICE_FILE_FLAGS, DEVICE_FILE_OPTIONS, KEY_ALGORITHMS, KEY_OPTIONS, OUTPUT_OPTIONS, deviceFileSettings, helpText, integer, oneOf, parse, passwordOptions, withoutUnset } from '../args.mjs';
import { writeBatch } from '../batch.mjs';
import { makeContext } from '../context.mjs';
import { DEVICE_OPTIONS, deviceIds } from '../devices.mjs';
import { naming } from '../errors.mjs';
import { makeKeys, stretchPassword } from '../keys.mjs';
import { Output, outputTarget } from '../output.mjs';
import { certificates, report } from '../summary.mjs';

/** Over this many devices a chain is made as a batch (as the page does). */
const BATCH_OVER = 20;
const TUTORIAL_CA_KEY_PASSWORD = '1234';

const OPTIONS = {
  'key-algorithm': { type: 'string', help: `ALG  ${KEY_ALGORITHMS.join('|')} (default rsa-4096)` },
  key: { type: 'string', help: 'ALG  the same as --key-algorithm' },
  'root-cn': { type: 'string', help: 'CN  root CA common name (default "Azure IoT Hub CA Cert Test Only")' },
  'intermediate-cns': { type: 'string', help: 'CNS  intermediate CNs from the root down, comma-separated; "" for none (default "Azure IoT Hub Intermediate Cert Test Only")' },
  ...DEVICE_OPTIONS,
  'validity-days': { type: 'string', help: 'DAYS  certificate validity (default 30)' },
  ...passwordOptions('ca-key-password', 'PASSWORD  encrypts the CA keys; "" leaves them unencrypted (default 1234)'),
  ...DEVICE_FILE_OPTIONS,
  ...KEY_OPTIONS,
  ...OUTPUT_OPTIONS,
};

const FLAGS = { ...DEVICE_FILE_FLAGS, keyAlgorithm: '--key-algorithm', rootCn: '--root-cn', intermediateCns: '--intermediate-cns' };

export const chain = {
  about: 'the tutorial chain: root → intermediates → devices (batches of any size written as they are made)',
  help: () => helpText({
    usage: 'cert-studio chain [flags] (--out DIR | --zip FILE)',
    about: `Makes ${chain.about}.`,
    examples: [
      ['the tutorial chain (RSA 4096; devices device-01 and device-02; CA keys encrypted with 1234) in certs-out/', 'cert-studio chain --out certs-out'],
      ['500 P-256 devices in one ZIP, the CA key password read from a file', 'cert-studio chain --key ec-p256 --devices "sensor-{001..500}" --ca-key-password-file ca-password.txt --zip batch.zip'],
      ['a root and one device, no intermediate, the summary as JSON', 'cert-studio chain --key ec-p256 --intermediate-cns "" --devices lab-1 --out lab --json'],
    ],
  }, OPTIONS),
  async run(argv) {
    const { values } = parse(argv, OPTIONS);
    if (values.help) return process.stdout.write(chain.help());
    const keyFlag = values.key !== undefined ? 'key' : 'key-algorithm';
    const context = await makeContext(values);
    const flags = { ...FLAGS, keyAlgorithm: `--${keyFlag}` };
    try {
      const ids = deviceIds(context.studio, values);
      const spec = withoutUnset({
        keyAlgorithm: oneOf(values, keyFlag, KEY_ALGORITHMS),
        rootCn: values['root-cn'],
        intermediateCns: values['intermediate-cns']?.split(',').map((cn) => cn.trim()).filter(Boolean),
        devices: ids,
        validityDays: integer(values, 'validity-days', { min: 1, max: 36500 }),
        caKeyPassword: values['ca-key-password'] ?? TUTORIAL_CA_KEY_PASSWORD,
        ...deviceFileSettings(values),
      });
      const batch = (ids?.length ?? 0) > BATCH_OVER;
      // The checks first: nothing is made or written while a flag is wrong.
      const keyCount = await naming(flags, () => context.studio.validateChainSpec({ spec: batch ? { ...spec, devices: ids.slice(0, 1) } : spec }).keyCount);
      const target = outputTarget(values);
      const algorithm = spec.keyAlgorithm ?? 'rsa-4096';
      const nowMs = Date.now();
      const stretched = stretchPassword(spec.caKeyPassword, context.studio.caKeyPasswordRounds());
      const output = new Output(target);
      try {
        let summary;
        if (batch) {
          const keys = await makeKeys(context.pool, Array(keyCount - 1).fill(algorithm), context.generator, context.progress);
          const ca = await naming(flags, async () => context.studio.makeBatchCa({ ...spec, devices: ids.slice(0, 1) }, keys, nowMs, await stretched));
          const { studio, pool, progress, generator } = context;
          const { made, devicesCsv } = await writeBatch({ studio, pool, progress, generator, output }, spec, ids, { ca, nowMs });
          summary = { certificates: certificates(ca.chain), devices: made, devicesCsv };
        } else {
          const keys = await makeKeys(context.pool, Array(keyCount).fill(algorithm), context.generator, context.progress);
          const made = await naming(flags, async () => context.studio.buildChain({ spec, keys, nowMs, stretchedCaPassword: await stretched }));
          context.progress.done();
          output.addFiles(made.files);
          summary = { certificates: certificates(made.chain) };
        }
        const where = output.close();
        report({ command: 'chain', [target.kind === 'dir' ? 'out' : 'zip']: where, files: output.fileCount, ...summary }, values.json);
      } catch (error) {
        output.abandon();
        throw error;
      }
    } finally {
      await context.close();
    }
  },
};
