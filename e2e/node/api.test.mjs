// The wasm JS API in Node, as a script would use it: load www/pkg (built by
// `make build`), make a chain, write its files, check them with OpenSSL.
// Run: node --test e2e/node/   (make test-node)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('../../www/pkg/', import.meta.url));
const wasmPath = join(pkg, 'cert_studio_bg.wasm');
assert.ok(existsSync(wasmPath), `${wasmPath} is missing: run \`make build\` (python3 tools/build_wasm.py) first`);
const studio = await import(new URL('../../www/pkg/cert_studio.js', import.meta.url));
studio.initSync({ module: readFileSync(wasmPath) });

function openssl(...args) {
  const result = spawnSync('openssl', args, { encoding: 'utf8', timeout: 60_000 });
  assert.ok(!result.error, `openssl is needed by this test but could not run (${result.error?.message}): run tools/install.sh test`);
  return result;
}

test('makeChain makes a P-256 chain whose devices openssl verifies', (t) => {
  const { files, chain } = studio.makeChain({ spec: { keyAlgorithm: 'ec-p256' }, nowMs: Date.now() });
  assert.deepEqual(chain.map((c) => c.role), ['root', 'intermediate', 'device', 'device']);
  assert.deepEqual(chain.map((c) => c.commonName).slice(2), ['device-01', 'device-02']);

  const dir = mkdtempSync(join(tmpdir(), 'cert-studio-node-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const file of files) {
    assert.ok(file.contents instanceof Uint8Array, `${file.path}: contents is not a Uint8Array`);
    const path = join(dir, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.contents, { mode: file.secret ? 0o600 : 0o644 });
  }
  const at = (p) => join(dir, p);
  for (const id of ['device-01', 'device-02']) {
    const result = openssl('verify', '-CAfile', at('certs/azure-iot-test-only.root.ca.cert.pem'),
      '-untrusted', at('certs/azure-iot-test-only.chain.ca.cert.pem'), at(`certs/${id}.cert.pem`));
    assert.equal(result.status, 0, `openssl verify refused ${id}:\n${result.stdout}${result.stderr}`);
    assert.match(result.stdout, /: OK\n$/);
  }
  const key = openssl('pkey', '-noout', '-passin', 'pass:1234', '-in', at('private/azure-iot-test-only.root.ca.key.pem'));
  assert.equal(key.status, 0, `the root key does not open with the tutorial's password:\n${key.stderr}`);
  assert.ok(files.find((f) => f.path === 'private/device-01.key.pem').secret, 'a device key is not marked secret');

  // zipFiles takes the files as makeChain gives them; Python's zipfile reads the archive.
  const { zip } = studio.zipFiles({ files });
  assert.ok(zip instanceof Uint8Array);
  writeFileSync(at('studio.zip'), zip);
  const listing = spawnSync('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print("\\n".join(z.namelist()))', at('studio.zip')],
    { encoding: 'utf8', timeout: 60_000 });
  assert.equal(listing.status, 0, `python3 zipfile refused the ZIP:\n${listing.stderr}`);
  assert.deepEqual(listing.stdout.trim().split('\n'), files.map((f) => f.path));
});

test('validateChainSpec throws an Error naming the field', () => {
  assert.throws(
    () => studio.validateChainSpec({ spec: { devices: ['bad id'] } }),
    (error) => error instanceof Error && error.field === 'devices' && error.message.length > 0,
  );
  assert.deepEqual(studio.validateChainSpec({ spec: { keyAlgorithm: 'ec-p256' } }), { keyCount: 4 }, 'the default chain needs 4 keys');
});

