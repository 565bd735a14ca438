// `cert-studio inspect`: every certificate, CSR and key in the files, field by
// field as `openssl x509 -text` / `req -text` print them, and the core's one
// judgement of the certificates: the chain verdict and, for a device, the Azure
// preflight (--json: the CA module's inspect() result as it is, as the page gets it).

import { helpText, parse, passwordOptions } from '../args.mjs';
import { readFiles } from '../ca-source.mjs';
import { makeContext } from '../context.mjs';
import { UsageError, naming } from '../errors.mjs';
import { printable } from '../summary.mjs';

const OPTIONS = {
  ...passwordOptions('password', 'PASSWORD  opens encrypted keys and PFX files'),
  'uploaded-ca': { type: 'string', help: 'FILE  the CA certificate uploaded to Azure: the chain is judged up to it' },
  'registration-id': { type: 'string', help: 'ID  add Azure Device Registry\'s rules: P-384, CN = ID (the files may be the device\'s CSR)' },
  'event-grid-validation': { type: 'string', help: 'SCHEME  add Event Grid\'s rules for a client: subject, dns, uri, ip, email or thumbprint' },
  'event-grid-name': { type: 'string', help: 'NAME  the client\'s registered authentication name (thumbprint: its SHA-256)' },
  json: { type: 'boolean', help: 'print the whole description as JSON on stdout' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

const indent = (n, lines) => lines.map((line) => `${' '.repeat(n)}${line}`);

function publicKeyLines(key) {
  const lines = [`Public Key Algorithm: ${key.algorithm}`];
  if (key.bits) lines.push(`    Public-Key: (${key.bits} bit)`);
  if (key.exponent) lines.push(`    Exponent: ${key.exponent} (0x${key.exponent.toString(16)})`);
  if (key.curve) lines.push(`    ASN1 OID: ${key.curve}`, ...(key.nistCurve ? [`    NIST CURVE: ${key.nistCurve}`] : []));
  return lines;
}

function extensionLines(extensions) {
  return extensions.flatMap((e) => [`${e.name}:${e.critical ? ' critical' : ''}`, ...indent(4, e.lines)]);
}

export function certificateText(c) {
  return [
    `Certificate (${c.file}):`,
    '    Data:',
    ...indent(8, [
      `Version: ${c.version} (0x${(c.version - 1).toString(16)})`,
      ...(c.serialDecimal ? [`Serial Number: ${c.serialDecimal} (0x${c.serialHex.toLowerCase()})`] : ['Serial Number:', `    ${c.serial}`]),
      `Signature Algorithm: ${c.signatureAlgorithm}`,
      `Issuer: ${c.issuer}`,
      'Validity',
      `    Not Before: ${c.notBefore.text}`,
      `    Not After : ${c.notAfter.text}`,
      `Subject: ${c.subject}`,
      'Subject Public Key Info:',
      ...indent(4, publicKeyLines(c.publicKey)),
      ...(c.extensions.length ? ['X509v3 extensions:', ...indent(4, extensionLines(c.extensions))] : []),
    ]),
    `    Signature Algorithm: ${c.signatureAlgorithm}`,
    `SHA1 Fingerprint=${c.thumbprintSha1}`,
    `SHA256 Fingerprint=${c.thumbprintSha256}`,
    `${c.validNow ? 'Valid now' : 'NOT valid now'}${c.selfSigned ? ', self-signed' : ''}${c.isCa ? ', a CA' : ''}`,
  ];
}

function requestText(r) {
  return [
    `Certificate Request (${r.file}):`,
    '    Data:',
    ...indent(8, [
      `Subject: ${r.subject}`,
      'Subject Public Key Info:',
      ...indent(4, publicKeyLines(r.publicKey)),
      ...(r.requestedExtensions.length ? ['Requested Extensions:', ...indent(4, extensionLines(r.requestedExtensions))] : []),
    ]),
    `    Signature Algorithm: ${r.signatureAlgorithm}`,
    r.signatureValid ? 'Certificate request self-signature verify OK' : `Certificate request self-signature verify FAILED: ${r.signatureProblem ?? ''}`,
  ];
}

export function inspectionText(result) {
  const blocks = [
    ...result.certificates.map(certificateText),
    ...result.requests.map(requestText),
    ...result.keys.map((k) => [`Private Key (${k.file}): ${k.publicKey.summary}`, `    ${k.matchSummary}`]),
  ];
  if (result.chain) blocks.push([`Chain: ${result.chain.summary}`, ...result.chain.problems.map((p) => `    [${p.rule}] ${p.message}`)]);
  if (result.preflight) {
    const { preflight } = result;
    blocks.push([
      `Azure preflight: ${preflight.ok ? 'OK' : 'FAILED'} for ${preflight.device}${preflight.uploadedCa ? `, against ${preflight.uploadedCa}` : ''}`,
      ...preflight.rules.map((r) => `    [${r.status}] ${r.id}: ${r.detail}`),
    ]);
  }
  if (result.unreadable.length) blocks.push(['Not read:', ...result.unreadable.map((u) => `    ${u}`)]);
  return `${blocks.map((b) => b.map(printable).join('\n')).join('\n\n')}\n`;
}

export const inspect = {
  about: 'certificates, CSRs, keys, bundles and PFX files, field by field (text like OpenSSL, or --json), and the chain check',
  help: () => helpText({
    usage: 'cert-studio inspect FILE... [--uploaded-ca FILE] [--registration-id ID | --event-grid-validation SCHEME --event-grid-name NAME] [--password PASSWORD] [--json]',
    about: `Shows ${inspect.about}.`,
    examples: [
      ['a device\'s full chain as OpenSSL prints it, and whether the chain holds', 'cert-studio inspect certs-out/certs/device-01-full-chain.cert.pem'],
      ['a PFX, its password read from a file, as JSON', 'cert-studio inspect --json --password-file pfx-password.txt certs-out/certs/device-01-full-chain.cert.pfx'],
      ['whether DPS takes a device\'s chain under the root you uploaded', 'cert-studio inspect certs-out/certs/device-01-full-chain.cert.pem --uploaded-ca certs-out/certs/azure-iot-test-only.root.ca.cert.pem'],
    ],
  }, OPTIONS),
  async run(argv) {
    const { values, positionals } = parse(argv, OPTIONS, { positionals: true });
    if (values.help) return process.stdout.write(inspect.help());
    if (!positionals.length) throw new UsageError('FILE', 'name at least one file to inspect');
    const files = readFiles(positionals, 'FILE');
    const uploadedCa = values['uploaded-ca'] ? readFiles([values['uploaded-ca']], '--uploaded-ca') : [];
    // The same scenario rules the Inspect tab adds, from the same core.
    const deviceRegistry = values['registration-id'] !== undefined ? { registrationId: values['registration-id'] } : undefined;
    if ((values['event-grid-validation'] === undefined) !== (values['event-grid-name'] === undefined)) {
      throw new UsageError('--event-grid-validation', 'goes with --event-grid-name: the scheme and the name the client is registered with');
    }
    const eventGrid = values['event-grid-validation'] !== undefined
      ? { validation: values['event-grid-validation'], authenticationName: values['event-grid-name'] }
      : undefined;
    const context = await makeContext();
    try {
      const flags = { files: 'FILE', uploadedCa: '--uploaded-ca', password: '--password', registrationId: '--registration-id', validation: '--event-grid-validation', authenticationName: '--event-grid-name' };
      const result = await naming(flags, () => context.studio.inspect({ files, uploadedCa, password: values.password, nowMs: Date.now(), deviceRegistry, eventGrid }));
      process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : inspectionText(result));
    } finally {
      await context.close();
    }
  },
};
