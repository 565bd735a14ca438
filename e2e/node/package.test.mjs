// The npm package as a user gets it: dist/cert-studio-<version>.tgz (`make
// package`) installed with `npm install --offline` into an empty project; its
// `cert-studio` command run as a CI job would, its files checked with OpenSSL
// and Python's zipfile, its types compiled by `tsc --strict`.
// Run: node --test e2e/node/package.test.mjs   (make test-node)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const version = readFileSync(join(REPO, 'crate/Cargo.toml'), 'utf8').match(/^version = "([^"]+)"/m)[1];
const tarball = join(REPO, 'dist', `cert-studio-${version}.tgz`);
assert.ok(existsSync(tarball), `${tarball} is missing: run \`make package\` first`);
const TSC = join(REPO, 'e2e/node_modules/.bin/tsc');

let project;
let cli;
before(() => {
  project = mkdtempSync(join(tmpdir(), 'cert-studio-package-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'uses-cert-studio', private: true, type: 'module' }));
  const install = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: project, encoding: 'utf8', timeout: 120_000 });
  assert.equal(install.status, 0, `npm install --offline of the tarball failed:\n${install.stdout}${install.stderr}`);
  cli = join(project, 'node_modules/.bin/cert-studio');
});
after(() => rmSync(project, { recursive: true, force: true }));

const at = (...parts) => join(project, ...parts);

function run(args, { timeout = 300_000 } = {}) {
  return spawnSync(cli, args, { cwd: project, encoding: 'utf8', timeout, maxBuffer: 64 << 20 });
}

function ok(args, options) {
  const result = run(args, options);
  assert.equal(result.status, 0, `cert-studio ${args.join(' ')} exited ${result.status}:\n${result.stderr}`);
  return result;
}

/** Exit 2, one message naming `flag`, no stack trace. */
function refused(args, flag) {
  const result = run(args);
  assert.equal(result.status, 2, `cert-studio ${args.join(' ')} exited ${result.status}, not 2:\n${result.stdout}${result.stderr}`);
  assert.ok(result.stderr.includes(flag), `the message does not name ${flag}:\n${result.stderr}`);
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'a user\'s mistake printed a stack trace');
  return result;
}

function tool(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20, ...options });
  assert.ok(!result.error, `${command} is needed by this test but could not run (${result.error?.message}): run tools/install.sh test`);
  return result;
}

/** `openssl verify` of every certificate in `leaves` under the folder's root and CA chain. */
function verifyDevices(dir, leaves, chain = join(dir, 'certs/azure-iot-test-only.chain.ca.cert.pem')) {
  const result = tool('openssl', ['verify', '-CAfile', join(dir, 'certs/azure-iot-test-only.root.ca.cert.pem'), '-untrusted', chain, ...leaves]);
  assert.equal(result.status, 0, `openssl verify refused:\n${result.stdout}${result.stderr}`);
  assert.equal(result.stdout.trim().split('\n').filter((line) => line.endsWith(': OK')).length, leaves.length);
}

const TUTORIAL_CHAIN = ['certs/azure-iot-test-only.root.ca.cert.pem', 'certs/azure-iot-test-only.intermediate.cert.pem'];

test('--help lists every command and exits 0; an unknown command exits 2', () => {
  const help = ok(['--help']);
  for (const command of ['chain', 'edge', 'enroll', 'verify', 'sign', 'renew', 'inspect']) assert.match(help.stdout, new RegExp(`^  ${command} `, 'm'));
  assert.match(ok(['chain', '--help']).stdout, /--devices-file FILE/);
  refused(['mint'], 'mint');
  refused(['chain', '--colour', 'blue', '--out', at('x')], '--colour');
});

test('chain: 20 P-256 devices from a range, written in the tutorial layout, pass openssl verify', () => {
  const out = at('chain-20');
  ok(['chain', '--key', 'ec-p256', '--devices', 'device-{01..20}', '--out', out]);
  const devices = readdirSync(join(out, 'certs')).filter((f) => /^device-\d\d\.cert\.pem$/.test(f));
  assert.equal(devices.length, 20);
  verifyDevices(out, devices.map((f) => join(out, 'certs', f)));
  const key = tool('openssl', ['pkey', '-noout', '-passin', 'pass:1234', '-in', join(out, 'private/azure-iot-test-only.root.ca.key.pem')]);
  assert.equal(key.status, 0, `the root key does not open with the tutorial's password:\n${key.stderr}`);
  const text = tool('openssl', ['x509', '-noout', '-text', '-in', join(out, 'certs/device-20.cert.pem')]).stdout;
  assert.match(text, /ASN1 OID: prime256v1/);
});