test('every export takes one request object; a missing or mistyped field is an Error naming it', () => {
  const named = (field, pattern) => (error) => error instanceof Error && error.field === field && pattern.test(error.message);
  assert.throws(() => studio.makeChain({ spec: { keyAlgorithm: 'ec-p256' } }), named('nowMs', /^makeChain: the request's nowMs is missing\.$/));
  assert.throws(() => studio.buildChain({ nowMs: 'soon' }), named('nowMs', /^buildChain: the request's nowMs is not valid \(invalid type: string "soon", expected f64\)\.$/));
  assert.throws(() => studio.makeChain({ spec: { keyAlgorithm: 'ec-p256' }, keys: 'none', nowMs: 0 }), named('keys', /array of PKCS#8 DER/));
  assert.throws(() => studio.makeChain({ spec: { keyAlgorithm: 'ec-p256' }, keys: [new Uint8Array(3)], nowMs: 0 }), named('keys', /not a usable PKCS#8 key/));
  assert.throws(() => studio.makeChain({ spec: { rootCn: 7 }, nowMs: 0 }), named('spec', /^The request's spec is not valid: invalid type: floating point `7(\.0)?`, expected a string\.$/));
  assert.throws(() => studio.makeChain({ spec: { keyAlgorithm: 'ec-p256' }, stretchedCaPassword: { salt: 1 }, nowMs: 0 }), named('stretchedCaPassword', /stretched CA key password/));
  assert.throws(() => studio.edgeKeyAlgorithms({ spec: {} }), named('nowMs', /missing/));
  assert.throws(() => studio.generateKey({ keyAlgorithm: 'rsa-1024' }), named('keyAlgorithm', /./));
  assert.throws(() => studio.generateKey({}), named('keyAlgorithm', /^generateKey: the request's keyAlgorithm is missing\.$/));
  assert.throws(() => studio.zipFiles({ files: [{ path: 'a.txt' }] }), named('files', /missing field `contents`/));
  for (const notOne of [undefined, 5, 'ec-p256', [{ keyAlgorithm: 'ec-p256' }]]) {
    assert.throws(() => studio.generateKey(notOne), (e) => e instanceof Error && e.field === undefined && /^generateKey: the request is not valid \(it must be one object/.test(e.message), String(notOne));
  }
  // What each returns is an object too.
  assert.deepEqual(studio.parseDeviceList({ devices: 'a-{1..2}' }), { devices: ['a-1', 'a-2'] });
  assert.deepEqual(studio.edgeKeyAlgorithms({ spec: { caKeyAlgorithm: 'ec-p256', leafKeyAlgorithm: 'ec-p384' }, nowMs: Date.now() }),
    { keyAlgorithms: ['ec-p256', 'ec-p256', 'ec-p256', 'ec-p384'] });
  assert.deepEqual(studio.validateEnrollmentSpec({ spec: { withSecondary: true } }), { keyCount: 2 });
  const { key } = studio.generateKey({ keyAlgorithm: 'ec-p256' });
  assert.equal(crypto.createPrivateKey({ key: Buffer.from(key), format: 'der', type: 'pkcs8' }).asymmetricKeyDetails.namedCurve, 'prime256v1');
});

test('a batch through the API: list, CA, chunks and one streamed ZIP that Python reads and openssl verifies', (t) => {
  const { devices: ids } = studio.parseDeviceList({ devices: '# line 1 is a comment\nbatch-{01..05}' });
  assert.deepEqual(ids, ['batch-01', 'batch-02', 'batch-03', 'batch-04', 'batch-05']);
  assert.throws(() => studio.parseDeviceList({ devices: 'ok-1\nnot ok' }), (e) => e instanceof Error && e.field === 'devices' && /Line 2: Registration ID "not ok"/.test(e.message));

  const spec = { keyAlgorithm: 'ec-p256', devices: [] };
  const nowMs = Date.now();
  const ca = studio.makeBatchCa(spec, [studio.generateKey({ keyAlgorithm: 'ec-p256' }).key, studio.generateKey({ keyAlgorithm: 'ec-p256' }).key], nowMs);
  assert.deepEqual(ca.chain.map((c) => c.role), ['root', 'intermediate']);
  const archive = new studio.BatchArchive();
  const parts = [];
  archive.addFiles(ca.files);
  parts.push(archive.takeOutput());
  for (const [first, chunk] of [[0, ids.slice(0, 3)], [3, ids.slice(3)]]) {
    const made = studio.issueDeviceChunk(spec, ca.signerCommonName, ca.signerKey, ca.caCertificates, chunk, first, undefined, nowMs);
    archive.addChunk(made.firstIndex, made.files, made.csvRows, made.readmeExample ?? undefined);
    parts.push(archive.takeOutput());
  }
  assert.equal(archive.deviceCount, 5);
  parts.push(archive.finish(1, 5));
  archive.free();

  const dir = mkdtempSync(join(tmpdir(), 'cert-studio-batch-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'batch.zip'), Buffer.concat(parts));
  const unpacked = spawnSync('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; z.extractall(sys.argv[2])', join(dir, 'batch.zip'), dir],
    { encoding: 'utf8', timeout: 60_000 });
  assert.equal(unpacked.status, 0, `python3 zipfile refused the streamed ZIP:\n${unpacked.stderr}`);
  const certs = ids.map((id) => join(dir, `certs/${id}.cert.pem`));
  const verified = openssl('verify', '-CAfile', join(dir, 'certs/azure-iot-test-only.root.ca.cert.pem'),
    '-untrusted', join(dir, 'certs/azure-iot-test-only.chain.ca.cert.pem'), ...certs);
  assert.equal(verified.status, 0, verified.stdout + verified.stderr);
  const csv = readFileSync(join(dir, 'devices.csv'), 'utf8').trim().split('\r\n');
  assert.deepEqual(csv.slice(1).map((row) => row.split(',')[0]), ids);
});

test('the CA module has the import / inspect bindings the main module leaves out', async () => {
  const ca = await import(new URL('../../www/pkg/cert_studio_ca.js', import.meta.url));
  ca.initSync({ module: readFileSync(join(pkg, 'cert_studio_ca_bg.wasm')) });
  assert.equal(typeof studio.CaSession, 'undefined');
  assert.equal(typeof studio.inspect, 'undefined');
  // The chain made by the main module, imported and inspected by the CA module.
  const { files } = studio.makeChain({ spec: { keyAlgorithm: 'ec-p256', caKeyPassword: '' }, nowMs: Date.now() });
  const named = (suffix) => {
    const file = files.find((f) => f.path.endsWith(suffix));
    assert.ok(file, `no ${suffix} among ${files.map((f) => f.path).join(', ')}`);
    return { name: file.path, contents: file.contents };
  };
  const session = new ca.CaSession();
  const { cas } = session.importCa({ files: [named('azure-iot-test-only.root.ca.cert.pem'), named('azure-iot-test-only.root.ca.key.pem')], nowMs: Date.now() });
  session.free();
  assert.equal(cas.length, 1);
  assert.equal(cas[0].role, 'root');
  const report = ca.inspect({ files: [named('azure-iot-test-only.root.ca.cert.pem')], nowMs: Date.now() });
  assert.equal(report.certificates.length, 1);
});

test('a batch whose keys Node holds, signs with and whose PFX files it encrypts: openssl reads its chunks; a wrong or failing signer or AES is an Error', async (t) => {
  const crypto = await import('node:crypto');
  const ca = await import(new URL('../../www/pkg/cert_studio_ca.js', import.meta.url));
  ca.initSync({ module: readFileSync(join(pkg, 'cert_studio_ca_bg.wasm')) });
  const spec = { keyAlgorithm: 'ec-p384', devices: [] };
  const nowMs = Date.now();
  const batchCa = ca.makeBatchCa(spec, undefined, nowMs);
  const ids = ['held-1', 'held-2', 'held-3'];
  const pairs = ids.map(() => crypto.generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey);
  // One key as SEC1 (what the command hands over: half OpenSSL's export time), the others as PKCS#8.
  const keys = pairs.map((k, i) => new Uint8Array(k.export({ type: i === 0 ? 'sec1' : 'pkcs8', format: 'der' })));
  // Handles: the CA's key, then a chunk's device keys.
  const caKey = crypto.createPrivateKey({ key: Buffer.from(batchCa.signerKey), format: 'der', type: 'pkcs8' });
  const batch = (aes) => new ca.DeviceBatchSignedOutside(spec, batchCa.signerCommonName, batchCa.signerKey, batchCa.caCertificates, aes);
  const signerFor = (chunkKeys) => (handle, message) => new Uint8Array(crypto.sign('sha384', message, handle === 0 ? caKey : chunkKeys[handle - 1]));
  // Node's OpenSSL encrypts the PFX files too.
  let encryptions = 0;
  const nodeAes = (key, iv, plaintext) => {
    encryptions++;
    const cipher = crypto.createCipheriv('aes-256-cbc', key, iv);
    return new Uint8Array(Buffer.concat([cipher.update(plaintext), cipher.final()]));
  };

  // Two chunks from one batch, as a worker issues them.
  const held = batch(nodeAes);
  const chunks = [
    held.issueChunk(ids.slice(0, 2), 0, keys.slice(0, 2), nowMs, signerFor(pairs.slice(0, 2))),
    held.issueChunk(ids.slice(2), 2, keys.slice(2), nowMs, signerFor(pairs.slice(2))),
  ];
  assert.equal(encryptions, 2 * ids.length, 'a PFX encrypts its key bag and its certificates');
  assert.equal(chunks[1].firstIndex, 2);
  const dir = mkdtempSync(join(tmpdir(), 'cert-studio-held-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const file of [...batchCa.files, ...chunks.flatMap((c) => c.files)]) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.contents);
  }
  const verified = openssl('verify', '-CAfile', join(dir, 'certs/azure-iot-test-only.root.ca.cert.pem'),
    '-untrusted', join(dir, 'certs/azure-iot-test-only.chain.ca.cert.pem'), ...ids.map((id) => join(dir, `certs/${id}.cert.pem`)));
  assert.equal(verified.status, 0, verified.stdout + verified.stderr);
  // The key files hold the keys Node made, as PKCS#8 whatever form they came in; so do the PFX files.
  for (const [i, id] of ids.entries()) {
    const pkcs8 = pairs[i].export({ type: 'pkcs8', format: 'pem' });
    assert.equal(readFileSync(join(dir, `private/${id}.key.pem`), 'utf8'), pkcs8);
    const pfx = openssl('pkcs12', '-in', join(dir, `certs/${id}-full-chain.cert.pfx`), '-passin', 'pass:1234', '-nodes');
    assert.equal(pfx.status, 0, pfx.stderr);
    assert.ok(pfx.stdout.includes(pkcs8), `${id}'s PFX holds its key`);
    assert.equal(pfx.stdout.match(/-----BEGIN CERTIFICATE-----/g)?.length, 3, 'device, intermediate, root');
  }
  held.free();

  // Signed with the first device's key throughout: the CA's first signature is refused.
  const first = (sign, aes) => batch(aes).issueChunk(ids.slice(0, 1), 0, keys.slice(0, 1), nowMs, sign);
  assert.throws(() => first((_, message) => new Uint8Array(crypto.sign('sha384', message, pairs[0])), nodeAes), (e) => e instanceof Error && /made outside with key 0 does not verify/.test(e.message));
  assert.throws(() => first(() => { throw new Error('HSM offline'); }, nodeAes), (e) => e instanceof Error && /signer failed: HSM offline/.test(e.message));
  // An AES without the padding PBES2 needs is refused at its first file.
  const unpadded = (key, iv, plaintext) => {
    const cipher = crypto.createCipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
    return new Uint8Array(Buffer.concat([cipher.update(Buffer.concat([plaintext, Buffer.alloc(16 - (plaintext.length % 16))])), cipher.final()]));
  };
  assert.throws(() => first(signerFor(pairs), unpadded), (e) => e instanceof Error && /AES-256-CBC is wrong/.test(e.message));

  // Every device is checked, not only the first: a chunk of five whose third device's CSR is
  // signed by another key, whose fifth gets an empty signature, or whose AES goes wrong at the
  // fourth file, is an Error, and no chunk (so no file) comes back.
  const five = Array.from({ length: 5 }, () => crypto.generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey);
  const fiveKeys = five.map((k) => new Uint8Array(k.export({ type: 'pkcs8', format: 'der' })));
  const fiveIds = five.map((_, i) => `five-${i + 1}`);
  const signedBy = (fault) => (handle, message) => fault(handle) ?? new Uint8Array(crypto.sign('sha384', message, handle === 0 ? caKey : five[handle - 1]));
  const chunkOfFive = (sign, aes = nodeAes) => batch(aes).issueChunk(fiveIds, 0, fiveKeys, nowMs, sign);
  assert.equal(chunkOfFive(signedBy(() => undefined)).files.length, 5 * 16);
  assert.throws(() => chunkOfFive((handle, message) => new Uint8Array(crypto.sign('sha384', message, handle === 3 ? five[0] : handle === 0 ? caKey : five[handle - 1]))), /made outside with key 3 does not verify/);
  assert.throws(() => chunkOfFive(signedBy((h) => (h === 5 ? new Uint8Array(0) : undefined))), /made outside with key 5 does not verify/);
  let calls = 0;
  const wrongAtFourth = (key, iv, plaintext) => {
    calls++;
    const out = nodeAes(key, iv, plaintext);
    if (calls === 7) out[out.length - 1] ^= 1;
    return out;
  };
  assert.throws(() => chunkOfFive(signedBy(() => undefined), wrongAtFourth), /AES-256-CBC is wrong/);
  // CA certificates of another chain than the signer key's.
  const otherCa = ca.makeBatchCa(spec, undefined, nowMs);
  assert.throws(() => new ca.DeviceBatchSignedOutside(spec, batchCa.signerCommonName, batchCa.signerKey, otherCa.caCertificates), /not the key of the last CA certificate/);
});

test('snippetSamples lists the samples the snippet files are for, from the core', () => {
  const samples = JSON.parse(studio.snippetSamples());
  assert.ok(samples.length >= 13);
  for (const sample of samples) assert.deepEqual(Object.keys(sample), ['id', 'tab', 'sample']);
  const { files } = studio.makeChain({ spec: { keyAlgorithm: 'ec-p256' }, nowMs: Date.now() });
  for (const file of files.filter((f) => f.path.startsWith('snippets/'))) {
    assert.ok(samples.some((s) => file.path.endsWith(`.${s.sample}`)), `${file.path} is for no listed sample`);
  }
});
