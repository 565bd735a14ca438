// `cert-studio edge`: the IoT Edge chain with iotedge certGen.sh names (device
// CA, identity and server certificates), as the page's IoT Edge panel.

import { DEVICE_FILE_FLAGS, DEVICE_FILE_OPTIONS, KEY_ALGORITHMS, KEY_OPTIONS, OUTPUT_OPTIONS, deviceFileSettings, helpText, integer, oneOf, parse, passwordOptions, withoutUnset } from '../args.mjs';
import { makeContext } from '../context.mjs';
import { naming } from '../errors.mjs';
import { makeKeys, stretchPassword } from '../keys.mjs';
import { Output, outputTarget } from '../output.mjs';
import { certificates, report } from '../summary.mjs';

const OPTIONS = {
  'ca-key-algorithm': { type: 'string', help: `ALG  root, intermediate and device CA keys: ${KEY_ALGORITHMS.join('|')} (default rsa-4096)` },
  'leaf-key-algorithm': { type: 'string', help: 'ALG  identity and server keys (default rsa-2048)' },
  'root-cn': { type: 'string', help: 'CN  root CA common name' },
  'intermediate-cn': { type: 'string', help: 'CN  intermediate CA common name' },
  'device-name': { type: 'string', help: 'NAME  the IoT Edge device (names <name>.ca and the identity certificate)' },
  'dns-names': { type: 'string', help: 'NAMES  server certificate DNS names, comma-separated ("" for no server certificate)' },
  'validity-days': { type: 'string', help: 'DAYS  certificate validity' },
  'iot-edge11': { type: 'boolean', help: 'IoT Edge 1.1: refuse anything expiring from 2038 on' },
  ...passwordOptions('ca-key-password', 'PASSWORD  encrypts the CA keys; "" leaves them unencrypted (default 1234)'),
  ...DEVICE_FILE_OPTIONS,
  ...KEY_OPTIONS,
  ...OUTPUT_OPTIONS,
};

export const edge = {
  about: 'the IoT Edge chain: device CA, identity and server certificates (certGen.sh names)',
  help: () => helpText({
    usage: 'cert-studio edge [flags] (--out DIR | --zip FILE)',
    about: `Makes ${edge.about}.`,
    examples: [
      ['the IoT Edge device edge-1 with P-256 keys', 'cert-studio edge --device-name edge-1 --ca-key-algorithm ec-p256 --leaf-key-algorithm ec-p256 --out edge-out'],
      ['for IoT Edge 1.1, with a server certificate for edge-1.local, in a ZIP', 'cert-studio edge --device-name edge-1 --dns-names edge-1.local --iot-edge11 --zip edge.zip'],
    ],
  }, OPTIONS),
  async run(argv) {
    const { values } = parse(argv, OPTIONS);
    if (values.help) return process.stdout.write(edge.help());
    const context = await makeContext(values);
    try {
      const spec = withoutUnset({
        caKeyAlgorithm: oneOf(values, 'ca-key-algorithm', KEY_ALGORITHMS),
        leafKeyAlgorithm: oneOf(values, 'leaf-key-algorithm', KEY_ALGORITHMS),
        rootCn: values['root-cn'],
        intermediateCn: values['intermediate-cn'],
        deviceName: values['device-name'],
        dnsNames: values['dns-names']?.split(','),
        validityDays: integer(values, 'validity-days', { min: 1, max: 36500 }),
        iotEdge11: values['iot-edge11'],
        caKeyPassword: values['ca-key-password'] ?? '1234',
        ...deviceFileSettings(values),
      });
      const nowMs = Date.now();
      const flags = { ...DEVICE_FILE_FLAGS, iotEdge11: '--iot-edge11' };
      const algorithms = await naming(flags, () => context.studio.edgeKeyAlgorithms({ spec, nowMs }).keyAlgorithms);
      const target = outputTarget(values);
      const stretched = stretchPassword(spec.caKeyPassword, context.studio.caKeyPasswordRounds());
      const keys = await makeKeys(context.pool, algorithms, context.generator, context.progress);
      const made = await naming(flags, async () => context.studio.makeEdgeChain({ spec, keys, nowMs, stretchedCaPassword: await stretched }));
      context.progress.done();
      const output = new Output(target);
      output.addFiles(made.files);
      const where = output.close();
      report({ command: 'edge', [target.kind === 'dir' ? 'out' : 'zip']: where, files: output.fileCount, certificates: certificates(made.chain) }, values.json);
    } finally {
      await context.close();
    }
  },
};