test('chain: a bad registration ID exits 2 naming --devices, and nothing is written', () => {
  const out = at('chain-bad');
  const result = refused(['chain', '--key', 'ec-p256', '--devices', 'device-01,my device', '--out', out], '--devices');
  assert.match(result.stderr, /my device/);
  assert.ok(!existsSync(out), 'a refused command wrote files');
  refused(['chain', '--key', 'rsa-1024', '--out', out], '--key');
  refused(['chain', '--validity-days', 'soon', '--out', out], '--validity-days');
  refused(['chain', '--key', 'ec-p256'], '--out');
  refused(['chain', '--key-generator', 'forge', '--out', out], '--key-generator');
  writeFileSync(at('ids.csv'), 'registrationId,note\nsensor-1,a\nsensor 2,b\n');
  assert.match(refused(['chain', '--devices-file', at('ids.csv'), '--out', out], '--devices-file').stderr, /Line 3: Registration ID "sensor 2"/);
});

test('chain --json: the summary parses, with roles, CNs, thumbprints and paths that exist (keys by the Rust core)', () => {
  const out = at('chain-json');
  const result = ok(['chain', '--key', 'ec-p384', '--key-generator', 'rust', '--intermediate-cns', 'Tier 1,Tier 2', '--devices', 'a-1,a-2', '--out', out, '--json']);
  const summary = JSON.parse(result.stdout);
  assert.equal(summary.command, 'chain');
  assert.equal(summary.out, out);
  assert.deepEqual(summary.certificates.map((c) => c.role), ['root', 'intermediate', 'intermediate', 'device', 'device']);
  assert.deepEqual(summary.certificates.map((c) => c.commonName).slice(1), ['Tier 1', 'Tier 2', 'a-1', 'a-2']);
  for (const c of summary.certificates) {
    assert.match(c.thumbprintSha1, /^[0-9A-F]{40}$/);
    const fingerprint = tool('openssl', ['x509', '-noout', '-fingerprint', '-sha1', '-in', join(out, c.path)]).stdout;
    assert.equal(fingerprint.trim().split('=')[1].replaceAll(':', ''), c.thumbprintSha1);
  }
  assert.equal(result.stderr, '', 'progress was written although stderr is not a terminal');
});

test('chain --zip: 10,000 P-256 devices in one ZIP64 (160,014 files) stay under 500 MB, devices.csv in list order', () => {
  const zip = at('batch-10k.zip');
  const result = tool('/usr/bin/time', ['-f', 'peak-rss-kb=%M', cli, 'chain', '--key', 'ec-p256', '--devices', 'unit-{00001..10000}', '--zip', zip, '--json'], { cwd: project, timeout: 900_000 });
  assert.equal(result.status, 0, result.stderr);
  const peakKb = Number(result.stderr.match(/peak-rss-kb=(\d+)/)[1]);
  assert.ok(peakKb < 500 * 1024, `peak RSS ${Math.round(peakKb / 1024)} MB, over 500 MB`);
  const summary = JSON.parse(result.stdout);
  assert.equal(summary.devices, 10_000);
  // Python's zipfile reads the ZIP64 directory; a few members come out for OpenSSL.
  const dir = at('batch-10k');
  const members = ['devices.csv', 'README.txt', ...TUTORIAL_CHAIN, 'certs/azure-iot-test-only.chain.ca.cert.pem', ...['00001', '04321', '10000'].map((n) => `certs/unit-${n}.cert.pem`)];
  const read = tool('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); z.extractall(sys.argv[2], sys.argv[3:]); print(len(z.namelist()))', zip, dir, ...members]);
  assert.equal(read.status, 0, `python3 zipfile refused the ZIP64:\n${read.stderr}`);
  assert.equal(Number(read.stdout), 10_000 * 16 + 14);
  assert.equal(summary.files, 10_000 * 16 + 14);
  const rows = readFileSync(join(dir, 'devices.csv'), 'utf8').trim().split('\r\n');
  assert.equal(rows[0], 'registrationId,thumbprintSha1,thumbprintSha256,notAfter');
  assert.deepEqual(rows.slice(1).map((r) => r.split(',')[0]), Array.from({ length: 10_000 }, (_, i) => `unit-${String(i + 1).padStart(5, '0')}`));
  const sample = ['00001', '04321', '10000'].map((n) => join(dir, 'certs', `unit-${n}.cert.pem`));
  verifyDevices(dir, sample);
  const fingerprint = tool('openssl', ['x509', '-noout', '-fingerprint', '-sha1', '-in', sample[1]]).stdout.trim().split('=')[1].replaceAll(':', '');
  assert.equal(rows[4321].split(',')[1], fingerprint);
  assert.match(readFileSync(join(dir, 'README.txt'), 'utf8'), /10000 device\(s\)/);
  rmSync(zip);
});

