// `cert-studio iot-operations` and `cert-studio device-registry root|csr|sign`
// from the installed package (issue 24): the files each writes, checked by
// openssl and Python `cryptography`; hostile names at every field refused
// with exit 2 naming the flag and nothing written; the `-file` twin of a
// password; a second run into the same --out refused.
// Run: node --test e2e/node/azure-scenarios.test.mjs   (after make build and make package)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installPackage, listing, tool } from './installed-package.mjs';

let project;
let cli;
before(() => {
  ({ project, cli } = installPackage('cert-studio-azure-'));
});
after(() => rmSync(project, { recursive: true, force: true }));

const at = (...parts) => join(project, ...parts);

function run(args) {
  return spawnSync('sh', ['-c', 'umask 022 && exec "$0" "$@"', cli, ...args], { cwd: project, encoding: 'utf8', timeout: 300_000 });
}

function ok(args) {
  const result = run(args);
  assert.equal(result.status, 0, `cert-studio ${args.join(' ')} exited ${result.status}:\n${result.stderr}`);
  return result;
}

/** Exit 2 naming `flag`, no stack trace, and the project folder exactly as it was. */
function refused(args, flag) {
  const before = listing(project);
  const result = run(args);
  assert.equal(result.status, 2, `cert-studio ${args.map((a) => JSON.stringify(a)).join(' ')} exited ${result.status}, not 2:\n${result.stdout}${result.stderr}`);
  assert.ok(result.stderr.includes(flag), `the message does not name ${flag}:\n${result.stderr}`);
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'a refusal printed a stack trace');
  assert.deepEqual(listing(project), before, `a refused run wrote something: ${args.join(' ')}`);
}

const HOSTILE = ['../evil', 'a"b', "it's", 'a&b', '50%', 'line\nbreak'];

test('iot-operations writes the clients, their chains and the broker snippets; keys are 0600', () => {
  const out = at('aio');
  ok(['iot-operations', '--clients', 'thermostat,hygrometer=humidity', '--config-map', 'fabrikam-ca', '--ca-key-password', '', '--out', out]);
  for (const path of ['certs/thermostat-full-chain.cert.pem', 'private/hygrometer.key.pem', 'snippets/iot-operations.broker-authentication.yaml', 'snippets/iot-operations.client-ca.configmap.sh', 'snippets/iot-operations.az-cli.sh', 'snippets/iot-operations.mosquitto_pub.sh', 'README.txt']) {
    assert.ok(statSync(join(out, path)).isFile(), path);
  }
  assert.equal(statSync(join(out, 'private/thermostat.key.pem')).mode & 0o777, 0o600);
  const verify = tool('openssl', ['verify', '-CAfile', join(out, 'certs/iot-operations-client.root.ca.cert.pem'), '-untrusted', join(out, 'certs/iot-operations-client.intermediate.cert.pem'), join(out, 'certs/hygrometer.cert.pem')]);
  assert.equal(verify.status, 0, verify.stderr);
  const yaml = tool('python3', ['-c', 'import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); m = d["spec"]["authenticationMethods"][0]["x509Settings"]; print(m["trustedClientCaCert"], m["authorizationAttributes"]["hygrometer"]["attributes"]["group"])', join(out, 'snippets/iot-operations.broker-authentication.yaml')]);
  assert.equal(yaml.stdout.trim(), 'fabrikam-ca humidity', yaml.stderr);
  refused(['iot-operations', '--out', out], '--out');
});

test('iot-operations refuses hostile names at each flag, writing nothing', () => {
  for (const bad of HOSTILE) {
    refused(['iot-operations', '--clients', bad, '--out', at('never')], '--clients');
    refused(['iot-operations', '--clients', `ok=${bad}`, '--out', at('never')], '--clients');
    refused(['iot-operations', '--config-map', bad, '--out', at('never')], '--config-map');
    refused(['iot-operations', '--authentication-name', bad, '--out', at('never')], '--authentication-name');
    refused(['iot-operations', '--manufacturer', bad, '--out', at('never')], '--manufacturer');
    refused(['iot-operations', '--intermediate-cn', bad, '--out', at('never')], '--intermediate-cn');
  }
  refused(['iot-operations', '--root-cn', 'Root, O=Evil', '--zip', at('never.zip')], '--root-cn');
});

