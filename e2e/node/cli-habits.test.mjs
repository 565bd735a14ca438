// The command's manners, as `git` and `step` have them (issue 23): no command
// prints the usage and exits 2, a mistyped flag gets the nearest one, argument
// errors are in the studio's words, every --help ends with examples (run here,
// one after the other, as a user would paste them), and the summary lines up.
// Run: node --test e2e/node/cli-habits.test.mjs   (after make build and make package)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installPackage, tool } from './installed-package.mjs';

let project;
let cli;
before(() => {
  ({ project, cli } = installPackage('cert-studio-habits-'));
});
after(() => rmSync(project, { recursive: true, force: true }));

const run = (args, options = {}) => spawnSync(cli, args, { cwd: project, encoding: 'utf8', timeout: 300_000, ...options });

/** Exit 2 with `message` on stderr, nothing on stdout, no stack trace nor Node's own wording. */
function usageError(args, message) {
  const result = run(args);
  assert.equal(result.status, 2, `cert-studio ${args.join(' ')} exited ${result.status}:\n${result.stdout}${result.stderr}`);
  assert.match(result.stderr, message);
  assert.equal(result.stdout, '');
  assert.doesNotMatch(result.stderr, /^\s+at |ERR_PARSE_ARGS|Option '|TypeError/m, `not the studio's words:\n${result.stderr}`);
  return result;
}

const HELPS = [['chain'], ['edge'], ['enroll'], ['event-grid'], ['verify'], ['sign'], ['renew', 'devices'], ['renew', 'ca'], ['inspect']];

test('cert-studio with no command prints the usage on stderr and exits 2; --help prints it on stdout and exits 0', () => {
  const bare = run([]);
  assert.equal(bare.status, 2);
  assert.equal(bare.stdout, '');
  assert.match(bare.stderr, /^Usage: cert-studio <command> \[flags\]/);
  assert.match(bare.stderr, /^  chain +/m);
  const help = run(['--help']);
  assert.equal(help.status, 0);
  assert.equal(help.stdout, bare.stderr);
  usageError(['chian'], /"chian" is not a command; did you mean chain\?/);
  usageError(['mint'], /"mint" is not a command\. The commands are chain, /);
});

test('an unknown flag exits 2 with the nearest flag when it is close, and only then', () => {
  usageError(['chain', '--devcies', 'd1', '--out', 'x'], /^cert-studio chain: --devcies is not a flag of this command; did you mean --devices\?$/m);
  usageError(['chain', '--validity-day', '9', '--out', 'x'], /did you mean --validity-days\?/);
  usageError(['renew', 'devices', '--certificate', 'c.pem'], /did you mean --certificates\?/);
  usageError(['inspect', '--jsno', 'x.pem'], /did you mean --json\?/);
  const far = usageError(['chain', '--colour', 'blue', '--out', 'x'], /--colour is not a flag of this command \(see --help\)/);
  assert.doesNotMatch(far.stderr, /did you mean/);
});

test('argument errors in the studio\'s own words: a flag without its value, a value given to a switch, a stray word', () => {
  usageError(['chain', '--devices', '--out', 'x'], /^cert-studio chain: --devices needs a value \(IDS\), not the flag --out after it$/m);
  usageError(['chain', '--out'], /--out needs a value \(DIR\)$/m);
  usageError(['chain', '--json=yes', '--out', 'x'], /--json takes no value \(got "yes"\)/);
  usageError(['chain', '--out', 'x', 'extra'], /"extra" is not a flag or a value of one/);
  usageError(['chain', '--ca-key-password', '-x', '--out', 'x'], /--ca-key-password needs a value \(PASSWORD\); to give one that starts with "-", write --ca-key-password=-x/);
});

test('every command\'s --help ends with examples, and the examples run', () => {
  const dir = join(project, 'examples');
  mkdirSync(dir);
  writeFileSync(join(dir, 'ca-password.txt'), '1234\n');
  writeFileSync(join(dir, 'pfx-password.txt'), '1234\n');
  const csr = tool('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'device.key.pem', '-subj', '/CN=external-1', '-out', 'device.csr.pem'], { cwd: dir });
  assert.equal(csr.status, 0, csr.stderr);
  const env = { ...process.env, PATH: `${join(project, 'node_modules/.bin')}:${process.env.PATH}` };
  for (const command of HELPS) {
    const help = run([...command, '--help']);
    assert.equal(help.status, 0, help.stderr);
    const examples = help.stdout.split('\nExamples:\n')[1];
    assert.ok(examples, `${command.join(' ')} --help has no Examples:`);
    const lines = examples.split('\n').filter((line) => line.trim() && !line.trimStart().startsWith('#'));
    assert.ok(lines.length >= 2, `${command.join(' ')} --help has ${lines.length} example(s)`);
    for (const line of lines) {
      assert.match(line, new RegExp(`cert-studio ${command.join(' ')} `), `an example of ${command.join(' ')} runs another command: ${line}`);
      const result = spawnSync('sh', ['-c', line.trim()], { cwd: dir, env, encoding: 'utf8', timeout: 600_000 });
      assert.equal(result.status, 0, `the example \`${line.trim()}\` exited ${result.status}:\n${result.stderr}`);
    }
  }
  const renewHelp = run(['renew', '--help']);
  assert.equal(renewHelp.status, 0);
  assert.equal(renewHelp.stdout.split('Examples:').length - 1, 2, 'renew --help does not show both subcommands\' examples');
});

test('the summary lists the certificates in aligned columns', () => {
  const result = run(['chain', '--key', 'ec-p256', '--intermediate-cns', 'Tier', '--devices', 'a,a-much-longer-registration-id', '--out', 'aligned']);
  assert.equal(result.status, 0, result.stderr);
  const [, header, ...rows] = result.stdout.trimEnd().split('\n');
  assert.match(header, /^ {2}Role +Common name +SHA-1 +File$/);
  assert.equal(rows.length, 4);
  for (const heading of ['Common name', 'SHA-1', 'File']) {
    const column = header.indexOf(heading);
    for (const row of rows) assert.notEqual(row[column - 1], undefined, row);
    for (const row of rows) assert.ok(row[column - 1] === ' ' && row[column] !== ' ', `"${heading}" is not at column ${column} in:\n${header}\n${row}`);
  }
  const sha1At = header.indexOf('SHA-1');
  for (const row of rows) assert.match(row.slice(sha1At), /^[0-9A-F]{40}  certs\//);
});