test('chain --out: a batch (over 20 devices) written by the worker threads, every device verified', () => {
  const out = at('batch-25');
  const summary = JSON.parse(ok(['chain', '--key', 'ec-p256', '--intermediate-cns', '', '--devices', 'w-{01..25}', '--out', out, '--json']).stdout);
  assert.equal(summary.devices, 25);
  assert.deepEqual(summary.certificates.map((c) => c.role), ['root']);
  const ids = Array.from({ length: 25 }, (_, i) => `w-${String(i + 1).padStart(2, '0')}`);
  const result = tool('openssl', ['verify', '-CAfile', join(out, TUTORIAL_CHAIN[0]), ...ids.map((id) => join(out, `certs/${id}.cert.pem`))]);
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.equal(readdirSync(join(out, 'snippets')).filter((f) => f.startsWith('w-')).length, 25 * 10);
  assert.deepEqual(readFileSync(join(out, 'devices.csv'), 'utf8').trim().split('\r\n').slice(1).map((r) => r.split(',')[0]), ids);
  const key = tool('openssl', ['pkey', '-noout', '-check', '-in', join(out, 'private/w-13.key.pem')]);
  assert.match(key.stdout, /Key is valid/);
});

test('chain --zip: a batch as one streamed ZIP that Python reads, with the devices that openssl verifies', () => {
  const zip = at('batch.zip');
  const summary = JSON.parse(ok(['chain', '--key', 'ec-p256', '--devices', 'z-{001..030}', '--zip', zip, '--json']).stdout);
  assert.equal(summary.devices, 30);
  const dir = at('batch-unzipped');
  const unzip = tool('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; z.extractall(sys.argv[2]); print(len(z.namelist()))', zip, dir]);
  assert.equal(unzip.status, 0, `python3 zipfile refused the ZIP:\n${unzip.stderr}`);
  assert.equal(Number(unzip.stdout), summary.files);
  verifyDevices(dir, ['001', '015', '030'].map((n) => join(dir, `certs/z-${n}.cert.pem`)));
  assert.equal(readFileSync(join(dir, 'devices.csv'), 'utf8').trim().split('\r\n').length, 31);
});

test('edge: the IoT Edge chain verifies; a bad key type exits 2 naming --ca-key-algorithm', () => {
  const out = at('edge');
  const summary = JSON.parse(ok(['edge', '--ca-key-algorithm', 'ec-p256', '--leaf-key-algorithm', 'ec-p256', '--device-name', 'edge-1', '--out', out, '--json']).stdout);
  const roles = summary.certificates.map((c) => c.role);
  assert.ok(roles.includes('edge-ca') && roles.includes('edge-identity'), roles.join());
  const edgeCa = summary.certificates.find((c) => c.role === 'edge-ca');
  const result = tool('openssl', ['verify', '-CAfile', join(out, TUTORIAL_CHAIN[0]), '-untrusted', join(out, TUTORIAL_CHAIN[1]), join(out, edgeCa.path)]);
  assert.equal(result.status, 0, result.stdout + result.stderr);
  refused(['edge', '--ca-key-algorithm', 'dsa', '--out', out], '--ca-key-algorithm');
});

