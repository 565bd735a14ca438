// The command with other people's files and an --out that is not empty
// (issue 21): nothing is replaced without --force, nothing written through a
// symlink, private keys and ZIPs owner-read-only under umask 022, passwords
// from files, standard input and the environment (OpenSSL opens what they
// encrypt), a ZIP nested 200 deep refused at once, device certificates whose
// CN is not a registration ID refused with nothing written anywhere, and a
// worker thread that died replaced.
// Run: node --test e2e/node/cli-safety.test.mjs   (after make build and make package)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { installPackage, listing, tool } from './installed-package.mjs';

let project;
let cli;
before(() => {
  ({ project, cli } = installPackage('cert-studio-safety-'));
});
after(() => rmSync(project, { recursive: true, force: true }));

const at = (...parts) => join(project, ...parts);

/** The command under umask 022 (a user's usual one), in `cwd`. */
function run(args, { input, env = {}, cwd = project } = {}) {
  return spawnSync('sh', ['-c', 'umask 022 && exec "$0" "$@"', cli, ...args], { cwd, input, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20 });
}

function ok(args, options) {
  const result = run(args, options);
  assert.equal(result.status, 0, `cert-studio ${args.join(' ')} exited ${result.status}:\n${result.stderr}`);
  return result;
}

/** Exit 2, naming `flag` (and `also`, when given), no stack trace. */
function refused(args, flag, also, options) {
  const result = run(args, options);
  assert.equal(result.status, 2, `cert-studio ${args.join(' ')} exited ${result.status}, not 2:\n${result.stdout}${result.stderr}`);
  assert.ok(result.stderr.includes(flag), `the message does not name ${flag}:\n${result.stderr}`);
  if (also) assert.match(result.stderr, also);
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'a refusal printed a stack trace');
  return result;
}

const ROOT_KEY = 'private/azure-iot-test-only.root.ca.key.pem';
const modeOf = (path) => statSync(path).mode & 0o777;

/** Every file under `dir` by its path relative to it. */
function filesUnder(dir, sub = '') {
  return readdirSync(join(dir, sub), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(dir, join(sub, e.name)) : [join(sub, e.name)]));
}

/** Passwords no other text holds, so a file that holds one is found by looking. */
const CA_PASSWORD = 'Ca-Secret-4711';
const PFX_PASSWORD = 'Pfx-Secret-4712';

/** Whether a file holds a private key (a PFX holds one) or a password: such a file must be 0600. */
const holdsSecret = (path, text) => path.endsWith('.pfx') || text.includes('PRIVATE KEY') || text.includes(CA_PASSWORD) || text.includes(PFX_PASSWORD);

test('under umask 022 a --zip, which holds every private key, is 0600, and no temporary file is left beside it', () => {
  const zip = at('private.zip');
  ok(['chain', '--key', 'ec-p256', '--devices', 'device-01', '--zip', zip]);
  assert.equal(modeOf(zip), 0o600);
  const batch = at('private-batch.zip');
  ok(['chain', '--key', 'ec-p256', '--devices', 'b-{01..25}', '--zip', batch]);
  assert.equal(modeOf(batch), 0o600);
  assert.deepEqual(readdirSync(project).filter((n) => n.endsWith('.tmp')), []);
});

test('under umask 022: files holding a private key or a password (keys, PFX, snippets that embed either) are 0600, the rest 0644, on disk and in a --zip', () => {
  const out = at('modes');
  const passwords = ['--ca-key-password', CA_PASSWORD, '--pfx-password', PFX_PASSWORD];
  ok(['chain', '--key', 'ec-p256', '--devices', 'device-01', ...passwords, '--out', out]);
  const files = filesUnder(out);
  assert.ok(files.includes(ROOT_KEY) && files.includes('certs/device-01-full-chain.cert.pfx'), files.join('\n'));
  const wrong = files.filter((f) => modeOf(join(out, f)) !== (holdsSecret(f, readFileSync(join(out, f), 'latin1')) ? 0o600 : 0o644));
  assert.deepEqual(wrong.map((f) => `${f} ${modeOf(join(out, f)).toString(8)}`), [], 'files whose mode does not match what they hold');
  assert.deepEqual(readdirSync(out).filter((n) => n.endsWith('.tmp')), [], 'a temporary file was left');

  const zip = at('modes.zip');
  ok(['chain', '--key', 'ec-p256', '--devices', 'device-01', ...passwords, '--zip', zip]);
  assert.equal(modeOf(zip), 0o600, 'the ZIP, which holds every private key, is readable by others');
  const entries = tool('python3', ['-c', [
    'import sys, zipfile',
    'z = zipfile.ZipFile(sys.argv[1])',
    'for i in z.infolist():',
    '  data = z.read(i)',
    "  key = i.filename.endswith('.pfx') or any(s in data for s in (b'PRIVATE KEY', sys.argv[2].encode(), sys.argv[3].encode()))",
    "  print(i.filename, oct((i.external_attr >> 16) & 0o777), key)",
  ].join('\n'), zip, CA_PASSWORD, PFX_PASSWORD]);
  assert.equal(entries.status, 0, entries.stderr);
  const wrongEntries = entries.stdout.trim().split('\n').filter((line) => !(line.endsWith('0o600 True') || line.endsWith('0o644 False')));
  assert.deepEqual(wrongEntries, [], 'ZIP entries whose mode does not match what they hold');
  assert.deepEqual(readdirSync(project).filter((n) => n.endsWith('.tmp')), [], 'a temporary file was left beside the ZIP');
});

