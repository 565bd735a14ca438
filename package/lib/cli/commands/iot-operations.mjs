// `cert-studio iot-operations`: X.509 clients for Azure IoT Operations' MQTT
// broker, as the page's IoT Operations tab: the client CA chain, each
// client's key, certificate and full chain, the ConfigMap and
// BrokerAuthentication snippets, the az equivalent and mosquitto_pub lines.

import { KEY_ALGORITHMS, OUTPUT_OPTIONS, helpText, instant, integer, oneOf, parse, passwordOptions, withoutUnset } from '../args.mjs';
import { makeContext } from '../context.mjs';
import { UsageError, naming } from '../errors.mjs';
import { Output, outputTarget } from '../output.mjs';
import { certificates, report } from '../summary.mjs';

const OPTIONS = {
  clients: { type: 'string', multiple: true, help: 'NAMES  client names (CN and client ID), each optionally =GROUP: thermostat,hygrometer=humidity (repeatable; default thermostat,hygrometer)' },
  'key-algorithm': { type: 'string', help: `ALG  ${KEY_ALGORITHMS.join('|')} (default ec-p256)` },
  'root-cn': { type: 'string', help: 'CN  the client root CA (default "Fabrikam Root CA")' },
  'intermediate-cn': { type: 'string', help: 'CN  the client intermediate CA (default "Fabrikam Intermediate CA 1")' },
  manufacturer: { type: 'string', help: 'VALUE  the manufacturer attribute of every client under the intermediate (default fabrikam)' },
  'config-map': { type: 'string', help: 'NAME  the ConfigMap of the client root (default client-ca)' },
  'authentication-name': { type: 'string', help: 'NAME  the BrokerAuthentication resource (default x509-auth)' },
  'validity-days': { type: 'string', help: 'DAYS  certificate validity (default 100, the tutorial\'s 2400h)' },
  'not-before': { type: 'string', help: 'TIME  certificates start then (ISO 8601) instead of now' },
  'not-after': { type: 'string', help: 'TIME  certificates end then (ISO 8601) instead of after --validity-days' },
  ...passwordOptions('ca-key-password', 'PASSWORD  of the CA keys (default 1234; "" for none)'),
  ...OUTPUT_OPTIONS,
};

/** Spec fields whose flag is not named after them. */
const FLAGS = { rootCn: '--root-cn', intermediateCn: '--intermediate-cn', notBeforeMs: '--not-before', notAfterMs: '--not-after' };

export const iotOperations = {
  about: 'X.509 clients for Azure IoT Operations\' MQTT broker, with its ConfigMap and BrokerAuthentication',
  help: () => helpText({
    usage: 'cert-studio iot-operations [flags] (--out DIR | --zip FILE)',
    about: `Makes ${iotOperations.about}.`,
    examples: [
      ['the tutorial\'s thermostat and hygrometer', 'cert-studio iot-operations --out aio-clients'],
      ['three clients, one in its own group, trusted through ConfigMap fabrikam-ca', 'cert-studio iot-operations --clients thermostat,heater,hygrometer=humidity --config-map fabrikam-ca --zip aio.zip'],
    ],
  }, OPTIONS),
  async run(argv) {
    const { values } = parse(argv, OPTIONS);
    if (values.help) return process.stdout.write(iotOperations.help());
    let clients;
    if (values.clients) {
      clients = values.clients.flatMap((v) => v.split(',')).map((c) => c.trim()).filter(Boolean);
      if (!clients.length) throw new UsageError('--clients', 'no client name given');
    }
    const spec = withoutUnset({
      clients,
      keyAlgorithm: oneOf(values, 'key-algorithm', KEY_ALGORITHMS),
      rootCn: values['root-cn'],
      intermediateCn: values['intermediate-cn'],
      manufacturer: values.manufacturer,
      configMap: values['config-map'],
      authenticationName: values['authentication-name'],
      validityDays: integer(values, 'validity-days', { min: 1, max: 36500 }),
      notBeforeMs: instant(values, 'not-before'),
      notAfterMs: instant(values, 'not-after'),
      caKeyPassword: values['ca-key-password'],
      nowMs: Date.now(),
    });
    const target = outputTarget(values);
    const context = await makeContext();
    try {
      const made = await naming(FLAGS, () => context.studio.makeIotOperationsClients(spec));
      const output = new Output(target);
      output.addFiles(made.files);
      const where = output.close();
      report({ command: 'iot-operations', [target.kind === 'dir' ? 'out' : 'zip']: where, files: output.fileCount, certificates: certificates(made.chain) }, values.json);
    } finally {
      await context.close();
    }
  },
};