test('enroll: primary and secondary self-signed certificates; a bad registration ID exits 2', () => {
  const out = at('enroll');
  const summary = JSON.parse(ok(['enroll', '--key-algorithm', 'ec-p256', '--registration-id', 'sensor-9', '--with-secondary', '--out', out, '--json']).stdout);
  assert.deepEqual(summary.certificates.map((c) => c.role), ['primary', 'secondary']);
  for (const c of summary.certificates) {
    const result = tool('openssl', ['verify', '-CAfile', join(out, c.path), join(out, c.path)]);
    assert.equal(result.status, 0, result.stdout + result.stderr);
  }
  refused(['enroll', '--registration-id', 'sensor 9', '--out', out], '--registration-id');
});

test('verify, sign, renew and inspect with the CA folder a chain wrote', () => {
  const ca = at('chain-20');
  // verify: the root signs the code's certificate, as the tutorial verifies the root.
  const code = 'A1B2C3D4E5F60718293A4B5C6D7E8F9011223344556677AB';
  const verification = JSON.parse(ok(['verify', '--ca', ca, '--code', code, '--out', at('verified'), '--json']).stdout);
  assert.equal(verification.ca.role, 'root');
  assert.equal(verification.certificates[0].commonName, code);
  const pop = tool('openssl', ['verify', '-CAfile', join(ca, TUTORIAL_CHAIN[0]), join(at('verified'), verification.certificates[0].path)]);
  assert.equal(pop.status, 0, pop.stdout + pop.stderr);
  refused(['verify', '--ca', ca, '--code', 'not hex!', '--out', at('verified-bad')], '--code');
  refused(['verify', '--ca', ca, '--ca-password', 'wrong', '--code', code, '--out', at('verified-bad')], '--ca-password');
  refused(['verify', '--ca', at('no-such-folder'), '--code', code, '--out', at('verified-bad')], '--ca');

  // sign: new devices under the intermediate, and an OpenSSL-made CSR.
  const signed = at('signed');
  const devices = JSON.parse(ok(['sign', '--ca', ca, '--devices', 'late-1,late-2', '--out', signed, '--json']).stdout);
  assert.equal(devices.ca.role, 'intermediate');
  verifyDevices(ca, ['late-1', 'late-2'].map((id) => join(signed, `certs/${id}.cert.pem`)));
  tool('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', at('ext.key.pem'), '-subj', '/CN=external-7/O=Lab', '-out', at('ext.csr.pem')]);
  const csr = JSON.parse(ok(['sign', '--ca', ca, '--csr', at('ext.csr.pem'), '--out', at('signed-csr'), '--json']).stdout);
  assert.equal(csr.certificates[0].commonName, 'external-7');
  verifyDevices(ca, [join(at('signed-csr'), csr.certificates[0].path)]);
  assert.match(tool('openssl', ['x509', '-noout', '-subject', '-in', join(at('signed-csr'), csr.certificates[0].path)]).stdout, /O ?= ?Lab/);
  refused(['sign', '--ca', ca, '--out', at('signed-bad')], '--devices');
  refused(['sign', '--ca', ca, '--csr', at('ext.key.pem'), '--out', at('signed-bad')], '--csr');

  // renew devices, keeping their keys; renew the root with its own key.
  const renewed = at('renewed');
  const renewal = JSON.parse(ok(['renew', 'devices', '--ca', ca, '--certificates', join(ca, 'certs/device-01.cert.pem'), '--keep-keys', '--validity-days', '90', '--out', renewed, '--json']).stdout);
  assert.equal(renewal.renewed[0].registrationId, 'device-01');
  assert.equal(renewal.renewed[0].sameKey, true);
  assert.notEqual(renewal.renewed[0].newThumbprintSha1, renewal.renewed[0].oldThumbprintSha1);
  verifyDevices(ca, [join(renewed, 'certs/device-01.cert.pem')]);
  // Keys are kept by default, as the page does; --new-keys re-keys; both at once is refused.
  const byDefault = JSON.parse(ok(['renew', 'devices', '--ca', ca, '--certificates', join(ca, 'certs/device-02.cert.pem'), '--out', at('renewed-default'), '--json']).stdout);
  assert.equal(byDefault.renewed[0].sameKey, true);
  const rekeyed = JSON.parse(ok(['renew', 'devices', '--ca', ca, '--certificates', join(ca, 'certs/device-02.cert.pem'), '--new-keys', '--out', at('renewed-new-keys'), '--json']).stdout);
  assert.equal(rekeyed.renewed[0].sameKey, false);
  refused(['renew', 'devices', '--ca', ca, '--certificates', join(ca, 'certs/device-02.cert.pem'), '--new-keys', '--keep-keys', '--out', at('renewed-both')], '--new-keys');
  const root = JSON.parse(ok(['renew', 'ca', '--ca', ca, '--validity-days', '365', '--out', at('renewed-root'), '--json']).stdout);
  assert.equal(root.certificates[0].role, 'root');
  const rootPath = join(at('renewed-root'), root.certificates[0].path);
  const underNewRoot = tool('openssl', ['verify', '-CAfile', rootPath, '-untrusted', join(ca, TUTORIAL_CHAIN[1]), join(ca, 'certs/device-02.cert.pem')]);
  assert.equal(underNewRoot.status, 0, `a device issued before does not verify under the renewed root:\n${underNewRoot.stdout}${underNewRoot.stderr}`);
  refused(['renew', 'devices', '--ca', ca, '--out', at('renewed-bad')], '--certificates');
  refused(['renew', 'everything', '--ca', ca], 'renew');

  // inspect: text as OpenSSL prints it, and JSON.
  const fullChain = join(ca, 'certs/device-01-full-chain.cert.pem');
  const text = ok(['inspect', fullChain]).stdout;
  assert.match(text, /Subject: CN ?= ?device-01/);
  assert.match(text, /X509v3 Basic Constraints:\n\s+CA:FALSE/);
  assert.match(text, /^Chain: OK/m);
  const inspection = JSON.parse(ok(['inspect', '--json', fullChain]).stdout);
  assert.equal(inspection.certificates.length, 3);
  assert.equal(inspection.chain.ok, true);
  const opensslSerial = tool('openssl', ['x509', '-noout', '-serial', '-in', join(ca, 'certs/device-01.cert.pem')]).stdout.trim().split('=')[1];
  assert.equal(inspection.certificates[0].serialHex, opensslSerial);
  refused(['inspect', at('missing.pem')], 'FILE');
});

