// `cert-studio event-grid` as a user runs it from the installed package:
// the files each client needs, checked by openssl; the az script's lines;
// an --out that already holds them refused without --force; hostile values
// refused naming their flag, with nothing written.
// Run: node --test e2e/node/event-grid.test.mjs   (after make build and make package)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installPackage, listing, tool } from './installed-package.mjs';

let project;
let cli;
before(() => {
  ({ project, cli } = installPackage('cert-studio-event-grid-'));
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

function refused(args, flag) {
  const result = run(args);
  assert.equal(result.status, 2, `cert-studio ${args.join(' ')} exited ${result.status}, not 2:\n${result.stdout}${result.stderr}`);
  assert.ok(result.stderr.includes(flag), `the message does not name ${flag}:\n${result.stderr}`);
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'a refusal printed a stack trace');
  return result;
}

const openssl = (args) => {
  const result = tool('openssl', args, { cwd: project });
  assert.equal(result.status, 0, `openssl ${args.join(' ')}:\n${result.stderr}`);
  return result.stdout;
};

test('DNS clients: full chains that verify under the uploaded intermediate alone, the name in the SAN, the az lines', () => {
  const out = at('dns');
  writeFileSync(at('ca-password.txt'), 'Eg-Ca-Secret-31\n');
  const summary = JSON.parse(ok(['event-grid', '--validation', 'dns', '--clients', 'client-1=client-1.contoso.com,gw-2', '--namespace', 'contoso-ns',
    '--resource-group', 'contoso-rg', '--ca-name', 'contoso-intermediate', '--ca-key-password-file', at('ca-password.txt'), '--out', out, '--json']).stdout);
  assert.deepEqual(summary.clients.map((c) => [c.clientName, c.authenticationName, c.validationScheme]),
    [['client-1', 'client-1.contoso.com', 'DnsMatchesAuthenticationName'], ['gw-2', 'gw-2', 'DnsMatchesAuthenticationName']]);
  const intermediate = join(out, 'certs/event-grid.intermediate.ca.cert.pem');
  for (const { clientName, authenticationName } of summary.clients) {
    const chain = join(out, `certs/${clientName}-full-chain.cert.pem`);
    assert.match(openssl(['verify', '-partial_chain', '-purpose', 'sslclient', '-CAfile', intermediate, '-untrusted', chain, chain]), /: OK/);
    assert.match(openssl(['x509', '-in', join(out, `certs/${clientName}.cert.pem`), '-noout', '-ext', 'subjectAltName']), new RegExp(`DNS:${authenticationName.replaceAll('.', '\\.')}\\b`));
    assert.equal(statSync(join(out, `private/${clientName}.key.pem`)).mode & 0o777, 0o600);
    assert.match(openssl(['pkcs12', '-in', join(out, `certs/${clientName}-full-chain.cert.pfx`), '-passin', 'pass:1234', '-nokeys']), /BEGIN CERTIFICATE/);
  }
  const script = readFileSync(join(out, 'snippets/event-grid.az-cli.sh'), 'utf8');
  assert.match(script, /^RESOURCE_GROUP='contoso-rg'$/m);
  assert.match(script, /az eventgrid namespace ca-certificate create .* --name 'contoso-intermediate' --certificate 'certs\/event-grid\.intermediate\.ca\.cert\.pem'/);
  assert.match(script, /az eventgrid namespace client create .* --name 'gw-2' --authentication-name 'gw-2' --client-certificate-authentication '\{validationScheme:DnsMatchesAuthenticationName\}'/);
  // The CA key is encrypted with the password from the file (its newline dropped), which openssl takes.
  assert.match(openssl(['pkey', '-in', join(out, 'private/event-grid.intermediate.ca.key.pem'), '-passin', 'pass:Eg-Ca-Secret-31', '-noout', '-text']), /Private-Key/);
  assert.ok(!readFileSync(join(out, 'private/event-grid.intermediate.ca.key.pem'), 'utf8').includes('BEGIN PRIVATE KEY'), 'the CA key is not encrypted');

  const before = listing(out);
  refused(['event-grid', '--validation', 'dns', '--clients', 'client-1=client-1.contoso.com', '--out', out], '--force');
  assert.deepEqual(listing(out), before, 'a refused run changed --out');
});

test('thumbprint clients: self-signed, each az line holding the SHA-256 openssl computes', () => {
  const out = at('thumbprint');
  const summary = JSON.parse(ok(['event-grid', '--validation', 'thumbprint', '--clients', 'sensor-{1..3}', '--out', out, '--json']).stdout);
  assert.equal(summary.clients.length, 3);
  assert.ok(!existsSync(join(out, 'certs/event-grid.root.ca.cert.pem')), 'a thumbprint result has no CA');
  const script = readFileSync(join(out, 'snippets/event-grid.az-cli.sh'), 'utf8');
  for (const client of summary.clients) {
    const fingerprint = openssl(['x509', '-in', join(out, client.certificatePath), '-noout', '-fingerprint', '-sha256']).trim().split('=')[1].replaceAll(':', '').toLowerCase();
    assert.equal(client.thumbprint, fingerprint);
    assert.ok(script.includes(`--name '${client.clientName}' --authentication-name '${client.clientName}' --client-certificate-authentication '{validationScheme:ThumbprintMatch,allowed-thumbprints:[${fingerprint}]}'`), script);
  }
});

test('hostile values are refused naming their flag, and nothing is written', () => {
  const out = at('hostile');
  const cases = [
    [['--clients', '../../etc/passwd'], '--clients'],
    [['--clients', 'a"b'], '--clients'],
    [['--clients', 'x&calc'], '--clients'],
    [['--clients', '50%'], '--clients'],
    [['--clients', 'a\nb'], '--clients'],
    [['--validation', 'ip', '--clients', 'meter-7=10.0.0.300'], '--clients'],
    [['--validation', 'ip', '--clients', 'meter-7'], '--clients'],
    [['--validation', 'uri', '--clients', 'cam-2=contoso/cam-2'], '--clients'],
    [['--validation', 'email', '--clients', "hub-3=hub'3@contoso.com"], '--clients'],
    [['--validation', 'x509'], '--validation'],
    [['--ca-name', 'ca&1'], '--ca-name'],
    [['--ca-name', 'ab'], '--ca-name'],
    [['--namespace', 'ns;rm -rf ~'], '--namespace'],
    [['--resource-group', 'rg\n'], '--resource-group'],
    [['--mqtt-hostname', 'host"name'], '--mqtt-hostname'],
    [['--root-cn', 'x'.repeat(65)], '--root-cn'],
  ];
  for (const [args, flag] of cases) {
    refused(['event-grid', ...args, '--out', out], flag);
    assert.ok(!existsSync(out), `cert-studio event-grid ${args.join(' ')} wrote ${out}`);
  }
  const message = refused(['event-grid', '--validation', 'uri', '--clients', 'cam-2', '--out', out], '--clients').stderr;
  assert.match(message, /needs an authentication name/);
});

test('--help ends with examples, and each runs', () => {
  const help = ok(['event-grid', '--help']);
  const examples = help.stdout.split('\nExamples:\n')[1].split('\n').filter((line) => line.trim() && !line.trimStart().startsWith('#'));
  assert.ok(examples.length >= 2, help.stdout);
  const dir = at('examples');
  spawnSync('mkdir', ['-p', dir]);
  for (const line of examples) {
    const result = spawnSync('sh', ['-c', line.trim()], { cwd: dir, env: { ...process.env, PATH: `${at('node_modules/.bin')}:${process.env.PATH}` }, encoding: 'utf8', timeout: 300_000 });
    assert.equal(result.status, 0, `the example \`${line.trim()}\` exited ${result.status}:\n${result.stderr}`);
  }
  assert.ok(existsSync(join(dir, 'meters.zip')) && existsSync(join(dir, 'sensors/certs/sensor-10.cert.pem')));
});