/** The service's CSR as Python `cryptography` makes one (P-384, a subject of several attributes). */
function azureCsr(path) {
  const made = tool('python3', ['-c', [
    'import sys',
    'from cryptography import x509',
    'from cryptography.hazmat.primitives import hashes, serialization',
    'from cryptography.hazmat.primitives.asymmetric import ec',
    'from cryptography.x509.oid import NameOID',
    'key = ec.generate_private_key(ec.SECP384R1())',
    'name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Microsoft"), x509.NameAttribute(NameOID.COMMON_NAME, "ADR ICA")])',
    'csr = x509.CertificateSigningRequestBuilder().subject_name(name).sign(key, hashes.SHA384())',
    'open(sys.argv[1], "wb").write(csr.public_bytes(serialization.Encoding.DER))',
  ].join('\n'), path]);
  assert.equal(made.status, 0, made.stderr);
}

test('device-registry: root, device CSRs and the service\'s CSR signed with the root\'s password from a file', () => {
  const rootOut = at('adr-root');
  writeFileSync(at('root-password.txt'), 'Root-Secret-1\n');
  ok(['device-registry', 'root', '--policy-name', 'byor-1', '--ca-key-password-file', at('root-password.txt'), '--out', rootOut]);
  const rootCert = join(rootOut, 'certs/device-registry.root.ca.cert.pem');
  assert.match(tool('openssl', ['x509', '-in', rootCert, '-noout', '-ext', 'basicConstraints']).stdout, /CA:TRUE, pathlen:1/);
  assert.equal(tool('openssl', ['pkey', '-noout', '-passin', 'pass:Root-Secret-1', '-in', join(rootOut, 'private/device-registry.root.ca.key.pem')]).status, 0);

  const devices = at('adr-devices');
  const summary = JSON.parse(ok(['device-registry', 'csr', '--devices', 'sensor-{1..2}', '--enrollment-id', 'group-1', '--out', devices, '--json']).stdout);
  assert.deepEqual(summary.requests.map((r) => r.registrationId), ['sensor-1', 'sensor-2']);
  const der = at('sensor-2.der');
  assert.equal(readFileSync(join(devices, 'csr/sensor-2.csr.b64'), 'utf8'), summary.requests[1].csrBase64);
  assert.equal(tool('openssl', ['base64', '-d', '-A', '-in', join(devices, 'csr/sensor-2.csr.b64'), '-out', der]).status, 0);
  const text = tool('openssl', ['req', '-inform', 'DER', '-in', der, '-verify', '-noout', '-subject']);
  assert.match(text.stdout + text.stderr, /verify OK/);
  assert.match(text.stdout, /subject=CN = sensor-2/);

  const csr = at('policy.csr');
  azureCsr(csr);
  const ica = at('adr-ica');
  ok(['device-registry', 'sign', '--ca', rootOut, '--ca-password-file', at('root-password.txt'), '--csr', csr, '--policy-name', 'byor-1', '--out', ica]);
  const chainFile = join(ica, 'certs/ADR_ICA-full-chain.cert.pem');
  const verify = tool('openssl', ['verify', '-CAfile', rootCert, join(ica, 'certs/ADR_ICA.cert.pem')]);
  assert.equal(verify.status, 0, verify.stderr + verify.stdout);
  assert.match(tool('openssl', ['x509', '-in', join(ica, 'certs/ADR_ICA.cert.pem'), '-noout', '-subject']).stdout, /subject=O = Microsoft, CN = ADR ICA/);
  assert.match(readFileSync(join(ica, 'snippets/device-registry.activate-policy.az-cli.sh'), 'utf8'), /--certificate-chain-file 'certs\/ADR_ICA-full-chain\.cert\.pem'/);
  assert.ok(statSync(chainFile).isFile());

  // Hostile names, and a CSR that is not one: refused at their flags, nothing written.
  for (const bad of HOSTILE) {
    refused(['device-registry', 'root', '--policy-name', bad, '--out', at('never')], '--policy-name');
    // A line break separates IDs in --devices, as in every command; each part is then checked.
    if (!bad.includes('\n')) refused(['device-registry', 'csr', '--devices', bad, '--out', at('never')], '--devices');
    refused(['device-registry', 'csr', '--devices', 'ok-1', '--enrollment-id', bad, '--out', at('never')], '--enrollment-id');
    refused(['device-registry', 'sign', '--ca', rootOut, '--ca-password-file', at('root-password.txt'), '--csr', csr, '--policy-name', bad, '--out', at('never')], '--policy-name');
  }
  refused(['device-registry', 'sign', '--ca', rootOut, '--ca-password-file', at('root-password.txt'), '--csr', rootCert, '--out', at('never')], '--csr');
  refused(['device-registry', 'root', '--validity-days', '365', '--out', at('never')], '--validity-days');
  refused(['device-registry', 'bogus'], 'device-registry');
});