test('inspect reads a bundle OpenSSL streams in BER, and shows a certificate beside its locked key', () => {
  const dir = at('reading');
  mkdirSync(dir, { recursive: true });
  const file = (name) => join(dir, name);
  const openssl = (args) => {
    const result = tool('openssl', args);
    assert.equal(result.status, 0, `openssl ${args.join(' ')}:\n${result.stderr}`);
    return result.stdout;
  };
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', file('signer.key'), '-subj', '/CN=Streaming signer', '-days', '3', '-out', file('signer.pem')]);
  const fingerprint = openssl(['x509', '-noout', '-fingerprint', '-sha1', '-in', file('signer.pem')]).trim().split('=')[1].replaceAll(':', '');
  writeFileSync(file('message.txt'), 'hello');
  openssl(['cms', '-sign', '-in', file('message.txt'), '-signer', file('signer.pem'), '-inkey', file('signer.key'), '-nodetach', '-stream', '-outform', 'DER', '-out', file('streamed.p7s')]);
  assert.deepEqual([...readFileSync(file('streamed.p7s')).subarray(0, 2)], [0x30, 0x80], 'OpenSSL streams an indefinite length');
  const bundle = JSON.parse(ok(['inspect', '--json', file('streamed.p7s')]).stdout);
  assert.deepEqual(bundle.certificates.map((c) => c.thumbprintSha1), [fingerprint]);

  // The certificate and its key under OpenSSL's legacy Proc-Type encryption, in one PEM.
  openssl(['ec', '-in', file('signer.key'), '-aes256', '-passout', 'pass:lock me', '-out', file('legacy.key')]);
  writeFileSync(file('both.pem'), readFileSync(file('signer.pem'), 'utf8') + readFileSync(file('legacy.key'), 'utf8'));
  const locked = JSON.parse(ok(['inspect', '--json', file('both.pem')]).stdout);
  assert.equal(locked.certificates[0].thumbprintSha1, fingerprint);
  assert.equal(locked.keys.length, 0);
  assert.match(locked.unreadable.join('\n'), /^The private key in \S*both\.pem is encrypted; enter its password\.$/);
  const opened = JSON.parse(ok(['inspect', '--json', '--password', 'lock me', file('both.pem')]).stdout);
  assert.deepEqual(opened.keys[0].matchingCertificates, [1]);
  assert.match(refused(['inspect', '--password', 'not it', file('both.pem')], '--password').stderr, /password for \S*both\.pem is wrong/);
});

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir, sub = '') {
  return readdirSync(join(dir, sub), { withFileTypes: true }).flatMap((entry) => {
    const path = sub ? `${sub}/${entry.name}` : entry.name;
    return entry.isDirectory() ? filesUnder(dir, path) : [path];
  });
}

