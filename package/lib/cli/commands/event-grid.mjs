// `cert-studio event-grid`: clients of an Event Grid namespace's MQTT broker,
// as the page's Event Grid tab makes them: a root and the intermediate to
// upload (none for thumbprint clients), a certificate per client with its
// authentication name where the validation scheme reads it, and the az
// script that registers them.

import { readFileSync } from 'node:fs';
import { KEY_ALGORITHMS, KEY_OPTIONS, OUTPUT_OPTIONS, helpText, instant, integer, oneOf, parse, passwordOptions, withoutUnset } from '../args.mjs';
import { makeContext } from '../context.mjs';
import { UsageError, naming } from '../errors.mjs';
import { makeKeys, stretchPassword } from '../keys.mjs';
import { Output, outputTarget } from '../output.mjs';
import { certificates, report } from '../summary.mjs';

const SCHEMES = ['subject', 'dns', 'uri', 'ip', 'email', 'thumbprint'];

const OPTIONS = {
  validation: { type: 'string', help: `SCHEME  where the broker reads each client's authentication name: ${SCHEMES.join('|')} (default subject; thumbprint: self-signed clients, no CA)` },
  clients: { type: 'string', multiple: true, help: 'LIST  client names, each optionally =its authentication name (client-1=client-1.contoso.com, meter-7=10.0.0.7, cam-2=urn:contoso:cam-2), or a range like meter-{01..20}; comma-separated, repeatable (default client-1,client-2)' },
  'clients-file': { type: 'string', help: 'FILE  one client per line, as --clients takes them (for authentication names holding a comma)' },
  'key-algorithm': { type: 'string', help: `ALG  ${KEY_ALGORITHMS.join('|')} (default ec-p256)` },
  'root-cn': { type: 'string', help: 'CN  root CA common name' },
  'intermediate-cn': { type: 'string', help: 'CN  intermediate CA common name (the CA uploaded to the namespace)' },
  'ca-name': { type: 'string', help: 'NAME  the intermediate\'s name in the namespace: 3-50 letters, digits and - (default event-grid-intermediate)' },
  namespace: { type: 'string', help: 'NAME  the Event Grid namespace the az script names (unset: the script asks for $NAMESPACE)' },
  'resource-group': { type: 'string', help: 'NAME  its resource group (unset: the script asks for $RESOURCE_GROUP)' },
  'mqtt-hostname': { type: 'string', help: 'HOST  the namespace\'s MQTT hostname, for the snippets (unset: they read $MQTT_HOSTNAME)' },
  'validity-days': { type: 'string', help: 'DAYS  certificate validity (default 100, as step\'s --not-after 2400h)' },
  'not-before': { type: 'string', help: 'TIME  certificates start then (ISO 8601) instead of now' },
  'not-after': { type: 'string', help: 'TIME  certificates end then (ISO 8601) instead of after --validity-days' },
  ...passwordOptions('ca-key-password', 'PASSWORD  encrypts the CA keys; "" leaves them unencrypted (default 1234)'),
  'pfx-profile': { type: 'string', help: 'modern|legacy  PFX encryption (default modern)' },
  ...passwordOptions('pfx-password', 'PASSWORD  of the PFX files (default 1234)'),
  ...KEY_OPTIONS,
  ...OUTPUT_OPTIONS,
};

const FLAGS = {
  keyAlgorithm: '--key-algorithm',
  caCertificateName: '--ca-name',
  rootCn: '--root-cn',
  intermediateCn: '--intermediate-cn',
  mqttHostname: '--mqtt-hostname',
  resourceGroup: '--resource-group',
  notBeforeMs: '--not-before',
  notAfterMs: '--not-after',
};

/** The client entries of --clients (split at commas) and --clients-file (one a line); undefined when neither is given. */
function clientEntries(values) {
  if (!values.clients && !values['clients-file']) return undefined;
  const entries = (values.clients ?? []).flatMap((v) => v.split(',')).map((e) => e.trim()).filter(Boolean);
  if (values['clients-file']) {
    let text;
    try {
      text = readFileSync(values['clients-file'], 'utf8');
    } catch (error) {
      throw new UsageError('--clients-file', `can't read ${values['clients-file']} (${error.code ?? error.message})`);
    }
    entries.push(...text.split(/\r?\n/).map((e) => e.trim()).filter(Boolean));
  }
  if (entries.length === 0) throw new UsageError(values.clients ? '--clients' : '--clients-file', 'no client given');
  return entries;
}

export const eventGrid = {
  about: 'Event Grid MQTT broker clients: CA to upload, client certificates per validation scheme, az script',
  help: () => helpText({
    usage: 'cert-studio event-grid [flags] (--out DIR | --zip FILE)',
    about: `Makes ${eventGrid.about}.`,
    examples: [
      ['two clients read by their subject (the docs\' default) for namespace contoso-ns', 'cert-studio event-grid --clients client1-authnID,client2-authnID --namespace contoso-ns --resource-group contoso-rg --out eg'],
      ['meters registered by their IP address', 'cert-studio event-grid --validation ip --clients meter-7=10.0.0.7,meter-8=10.0.0.8 --zip meters.zip'],
      ['self-signed clients matched by thumbprint', 'cert-studio event-grid --validation thumbprint --clients "sensor-{01..10}" --out sensors'],
    ],
  }, OPTIONS),
  async run(argv) {
    const { values } = parse(argv, OPTIONS);
    if (values.help) return process.stdout.write(eventGrid.help());
    const context = await makeContext(values);
    const flags = { ...FLAGS, clients: values.clients ? '--clients' : '--clients-file' };
    try {
      const spec = withoutUnset({
        validation: oneOf(values, 'validation', SCHEMES),
        clients: clientEntries(values),
        keyAlgorithm: oneOf(values, 'key-algorithm', KEY_ALGORITHMS),
        rootCn: values['root-cn'],
        intermediateCn: values['intermediate-cn'],
        caCertificateName: values['ca-name'],
        namespace: values.namespace,
        resourceGroup: values['resource-group'],
        mqttHostname: values['mqtt-hostname'],
        validityDays: integer(values, 'validity-days', { min: 1, max: 36500 }),
        notBeforeMs: instant(values, 'not-before'),
        notAfterMs: instant(values, 'not-after'),
        caKeyPassword: values['ca-key-password'] ?? '1234',
        pfxProfile: values['pfx-profile'],
        pfxPassword: values['pfx-password'],
      });
      const nowMs = Date.now();
      // The checks first: nothing is made or written while a flag is wrong.
      const { keyAlgorithms } = await naming(flags, () => context.studio.eventGridKeyAlgorithms({ spec, nowMs }));
      const target = outputTarget(values);
      const stretched = stretchPassword(spec.caKeyPassword, context.studio.caKeyPasswordRounds());
      const keys = await makeKeys(context.pool, keyAlgorithms, context.generator, context.progress);
      const made = await naming(flags, async () => context.studio.makeEventGrid({ spec, keys, nowMs, stretchedCaPassword: await stretched }));
      context.progress.done();
      const output = new Output(target);
      output.addFiles(made.files);
      const where = output.close();
      report({ command: 'event-grid', [target.kind === 'dir' ? 'out' : 'zip']: where, files: output.fileCount, certificates: certificates(made.chain), clients: made.clients }, values.json);
    } finally {
      await context.close();
    }
  },
};