test('a second run into the same --out is refused and the root key stays byte-identical; --force replaces it', () => {
  const out = at('twice');
  ok(['chain', '--key', 'ec-p256', '--devices', 'device-01', '--out', out]);
  const rootKey = readFileSync(join(out, ROOT_KEY));
  const before = listing(out);
  const second = refused(['chain', '--key', 'ec-p256', '--devices', 'device-01', '--out', out], '--out', /already exists/);
  assert.match(second.stderr, /"(certs|private|snippets)\/[^"]+"/, 'the refusal does not name the file in the way');
  assert.match(second.stderr, /--force/);
  assert.deepEqual(readFileSync(join(out, ROOT_KEY)), rootKey, 'the root key changed');
  assert.deepEqual(listing(out), before, 'a refused run changed the folder');
  // Another device: its files are new, but the chain's CA files are in the way.
  refused(['chain', '--key', 'ec-p256', '--devices', 'device-02', '--out', out], '--out', /azure-iot-test-only/);

  ok(['chain', '--key', 'ec-p256', '--devices', 'device-01', '--out', out, '--force']);
  const replaced = readFileSync(join(out, ROOT_KEY));
  assert.notDeepEqual(replaced, rootKey, '--force did not replace the root key');
  assert.equal(modeOf(join(out, ROOT_KEY)), 0o600);
  assert.equal(tool('openssl', ['pkey', '-noout', '-passin', 'pass:1234', '-in', join(out, ROOT_KEY)]).status, 0, 'the replaced root key does not open');
  assert.deepEqual(readdirSync(join(out, 'private')).filter((n) => n.endsWith('.tmp')), []);
});

test('a batch into an --out that holds one of its devices is refused before anything is written', () => {
  const out = at('batch-twice');
  mkdirSync(join(out, 'certs'), { recursive: true });
  writeFileSync(join(out, 'certs/w-07.cert.pem'), 'made by someone else\n');
  writeFileSync(join(out, 'certs/other-device.cert.pem'), 'not in the batch\n');
  const before = listing(out);
  refused(['chain', '--key', 'ec-p256', '--devices', 'w-{01..25}', '--out', out], '--out', /"certs\/w-07\.cert\.pem" already exists/);
  assert.deepEqual(listing(out), before, 'a refused batch wrote files');
  // Without that file the same batch goes in beside the unrelated one.
  rmSync(join(out, 'certs/w-07.cert.pem'));
  const summary = JSON.parse(ok(['chain', '--key', 'ec-p256', '--devices', 'w-{01..25}', '--out', out, '--json']).stdout);
  assert.equal(summary.devices, 25);
  assert.equal(readFileSync(join(out, 'certs/other-device.cert.pem'), 'utf8'), 'not in the batch\n');
  assert.equal(modeOf(join(out, 'private/w-25.key.pem')), 0o600);
  assert.equal(readFileSync(join(out, 'devices.csv'), 'utf8').trim().split('\r\n').length, 26);
  refused(['chain', '--key', 'ec-p256', '--devices', 'w-{01..25}', '--out', out], '--out', /already exists/);
});