test('renew devices of a 150-device batch ZIP: in chunks across two workers, the same files, rows and README as one renewDevices call; devices across chunk borders verify with their old keys', async () => {
  const batch = at('renew-batch.zip');
  ok(['chain', '--key', 'ec-p256', '--devices', 'r-{001..150}', '--zip', batch]);
  const out = at('renewed-batch');
  const summary = JSON.parse(ok(['renew', 'devices', '--ca', batch, '--certificates', batch, '--workers', '2', '--validity-days', '60', '--out', out, '--json']).stdout);
  const ids = Array.from({ length: 150 }, (_, i) => `r-${String(i + 1).padStart(3, '0')}`);
  assert.deepEqual(summary.renewed.map((r) => r.registrationId).sort(), ids);
  assert.ok(summary.renewed.every((r) => r.sameKey), 'keys kept by default');
  assert.equal(summary.files, 150 * 16 + 2);

  // The same renewal made at once, in this process, through the installed library.
  const studio = await import(join(project, 'node_modules/cert-studio/lib/ca.js'));
  const zipFile = { name: 'renew-batch.zip', contents: readFileSync(batch) };
  const session = new studio.CaSession();
  const { cas } = session.importCa({ files: [zipFile], password: '1234', nowMs: Date.now() });
  const once = session.renewDevices({ caId: cas.at(-1).id, certificates: [zipFile], keepKeys: true, validityDays: 60, nowMs: Date.now() });
  session.free();
  assert.deepEqual(summary.renewed.map((r) => r.registrationId), once.renewed.map((r) => r.registrationId), 'the devices in the same order');
  assert.deepEqual(summary.renewed.map((r) => r.oldThumbprintSha1), once.renewed.map((r) => r.oldThumbprintSha1));
  assert.deepEqual(filesUnder(out).sort(), once.files.map((f) => f.path).sort(), 'the same files');
  const text = (path) => new TextDecoder().decode(once.files.find((f) => f.path === path).contents);
  // New certificates have new thumbprints; everything else in README.txt is the same, in the same order.
  const shape = (readme) => readme.split('\r\n').filter((line) => !line.includes('thumbprint:'));
  assert.deepEqual(shape(readFileSync(join(out, 'README.txt'), 'utf8')), shape(text('README.txt')));
  const oldColumns = (csv) => csv.trim().split('\r\n').map((row) => row.split(',').slice(0, 2).join(','));
  assert.deepEqual(oldColumns(readFileSync(join(out, 'renewed.csv'), 'utf8')), oldColumns(text('renewed.csv')));

  // Devices at the borders of the 48-device chunks, under the batch's own root and intermediate.
  const old = at('renew-batch-unzipped');
  const unzip = tool('python3', ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', batch, old]);
  assert.equal(unzip.status, 0, unzip.stderr);
  const sample = ['001', '048', '049', '096', '097', '150'].map((n) => `r-${n}`);
  const verified = tool('openssl', ['verify', '-CAfile', join(old, TUTORIAL_CHAIN[0]), '-untrusted', join(old, 'certs/azure-iot-test-only.chain.ca.cert.pem'), ...sample.map((id) => join(out, `certs/${id}.cert.pem`))]);
  assert.equal(verified.status, 0, verified.stdout + verified.stderr);
  for (const id of sample) {
    const publicKey = (args) => tool('openssl', args).stdout;
    const renewedKey = publicKey(['x509', '-in', join(out, `certs/${id}.cert.pem`), '-noout', '-pubkey']);
    assert.equal(renewedKey, publicKey(['x509', '-in', join(old, `certs/${id}.cert.pem`), '-noout', '-pubkey']), `${id} keeps its key`);
    assert.equal(publicKey(['pkey', '-in', join(out, `private/${id}.key.pem`), '-pubout']), renewedKey, `${id}'s key file is its certificate's`);
  }

  // Into a ZIP: the same names; a second run into the same folder is refused and changes nothing.
  const zipped = at('renewed-batch.zip');
  ok(['renew', 'devices', '--ca', batch, '--certificates', batch, '--workers', '2', '--zip', zipped]);
  const names = tool('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print("\\n".join(z.namelist()))', zipped]);
  assert.equal(names.status, 0, names.stderr);
  assert.deepEqual(names.stdout.trim().split('\n').sort(), filesUnder(out).sort());
  const before = readFileSync(join(out, 'private/r-077.key.pem'));
  refused(['renew', 'devices', '--ca', batch, '--certificates', batch, '--out', out], '--out');
  assert.deepEqual(readFileSync(join(out, 'private/r-077.key.pem')), before);
});

