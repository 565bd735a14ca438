// One judgement for the page and the command: `cert-studio inspect --json`
// prints the core's chain verdict and Azure preflight as the page gets them.
// Chains OpenSSL makes that a TLS server refuses (a root with pathLen 0 above
// an intermediate, a device with serverAuth only, a leaf sent alone) have
// both false, and OpenSSL refuses them too; the full chain has both true.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installPackage, tool } from './installed-package.mjs';

let project;
let cli;
let dir;
before(() => {
  ({ project, cli } = installPackage('cert-studio-judge-'));
  dir = mkdtempSync(join(tmpdir(), 'cert-studio-judge-pki-'));
});
after(() => {
  rmSync(project, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

const EXTENSIONS = `
[ root ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ root_no_ca_below ]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ intermediate ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ client ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
[ server_only ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
authorityKeyIdentifier = keyid
`;

function openssl(...args) {
  const result = tool('openssl', args, { cwd: dir });
  assert.equal(result.status, 0, `openssl ${args.join(' ')}:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

const verifies = (...args) => tool('openssl', ['verify', ...args], { cwd: dir }).status === 0;

function key(name) {
  openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
}

function signed(name, cn, issuer, section) {
  key(name);
  openssl('req', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-out', `${name}.csr`);
  openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-CAcreateserial', '-days', '30',
    '-extfile', 'ext.cnf', '-extensions', section, '-out', `${name}.pem`);
}

function inspect(...args) {
  const run = spawnSync(cli, ['inspect', '--json', ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 });
  assert.equal(run.status, 0, `cert-studio inspect ${args.join(' ')}:\n${run.stdout}${run.stderr}`);
  return JSON.parse(run.stdout);
}

test('inspect --json: the verdict and the preflight agree with OpenSSL on refused and good chains', () => {
  writeFileSync(join(dir, 'ext.cnf'), EXTENSIONS);
  key('root');
  openssl('req', '-x509', '-new', '-key', 'root.key', '-subj', '/CN=Judge Root', '-days', '30', '-config', 'ext.cnf', '-extensions', 'root', '-out', 'root.pem');
  // The same root key and name, but allowing no CA below it.
  openssl('req', '-x509', '-new', '-key', 'root.key', '-subj', '/CN=Judge Root', '-days', '30', '-config', 'ext.cnf', '-extensions', 'root_no_ca_below', '-out', 'strict-root.pem');
  signed('intermediate', 'Judge Intermediate', 'root', 'intermediate');
  signed('device', 'judge-device-01', 'intermediate', 'client');
  signed('server', 'judge-server-01', 'intermediate', 'server_only');

  const cases = [
    { what: 'a root with pathLen 0 above an intermediate', files: ['device.pem', 'intermediate.pem'], uploaded: 'strict-root.pem', failing: 'chain-accepted', rule: 'pathlen',
      openssl: verifies('-CAfile', 'strict-root.pem', '-untrusted', 'intermediate.pem', 'device.pem') },
    { what: 'a device with serverAuth only', files: ['server.pem', 'intermediate.pem'], uploaded: 'root.pem', failing: 'client-auth', rule: 'eku',
      openssl: verifies('-purpose', 'sslclient', '-CAfile', 'root.pem', '-untrusted', 'intermediate.pem', 'server.pem') },
    { what: 'a leaf sent alone', files: ['device.pem'], uploaded: null, failing: 'chain-accepted', rule: 'root',
      openssl: verifies('-CAfile', '/dev/null', 'device.pem') },
  ];
  for (const c of cases) {
    assert.equal(c.openssl, false, `OpenSSL accepts ${c.what}`);
    const result = inspect(...c.files, ...(c.uploaded ? ['--uploaded-ca', c.uploaded] : []));
    assert.equal(result.chain.ok, false, `${c.what}: ${JSON.stringify(result.chain)}`);
    assert.equal(result.preflight.ok, false, `${c.what}: ${JSON.stringify(result.preflight)}`);
    assert.ok(result.chain.problems.some((p) => p.rule === c.rule), `${c.what}: no ${c.rule} in ${JSON.stringify(result.chain.problems)}`);
    assert.equal(result.preflight.rules.find((r) => r.id === c.failing).status, 'failed', `${c.what}: ${JSON.stringify(result.preflight.rules)}`);
  }

  assert.ok(verifies('-purpose', 'sslclient', '-CAfile', 'root.pem', '-untrusted', 'intermediate.pem', 'device.pem'));
  const good = inspect('device.pem', 'intermediate.pem', '--uploaded-ca', 'root.pem');
  assert.equal(good.chain.ok, true, JSON.stringify(good.chain));
  assert.equal(good.preflight.ok, true, JSON.stringify(good.preflight));
  assert.equal(good.preflight.uploadedCa, 'the uploaded CA (CN = Judge Root)');
  assert.deepEqual(good.preflight.rules.filter((r) => r.status !== 'passed').map((r) => r.id), []);

  // The scenarios' rules, as the Inspect tab adds them: Device Registry wants P-384, Event Grid the name where the scheme reads it.
  const adr = inspect('device.pem', 'intermediate.pem', '--uploaded-ca', 'root.pem', '--registration-id', 'judge-device-01');
  const adrDevice = adr.preflight.rules.find((r) => r.id === 'device-registry-device');
  assert.equal(adrDevice.status, 'failed', JSON.stringify(adrDevice));
  assert.match(adrDevice.detail, /P-384/);
  const eventGrid = inspect('device.pem', '--uploaded-ca', 'intermediate.pem', '--event-grid-validation', 'subject', '--event-grid-name', 'judge-device-01');
  const named = eventGrid.preflight.rules.find((r) => r.id === 'event-grid-authentication-name');
  assert.equal(named.status, 'passed', JSON.stringify(named));
  const misnamed = inspect('device.pem', '--uploaded-ca', 'intermediate.pem', '--event-grid-validation', 'subject', '--event-grid-name', 'someone-else');
  assert.equal(misnamed.preflight.rules.find((r) => r.id === 'event-grid-authentication-name').status, 'failed');
});
