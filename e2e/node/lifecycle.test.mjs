// The lifecycle calls of the CA module, named as scripts call them, on files
// from makeChain: renewDevices keeps a device's key (or makes a new one) and
// renewCa renews a CA with its own key; OpenSSL checks the results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('../../www/pkg/', import.meta.url));
const studio = await import(new URL('../../www/pkg/cert_studio_ca.js', import.meta.url));
studio.initSync({ module: readFileSync(join(pkg, 'cert_studio_ca_bg.wasm')) });

const DAY_MS = 86_400_000;

function openssl(dir, ...args) {
  const result = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  assert.ok(!result.error, `openssl could not run: ${result.error?.message}`);
  return result;
}

function writeAll(dir, files) {
  for (const f of files) {
    mkdirSync(join(dir, dirname(f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.contents);
  }
}

test('renewDevices and renewCa on a chain from makeChain', (t) => {
  const nowMs = Date.now();
  const session = new studio.CaSession();
  t.after(() => session.free());
  const made = studio.makeChain({ spec: { keyAlgorithm: 'ec-p256' }, nowMs: nowMs - 20 * DAY_MS });
  const file = (path) => ({ name: path, contents: made.files.find((f) => f.path === path).contents });
  const { cas } = session.importCa({
    files: [file('certs/azure-iot-test-only.intermediate.cert.pem'), file('private/azure-iot-test-only.intermediate.key.pem'), file('certs/azure-iot-test-only.root.ca.cert.pem')],
    password: '1234',
    nowMs,
  });
  const dir = mkdtempSync(join(tmpdir(), 'cert-studio-lifecycle-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeAll(dir, made.files);

  const renewal = session.renewDevices({
    caId: cas[0].id,
    certificates: [file('certs/device-01.cert.pem')],
    keys: [file('private/device-01.key.pem')],
    keepKeys: true,
    validityDays: 90,
    nowMs,
  });
  assert.equal(renewal.renewed.length, 1);
  const [row] = renewal.renewed;
  assert.equal(row.registrationId, 'device-01');
  assert.equal(row.sameKey, true);
  assert.notEqual(row.oldThumbprintSha1, row.newThumbprintSha1);
  assert.ok(Date.parse(row.newNotAfter) > Date.parse(row.oldNotAfter));
  const renewedDir = join(dir, 'renewed');
  writeAll(renewedDir, renewal.files);
  const pubkey = (d, path) => openssl(d, 'x509', '-in', path, '-noout', '-pubkey').stdout;
  assert.equal(pubkey(renewedDir, 'certs/device-01.cert.pem'), pubkey(dir, 'certs/device-01.cert.pem'), 'the same key');
  const verified = openssl(renewedDir, 'verify', '-CAfile', join(dir, 'certs/azure-iot-test-only.root.ca.cert.pem'),
    '-untrusted', 'certs/device-01-full-chain.cert.pem', 'certs/device-01.cert.pem');
  assert.equal(verified.status, 0, verified.stdout + verified.stderr);
  assert.match(readFileSync(join(renewedDir, 'renewed.csv'), 'utf8'), new RegExp(`device-01,${row.oldThumbprintSha1},${row.newThumbprintSha1}`));

  const rekeyed = session.renewDevices({ caId: cas[0].id, certificates: [file('certs/device-02.cert.pem')], keepKeys: false, validityDays: 30, nowMs });
  assert.equal(rekeyed.renewed[0].sameKey, false);

  const { cas: roots } = session.importCa({ files: [file('certs/azure-iot-test-only.root.ca.cert.pem'), file('private/azure-iot-test-only.root.ca.key.pem')], password: '1234', nowMs });
  const { files, ca } = session.renewCa({ caId: roots[0].id, validityDays: 365, nowMs });
  assert.equal(ca.role, 'root');
  assert.notEqual(ca.thumbprintSha1, roots[0].thumbprintSha1);
  const caDir = join(dir, 'ca');
  writeAll(caDir, files);
  const renewedRoot = files.find((f) => f.path.startsWith('certs/') && f.path.endsWith('.cert.pem')).path;
  const before = openssl(caDir, 'verify', '-CAfile', renewedRoot, '-untrusted', join(dir, 'certs/azure-iot-test-only.intermediate.cert.pem'), join(dir, 'certs/device-02.cert.pem'));
  assert.equal(before.status, 0, `a device issued before verifies under the renewed root: ${before.stdout}${before.stderr}`);
  assert.match(new TextDecoder().decode(files.find((f) => f.path === 'README.txt').contents), /verification certificate/);
});

test('expiryReport of a makeChain ZIP, renewDevices by thumbprint from it, makeRollover', (t) => {
  const nowMs = Date.now();
  const session = new studio.CaSession();
  t.after(() => session.free());
  const made = studio.makeChain({ spec: { keyAlgorithm: 'ec-p256' }, nowMs: nowMs - 20 * DAY_MS });
  const zip = { name: 'studio.zip', contents: studio.zipFiles({ files: made.files }).zip };
  const dir = mkdtempSync(join(tmpdir(), 'cert-studio-expiry-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeAll(dir, made.files);

  const report = studio.expiryReport({ files: [zip], withinDays: 15, nowMs });
  assert.deepEqual(report.certificates.map((c) => c.role), ['root', 'intermediate', 'device', 'device']);
  assert.equal(report.flagged, 4);
  for (const row of report.certificates) {
    const path = row.file.replace('studio.zip › ', '');
    // openssl -checkend: ends within 15 days, not within 5.
    assert.equal(openssl(dir, 'x509', '-in', path, '-noout', '-checkend', String(15 * 86_400)).status, 1, path);
    assert.equal(openssl(dir, 'x509', '-in', path, '-noout', '-checkend', String(5 * 86_400)).status, 0, path);
  }
  const device = report.certificates.find((c) => c.commonName === 'device-01');
  assert.equal(device.keyFile, 'studio.zip › private/device-01.key.pem');
  assert.throws(() => studio.expiryReport({ files: [], nowMs }), (e) => e.field === 'files');

  const { cas } = session.importCa({ files: [zip], password: '1234', nowMs });
  const renewal = session.renewDevices({ caId: cas.at(-1).id, certificates: [zip], thumbprints: [device.thumbprintSha1], keepKeys: true, validityDays: 60, nowMs });
  assert.deepEqual(renewal.renewed.map((r) => [r.registrationId, r.sameKey]), [['device-01', true]]);
  assert.ok(renewal.files.some((f) => f.path === 'private/device-01.key.pem'), 'the key came from the ZIP');

  const rollover = session.makeRollover({ oldCaId: cas[0].id, keyAlgorithm: 'ec-p256', rootCn: 'Root 2027', validityDays: 365, caKeyPassword: '', nowMs });
  assert.deepEqual(rollover.steps.map((s) => s.id), ['upload', 'verify', 'secondary', 'reissue', 'swap', 'retire']);
  assert.match(rollover.steps[0].detail, new RegExp(cas[0].thumbprintSha1));
  assert.deepEqual(rollover.cas.map((ca) => ca.role), ['root', 'intermediate']);
  const reissued = session.renewDevices({ caId: rollover.cas[1].id, certificates: [zip], thumbprints: [device.thumbprintSha1], nowMs });
  const out = join(dir, 'rollover');
  writeAll(out, [...rollover.files, ...reissued.files]);
  const verify = (root) => openssl(out, 'verify', '-CAfile', root, '-untrusted', 'certs/device-01-full-chain.cert.pem', 'certs/device-01.cert.pem').status;
  assert.equal(verify('certs/azure-iot-test-only.root.ca.cert.pem'), 0, 'under the new root');
  assert.notEqual(verify(join(dir, 'certs/azure-iot-test-only.root.ca.cert.pem')), 0, 'not under the old root');
  assert.throws(() => session.makeRollover({ oldCaId: cas[0].id, rootCn: cas[0].commonName, keyAlgorithm: 'ec-p256', nowMs }), (e) => e.field === 'rootCn');
});

test('expiryReport of a batch ZIP, and of its devices.csv alone, agree', (t) => {
  const nowMs = Date.now();
  const spec = { keyAlgorithm: 'ec-p256', caKeyPassword: '' };
  const ca = studio.makeBatchCa(spec, undefined, nowMs);
  const archive = new studio.BatchArchive();
  const parts = [];
  archive.addFiles(ca.files);
  parts.push(archive.takeOutput());
  const ids = Array.from({ length: 25 }, (_, i) => `sensor-${String(i + 1).padStart(3, '0')}`);
  for (let first = 0; first < ids.length; first += 10) {
    const chunk = studio.issueDeviceChunk(spec, ca.signerCommonName, ca.signerKey, ca.caCertificates, ids.slice(first, first + 10), first, undefined, nowMs);
    archive.addChunk(chunk.firstIndex, chunk.files, chunk.csvRows, chunk.readmeExample ?? undefined);
    parts.push(archive.takeOutput());
  }
  parts.push(archive.finish(1, ids.length));
  const zip = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (zip.set(p, at), at + p.length), 0);
  const dir = mkdtempSync(join(tmpdir(), 'cert-studio-batch-expiry-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'batch.zip'), zip);
  // Python's zipfile, not the studio, takes devices.csv out.
  const unpacked = spawnSync('python3', ['-m', 'zipfile', '-e', 'batch.zip', 'out'], { cwd: dir });
  assert.equal(unpacked.status, 0, String(unpacked.stderr));

  const whole = studio.expiryReport({ files: [{ name: 'batch.zip', contents: zip }], nowMs });
  const devices = whole.certificates.filter((c) => c.role === 'device');
  assert.equal(whole.certificates.length, ids.length + 2, 'the CSV rows of certificates in the ZIP are not listed twice');
  assert.deepEqual(devices.map((c) => c.commonName).sort(), ids);
  const csv = studio.expiryReport({ files: [{ name: 'devices.csv', contents: readFileSync(join(dir, 'out/devices.csv')) }], nowMs });
  assert.deepEqual(
    csv.certificates.map((c) => [c.commonName, c.thumbprintSha1, c.notAfter]).sort(),
    devices.map((c) => [c.commonName, c.thumbprintSha1, c.notAfter]).sort(),
  );
  for (const id of ['sensor-001', 'sensor-025']) {
    const line = openssl(join(dir, 'out'), 'x509', '-in', `certs/${id}.cert.pem`, '-noout', '-fingerprint', '-sha1').stdout.trim();
    assert.equal(csv.certificates.find((c) => c.commonName === id).thumbprintSha1, line.slice(line.indexOf('=') + 1).replaceAll(':', ''));
  }
});
