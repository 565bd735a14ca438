// A device signed by an imported CA through the CA module's API gets every
// file a device of the tutorial chain gets, and they work: openssl verifies
// its full chain, its PFX opens with the tutorial's password, and its C
// snippet compiles with gcc and holds exactly its PEM files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('../../www/pkg/', import.meta.url));
const fixtures = fileURLToPath(new URL('../../crate/tests/fixtures/', import.meta.url));
const studio = await import(new URL('../../www/pkg/cert_studio_ca.js', import.meta.url));
studio.initSync({ module: readFileSync(join(pkg, 'cert_studio_ca_bg.wasm')) });

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 120_000, ...options });
  assert.ok(!result.error, `${command} is needed by this test but could not run (${result.error?.message}): run tools/install.sh test`);
  assert.equal(result.status, 0, `${command} ${args.join(' ')}:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

test('signDevices with an imported intermediate writes every file of a tutorial device, and they work', (t) => {
  const nowMs = Date.now();
  const tutorial = studio.makeChain({ spec: { keyAlgorithm: 'ec-p256' }, nowMs });
  const file = (path) => {
    const found = tutorial.files.find((f) => f.path === path);
    assert.ok(found, `the tutorial chain has no ${path}`);
    return { name: path, contents: found.contents };
  };
  const session = new studio.CaSession();
  t.after(() => session.free());
  const { cas } = session.importCa({
    files: [file('certs/azure-iot-test-only.intermediate.cert.pem'), file('private/azure-iot-test-only.intermediate.key.pem')],
    password: '1234',
    nowMs,
  });
  assert.equal(cas.length, 1);
  const signed = session.signDevices({ caId: cas[0].id, devices: ['dev-x'], chain: [file('certs/azure-iot-test-only.root.ca.cert.pem')], nowMs });

  const tutorialDevice = tutorial.files.map((f) => f.path).filter((p) => /(^|\/)device-01[.-]/.test(p)).map((p) => p.replace('device-01', 'dev-x'));
  const signedPaths = signed.files.map((f) => f.path);
  assert.equal(tutorialDevice.length, 16, `a tutorial device has 16 files: ${tutorialDevice}`);
  assert.deepEqual([...signedPaths].sort(), [...tutorialDevice, 'README.txt'].sort());
  assert.deepEqual(signed.chain.map((c) => [c.role, c.commonName]), [['device', 'dev-x']]);
  const readme = new TextDecoder().decode(signed.files.find((f) => f.path === 'README.txt').contents);
  assert.match(readme, /certs\/dev-x-full-chain\.cert\.pem/);
  assert.match(readme, new RegExp(`SHA-1 thumbprint:\\s+${signed.chain[0].thumbprintSha1}`));

  const dir = mkdtempSync(join(tmpdir(), 'cert-studio-imported-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const f of [...signed.files, ...tutorial.files.filter((f) => f.path.startsWith('certs/azure-iot-test-only.root'))]) {
    mkdirSync(join(dir, dirname(f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.contents);
  }
  const at = (path) => join(dir, path);
  const verified = run('openssl', ['verify', '-CAfile', at('certs/azure-iot-test-only.root.ca.cert.pem'), '-untrusted', at('certs/dev-x-full-chain.cert.pem'), at('certs/dev-x.cert.pem')]);
  assert.match(verified, /: OK$/m);

  const pfx = run('openssl', ['pkcs12', '-in', at('certs/dev-x-full-chain.cert.pfx'), '-passin', 'pass:1234', '-nodes']);
  assert.equal(pfx.match(/-----BEGIN CERTIFICATE-----/g)?.length, 3, 'device, intermediate, root');
  assert.match(pfx, /-----BEGIN PRIVATE KEY-----/);
  const pfxKey = join(dir, 'pfx-key.pem');
  writeFileSync(pfxKey, pfx.slice(pfx.indexOf('-----BEGIN PRIVATE KEY-----')));
  const publicOf = (args) => run('openssl', args);
  assert.equal(publicOf(['pkey', '-in', pfxKey, '-pubout']), publicOf(['x509', '-in', at('certs/dev-x.cert.pem'), '-noout', '-pubkey']), 'the PFX holds the device key');

  const program = join(dir, 'custom_hsm_check');
  run('gcc', ['-std=c11', '-Wall', '-Wextra', '-Werror', '-o', program, `-DSNIPPET_FILE="${at('snippets/dev-x.custom_hsm_example.c')}"`, join(fixtures, 'custom_hsm_check.c'), '-lcrypto']);
  assert.equal(run(program, [at('certs/dev-x-full-chain.cert.pem'), at('private/dev-x.key.pem'), '3']).trim(), 'OK');
});

test('a CaSession holds its CAs: once each, unknown to another session, and gone with free()', () => {
  const nowMs = Date.now();
  const tutorial = studio.makeChain({ spec: { keyAlgorithm: 'ec-p256', caKeyPassword: '' }, nowMs });
  const files = tutorial.files
    .filter((f) => /azure-iot-test-only\.(root\.ca|intermediate)\.(cert|key)\.pem$/.test(f.path))
    .map((f) => ({ name: f.path, contents: f.contents }));
  const session = new studio.CaSession();
  const { cas } = session.importCa({ files, nowMs });
  assert.deepEqual(cas.map((ca) => [ca.role, ca.id]), [['root', 1], ['intermediate', 2]]);
  // The same chain again: the same CAs, under the ids they already have.
  const again = session.importCa({ files: [...files].reverse(), nowMs });
  assert.deepEqual(again.cas.map((ca) => [ca.thumbprintSha1, ca.id]), cas.map((ca) => [ca.thumbprintSha1, ca.id]));
  const code = '0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF';
  const verification = session.makeVerificationCertificate({ caId: cas[0].id, verificationCode: code, nowMs });
  assert.equal(verification.commonName, code);

  // Ids are the session's own: another session has no CA 1.
  const other = new studio.CaSession();
  assert.throws(() => other.makeVerificationCertificate({ caId: cas[0].id, verificationCode: code, nowMs }),
    (e) => e instanceof Error && e.field === 'caId' && /No CA has that id in this session/.test(e.message));
  assert.throws(() => session.renewCa({ caId: cas[1].id, parentCaId: 9, nowMs }), (e) => e.field === 'parentCaId');
  assert.throws(() => session.makeVerificationCertificate({ caId: cas[0].id, nowMs }), (e) => e.field === 'verificationCode' && /is missing/.test(e.message));
  other.free();

  // Freed, the session and its keys are gone: no call reaches them.
  session.free();
  assert.throws(() => session.makeVerificationCertificate({ caId: cas[0].id, verificationCode: code, nowMs }), /null pointer passed to rust/);
});