test('the library: `cert-studio` and `cert-studio/ca` import in Node, ready to call', () => {
  writeFileSync(at('use.mjs'), [
    "import { makeChain } from 'cert-studio';",
    "import { inspect } from 'cert-studio/ca';",
    "const r = makeChain({ spec: { keyAlgorithm: 'ec-p256', devices: ['lib-1'] }, nowMs: Date.now() });",
    "const cert = r.files.find((f) => f.path === 'certs/lib-1.cert.pem');",
    "const seen = inspect({ files: [{ name: 'lib-1.cert.pem', contents: cert.contents }], nowMs: Date.now() });",
    "console.log(JSON.stringify({ roles: r.chain.map((c) => c.role), cn: seen.certificates[0].subject }));",
  ].join('\n'));
  const result = tool('node', [at('use.mjs')], { cwd: project });
  assert.equal(result.status, 0, result.stderr);
  const out = JSON.parse(result.stdout);
  assert.deepEqual(out.roles, ['root', 'intermediate', 'device']);
  assert.match(out.cn, /lib-1/);
});

test('tsc --strict compiles a typed example against the installed package and rejects a wrong one', () => {
  assert.ok(existsSync(TSC), `${TSC} is missing: run npm install in e2e/`);
  const dir = at('typed');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022', 'esnext.disposable', 'dom'], types: [] },
    include: ['*.ts'],
  }));
  writeFileSync(join(dir, 'good.ts'), [
    "import { makeChain, validateChainSpec, type ChainSpec, type Product } from 'cert-studio';",
    "import { CaSession, inspect, type ImportedCa, type Inspection } from 'cert-studio/ca';",
    "const spec: ChainSpec = { keyAlgorithm: 'ec-p256', devices: ['device-01'], validityDays: 30 };",
    'const keys: number = validateChainSpec({ spec }).keyCount;',
    'const r: Product = makeChain({ spec, nowMs: Date.now() });',
    'const path: string = r.files[0].path;',
    'const contents: Uint8Array = r.files[0].contents;',
    'const thumbprint: string = r.chain[0].thumbprintSha1;',
    'using session = new CaSession();',
    "const cas: ImportedCa[] = session.importCa({ files: [{ name: 'x.pem', contents }], nowMs: Date.now() }).cas;",
    'const seen: Inspection = inspect({ files: [], nowMs: 0 });',
    'const ok: boolean | undefined = seen.chain?.ok;',
    'export { keys, path, thumbprint, cas, ok };',
  ].join('\n'));
  const good = tool(TSC, ['-p', join(dir, 'tsconfig.json')], { cwd: project });
  assert.equal(good.status, 0, `tsc --strict refused the typed example:\n${good.stdout}${good.stderr}`);

  writeFileSync(join(dir, 'bad.ts'), [
    "import { makeChain } from 'cert-studio';",
    "const r = makeChain({ spec: { keyAlgorithm: 'ec-p256' }, nowMs: Date.now() });",
    'const path: number = r.files[0].path;',
    'export { path };',
  ].join('\n'));
  const bad = tool(TSC, ['-p', join(dir, 'tsconfig.json')], { cwd: project });
  assert.notEqual(bad.status, 0, 'tsc accepted a string path assigned to a number');
  assert.match(bad.stdout, /bad\.ts\(3,7\): error TS2322: Type 'string' is not assignable to type 'number'/);
  rmSync(join(dir, 'bad.ts'));

  // No `any` anywhere in the package's types.
  for (const types of ['cert_studio.d.ts', 'cert_studio_ca.d.ts']) {
    const text = readFileSync(at('node_modules/cert-studio/pkg', types), 'utf8');
    assert.doesNotMatch(text, /:\s*any\b/, `${types} has an any`);
  }
});
