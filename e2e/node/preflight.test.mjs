// The CA module's `preflight` in Node on chains OpenSSL makes: the shape the
// page draws (every rule with its status, detail, code and Azure's text), a
// field-named error for a bad uploaded-CA file; and `inspect`'s serialHex is
// what `openssl x509 -serial` prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('../../www/pkg/', import.meta.url));
const studio = await import(new URL('../../www/pkg/cert_studio_ca.js', import.meta.url));
studio.initSync({ module: readFileSync(join(pkg, 'cert_studio_ca_bg.wasm')) });

function openssl(cwd, ...args) {
  const result = spawnSync('openssl', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  assert.ok(!result.error, `openssl is needed by this test (${result.error?.message}): run tools/install.sh test`);
  assert.equal(result.status, 0, `openssl ${args.join(' ')}:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

test('preflight: 401002 for a leaf alone, every rule passed with the intermediate sent; serials as openssl prints them', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'studio-node-preflight-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'ext.cnf'), '[ usr_cert ]\nbasicConstraints = CA:FALSE\nextendedKeyUsage = clientAuth\n');
  openssl(dir, 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'root.key', '-subj', '/CN=Node Root', '-days', '5', '-out', 'root.pem');
  openssl(dir, 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'mid.key', '-subj', '/CN=Node Intermediate',
    '-CA', 'root.pem', '-CAkey', 'root.key', '-days', '5', '-out', 'mid.pem');
  openssl(dir, 'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'dev.key', '-subj', '/CN=node-device', '-out', 'dev.csr');
  openssl(dir, 'x509', '-req', '-in', 'dev.csr', '-CA', 'mid.pem', '-CAkey', 'mid.key', '-CAcreateserial', '-days', '5', '-extfile', 'ext.cnf', '-extensions', 'usr_cert', '-out', 'dev.pem');
  const file = (name) => ({ name, contents: readFileSync(join(dir, name)) });
  const nowMs = Date.now();

  const alone = studio.preflight({ files: [file('dev.pem')], uploadedCa: [file('root.pem')], nowMs });
  assert.equal(alone.ok, false);
  assert.equal(alone.rules.length, 9);
  const chain = alone.rules.find((rule) => rule.id === 'chain-to-uploaded-ca');
  assert.deepEqual([chain.status, chain.azureCode], ['failed', '401002']);
  assert.match(chain.azureError, /CA certificate not found\./);
  assert.match(chain.detail, /issued by CN = Node Intermediate/);

  const whole = studio.preflight({ files: [file('dev.pem'), file('mid.pem')], uploadedCa: [file('root.pem')], nowMs });
  assert.deepEqual(whole.rules.map((rule) => [rule.id, rule.status]).filter(([, status]) => status !== 'passed'), []);
  assert.equal(whole.ok, true);
  assert.equal(whole.uploadedCa, 'the uploaded CA (CN = Node Root)');

  const both = { name: 'two.pem', contents: Buffer.concat([readFileSync(join(dir, 'mid.pem')), readFileSync(join(dir, 'root.pem'))]) };
  assert.throws(() => studio.preflight({ files: [file('dev.pem')], uploadedCa: [both], nowMs }), (e) => e.field === 'uploadedCa' && /holds 2 certificates/.test(e.message));

  const { certificates } = studio.inspect({ files: [file('dev.pem'), file('mid.pem'), file('root.pem')], nowMs });
  for (const [i, name] of ['dev.pem', 'mid.pem', 'root.pem'].entries()) {
    assert.equal(`serial=${certificates[i].serialHex}`, openssl(dir, 'x509', '-in', name, '-noout', '-serial').trim());
  }
});