test('a --zip that exists is refused, and replaced with --force', () => {
  const zip = at('exists.zip');
  writeFileSync(zip, 'an older ZIP\n');
  refused(['chain', '--key', 'ec-p256', '--zip', zip], '--zip', /already exists/);
  assert.equal(readFileSync(zip, 'utf8'), 'an older ZIP\n');
  ok(['chain', '--key', 'ec-p256', '--zip', zip, '--force']);
  assert.equal(readFileSync(zip).subarray(0, 4).toString('latin1'), 'PK\x03\x04');
  assert.equal(modeOf(zip), 0o600);
});

test('a symlink planted at a key\'s path, at a folder inside --out, or at --zip is never followed, even with --force', () => {
  const victim = at('victim.txt');
  writeFileSync(victim, 'not yours\n');
  const out = at('planted');
  mkdirSync(join(out, 'private'), { recursive: true });
  symlinkSync(victim, join(out, ROOT_KEY));
  for (const force of [[], ['--force']]) {
    refused(['chain', '--key', 'ec-p256', '--devices', 'device-01', '--out', out, ...force], '--out', /symlink/);
    assert.equal(readFileSync(victim, 'utf8'), 'not yours\n', 'the symlink\'s target was written');
    assert.ok(!existsSync(join(out, 'certs')), 'a refused run wrote files');
  }

  const elsewhere = at('elsewhere');
  mkdirSync(elsewhere);
  const folderOut = at('planted-folder');
  mkdirSync(folderOut);
  symlinkSync(elsewhere, join(folderOut, 'private'));
  refused(['chain', '--key', 'ec-p256', '--out', folderOut, '--force'], '--out', /"private" is a symlink/);
  assert.deepEqual(readdirSync(elsewhere), [], 'files were written through a symlinked folder');

  const zipLink = at('link.zip');
  symlinkSync(victim, zipLink);
  refused(['chain', '--key', 'ec-p256', '--zip', zipLink, '--force'], '--zip', /symlink/);
  assert.equal(readFileSync(victim, 'utf8'), 'not yours\n');
});

test('passwords from --ca-key-password-file, --pfx-password-file - (standard input) and the environment: OpenSSL opens what they encrypt', () => {
  writeFileSync(at('ca-password.txt'), 'ca secret 7\n');
  const out = at('passwords');
  ok(['chain', '--key', 'ec-p256', '--devices', 'd-1', '--ca-key-password-file', at('ca-password.txt'), '--pfx-password-file', '-', '--out', out], { input: 'pfx secret 9\n' });
  const pkey = (path, password) => tool('openssl', ['pkey', '-noout', '-passin', `pass:${password}`, '-in', join(out, path)]).status;
  assert.equal(pkey(ROOT_KEY, 'ca secret 7'), 0, 'the root key does not open with the file\'s password');
  assert.notEqual(pkey(ROOT_KEY, 'ca secret 7\n'), 0, 'the trailing newline became part of the password');
  assert.notEqual(pkey(ROOT_KEY, '1234'), 0, 'the root key opens with the default password');
  const pkcs12 = (password) => tool('openssl', ['pkcs12', '-noout', '-passin', `pass:${password}`, '-in', join(out, 'certs/d-1-full-chain.cert.pfx')]).status;
  assert.equal(pkcs12('pfx secret 9'), 0, 'the PFX does not open with the password from standard input');
  assert.notEqual(pkcs12('1234'), 0, 'the PFX opens with the default password');

  // The CA brought back, its folder (whose PFX files have the PFX password) opened with the CA key
  // password from a file; the PFX password from the environment.
  const signed = at('passwords-signed');
  const caFiles = ['--ca', out];
  ok(['sign', ...caFiles, '--ca-password-file', at('ca-password.txt'), '--devices', 'd-2', '--out', signed], { env: { CERT_STUDIO_PFX_PASSWORD: 'from the environment' } });
  assert.equal(tool('openssl', ['pkcs12', '-noout', '-passin', 'pass:from the environment', '-in', join(signed, 'certs/d-2-full-chain.cert.pfx')]).status, 0);
  refused(['sign', ...caFiles, '--devices', 'd-3', '--out', at('passwords-bad')], '--ca-password');

  // Two sources for one password, two passwords on standard input, an empty file: usage errors.
  refused(['chain', '--ca-key-password', 'x', '--ca-key-password-file', at('ca-password.txt'), '--out', at('two')], '--ca-key-password', /given twice/);
  refused(['chain', '--pfx-password', 'x', '--out', at('two')], '--pfx-password', /\$CERT_STUDIO_PFX_PASSWORD/, { env: { CERT_STUDIO_PFX_PASSWORD: 'y' } });
  refused(['chain', '--ca-key-password-file', '-', '--pfx-password-file', '-', '--out', at('two')], '--pfx-password-file', /standard input/, { input: 'a\n' });
  writeFileSync(at('empty.txt'), '\n');
  refused(['chain', '--ca-key-password-file', at('empty.txt'), '--out', at('two')], '--ca-key-password-file', /no password/);
  refused(['chain', '--ca-key-password-file', at('missing.txt'), '--out', at('two')], '--ca-key-password-file', /ENOENT/);
  assert.ok(!existsSync(at('two')));
  const help = ok(['chain', '--help']).stdout;
  for (const flag of ['--ca-key-password-file FILE', '--pfx-password-file FILE', 'CERT_STUDIO_CA_KEY_PASSWORD', 'CERT_STUDIO_PFX_PASSWORD']) assert.ok(help.includes(flag), `chain --help does not mention ${flag}`);
  for (const [command, flags] of [[['verify'], ['--ca-password-file']], [['sign'], ['--ca-password-file', '--pfx-password-file']], [['renew', 'devices'], ['--ca-password-file', '--password-file', '--pfx-password-file']], [['renew', 'ca'], ['--ca-password-file']], [['inspect'], ['--password-file']], [['edge'], ['--ca-key-password-file', '--pfx-password-file']], [['enroll'], ['--pfx-password-file']]]) {
    const text = ok([...command, '--help']).stdout;
    for (const flag of flags) assert.ok(text.includes(flag), `${command.join(' ')} --help does not mention ${flag}`);
  }
});

test('a ZIP nested 200 deep is refused by renew and inspect in under a second more than a flat ZIP of the same file', () => {
  const ca = at('nest-ca');
  ok(['chain', '--key', 'ec-p256', '--devices', 'device-01', '--out', ca]);
  const nested = at('russian-doll.zip');
  const made = tool('python3', ['-c', [
    'import io, sys, zipfile',
    'inner = open(sys.argv[1], "rb").read()',
    'name = "device-01.cert.pem"',
    'for level in range(200):',
    '  buffer = io.BytesIO()',
    '  with zipfile.ZipFile(buffer, "w") as z: z.writestr(name, inner)',
    '  inner, name = buffer.getvalue(), f"n{level}.zip"',
    'open(sys.argv[2], "wb").write(inner)',
  ].join('\n'), join(ca, 'certs/device-01.cert.pem'), nested]);
  assert.equal(made.status, 0, made.stderr);
  // The same file one ZIP deep: what starting Node, the wasm and (renew) the CA's import cost here.
  const flat = at('flat.zip');
  assert.equal(tool('python3', ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[2], "w").writestr("notes.txt", open(sys.argv[1]).read().replace("CERTIFICATE", "NOTE"))', join(ca, 'certs/device-01.cert.pem'), flat]).status, 0);
  const timed = (args) => {
    const started = performance.now();
    const result = run(args);
    return { result, ms: performance.now() - started };
  };
  const commands = { inspect: (zip) => ['inspect', zip], renew: (zip) => ['renew', 'devices', '--ca', ca, '--certificates', zip, '--out', at('nest-out')] };
  for (const [name, args] of Object.entries(commands)) {
    const baseline = timed(args(flat));
    const { result, ms } = timed(args(nested));
    // Deeper ZIPs are not read (one level is): the doll holds nothing to use, and that is said.
    assert.ok([1, 2].includes(result.status), `${name} of a ZIP nested 200 deep exited ${result.status}:\n${result.stdout.slice(0, 400)}${result.stderr}`);
    assert.match(result.stderr, /russian-doll\.zip/, `${name}'s refusal does not name the file`);
    assert.doesNotMatch(result.stderr, /^\s+at /m);
    assert.ok(ms - baseline.ms < 1000, `${name} took ${Math.round(ms - baseline.ms)} ms more for the nested ZIP than for a flat one`);
  }
  assert.ok(!existsSync(at('nest-out')));
});

/** `name` as openssl's -subj takes it: `/` and `\` escaped. */
const subjectOf = (cn) => `/CN=${cn.replaceAll('\\', '\\\\').replaceAll('/', '\\/')}`;

test('renew devices refuses a device certificate whose CN is not a registration ID, naming it, and writes nothing anywhere', () => {
  const root = at('hostile');
  mkdirSync(root);
  const ca = join(root, 'ca');
  ok(['chain', '--key', 'ec-p256', '--devices', 'device-01', '--out', ca]);
  tool('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', join(root, 'evil.key.pem')]);
  // A device certificate as the tutorial's OpenSSL makes one, under the studio's intermediate.
  writeFileSync(join(root, 'device.ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
  const hostile = ['../../escaped" & echo PWNED & rem "', '..', 'a/b', 'line\nbreak', '$(touch x)'];
  for (const [i, cn] of hostile.entries()) {
    const pem = join(root, `evil-${i}.pem`);
    const csr = tool('openssl', ['req', '-new', '-key', join(root, 'evil.key.pem'), '-subj', subjectOf(cn), '-out', join(root, 'evil.csr')]);
    assert.equal(csr.status, 0, csr.stderr);
    const made = tool('openssl', ['x509', '-req', '-in', join(root, 'evil.csr'), '-extfile', join(root, 'device.ext'), '-days', '30', '-out', pem,
      '-CA', join(ca, 'certs/azure-iot-test-only.intermediate.cert.pem'), '-CAkey', join(ca, 'private/azure-iot-test-only.intermediate.key.pem'), '-passin', 'pass:1234']);
    assert.equal(made.status, 0, `openssl could not make the certificate of ${JSON.stringify(cn)}:\n${made.stderr}`);
    const subject = tool('openssl', ['x509', '-noout', '-subject', '-nameopt', 'RFC2253,-esc_2253,-esc_ctrl', '-in', pem]).stdout;
    assert.equal(subject, `subject=CN=${cn}\n`, 'openssl wrote another CN');
  }
  const before = listing(root);
  for (const [i, cn] of hostile.entries()) {
    const result = run(['renew', 'devices', '--ca', 'ca', '--certificates', `evil-${i}.pem`, '--out', 'out/x/y'], { cwd: root });
    assert.ok([1, 2].includes(result.status), `renew devices of CN ${JSON.stringify(cn)} exited ${result.status}:\n${result.stdout}${result.stderr}`);
    const named = result.stderr.includes(cn) || result.stderr.includes(JSON.stringify(cn).slice(1, -1)) || /registration ID/i.test(result.stderr);
    assert.ok(named, `the refusal of CN ${JSON.stringify(cn)} names neither the CN nor the registration ID rule:\n${result.stderr}`);
    assert.doesNotMatch(result.stderr, /^\s+at /m);
    assert.deepEqual(listing(root), before, `renew devices of CN ${JSON.stringify(cn)} wrote something`);
  }
  assert.ok(!existsSync(join(root, 'x')) && !existsSync(join(project, 'x')), '$(touch x) ran');
});

test('inspect shows control characters in a subject escaped: a newline or an escape sequence never reaches the terminal', () => {
  const pem = at('controls.pem');
  const cn = 'line\nbreak \u001b[31mred';
  const made = tool('openssl', ['req', '-new', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', at('controls.key.pem'), '-subj', subjectOf(cn), '-days', '1', '-out', pem]);
  assert.equal(made.status, 0, made.stderr);
  const text = ok(['inspect', pem]).stdout;
  // Shown on its line, however escaped (the studio writes \x0a and \x1b).
  assert.match(text, /^ +Subject: CN ?= ?line\S+break \S+red$/m);
  assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f]/, 'a control character reached the terminal');
});

test('a worker thread that died fails its job and is replaced, not reused', async () => {
  const { WorkerPool } = await import(pathToFileURL(at('node_modules/cert-studio/lib/cli/pool.mjs')));
  const pool = new WorkerPool(1);
  try {
    const [first] = pool.workers;
    // A long job (an RSA 4096 key in the wasm), and its thread stopped under it.
    const job = pool.run('makeKeys', { algorithms: ['rsa-4096'], generator: 'rust' });
    setTimeout(() => first.terminate(), 200);
    await assert.rejects(job, /worker thread stopped/);
    assert.ok(!pool.workers.has(first), 'the dead worker is still in the pool');
    assert.equal(pool.workers.size, 1);
    const [key] = await pool.run('makeKeys', { algorithms: ['ec-p256'], generator: 'node' });
    assert.ok(key instanceof Uint8Array && key.length > 100, 'the replacement did not make a key');

    // An idle worker that dies is replaced too.
    const [second] = pool.workers;
    await second.terminate();
    const [again] = await pool.run('makeKeys', { algorithms: ['ec-p256'], generator: 'node' });
    assert.ok(again instanceof Uint8Array);
    assert.ok(!pool.workers.has(second));
  } finally {
    await pool.close();
  }
});
