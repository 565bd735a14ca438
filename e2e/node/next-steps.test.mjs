// The next steps in the Azure portal (www/js/make/next-steps.js) for results
// the core really makes: each step names files that are in the result, with
// the thumbprint OpenSSL prints for them; README.txt ends with the steps once,
// however often they are written (new Sample settings write them again).
// Run: node --test e2e/node/next-steps.test.mjs (needs `make build`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chainSteps, edgeSteps, enrollmentSteps, withStepsInReadme } from '../../www/js/make/next-steps.js';

const pkg = fileURLToPath(new URL('../../www/pkg/', import.meta.url));
const wasmPath = join(pkg, 'cert_studio_bg.wasm');
assert.ok(existsSync(wasmPath), `${wasmPath} is missing: run \`make build\` first`);
const studio = await import(new URL('../../www/pkg/cert_studio.js', import.meta.url));
studio.initSync({ module: readFileSync(wasmPath) });

/** `openssl x509 -fingerprint -sha1` of a file, as the portal writes it (upper-case hex, no colons). */
function sha1Of(dir, path) {
  const result = spawnSync('openssl', ['x509', '-in', join(dir, path), '-noout', '-fingerprint', '-sha1'], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim().split('=')[1].replaceAll(':', '');
}

/** The result's files on disk, so OpenSSL reads the very bytes the steps name. */
function written(t, files) {
  const dir = mkdtempSync(join(tmpdir(), 'cert-studio-steps-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const file of files) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.contents);
  }
  return dir;
}

/** Every step's file exists in the result, and a thumbprint given is the certificate's own. */
function checkFiles(dir, files, steps) {
  const paths = new Set(files.map((file) => file.path));
  for (const step of steps.filter((s) => s.file)) {
    assert.ok(paths.has(step.file.path), `${step.file.path} is not in the result`);
    if (step.file.thumbprintSha1 && step.file.path.endsWith('.cert.pem') && !step.file.path.includes('full-chain')) {
      assert.equal(step.file.thumbprintSha1, sha1Of(dir, step.file.path), step.file.path);
    }
  }
}

test('the chain: upload the root (its thumbprint), verify it, the group, each device its full chain, README.txt once', (t) => {
  const result = studio.makeChain({ spec: { keyAlgorithm: 'ec-p256' }, nowMs: Date.now() });
  const dir = written(t, result.files);
  const steps = chainSteps(result, { dpsName: 'my-dps', resourceGroup: 'my-group' });
  checkFiles(dir, result.files, steps);
  const root = 'certs/azure-iot-test-only.root.ca.cert.pem';
  assert.equal(steps[0].file.path, root);
  assert.equal(steps[0].file.thumbprintSha1, sha1Of(dir, root));
  assert.match(steps[0].command, /^az iot dps certificate create --dps-name 'my-dps' --resource-group 'my-group' --certificate-name 'azure-iot-hub-ca-cert-test-only' --path 'certs\/azure-iot-test-only\.root\.ca\.cert\.pem'$/);
  assert.equal(steps[1].action, 'verify-root');
  assert.match(steps[1].command, /az iot dps certificate verify .*--certificate-name 'azure-iot-hub-ca-cert-test-only'/);
  assert.match(steps[2].command, /^az iot dps enrollment-group create .*--ca-name 'azure-iot-hub-ca-cert-test-only'$/);
  assert.deepEqual(steps.slice(3, 5).map((s) => s.file.path), ['certs/device-01-full-chain.cert.pem', 'certs/device-02-full-chain.cert.pem']);
  // The device steps give the device certificate's own thumbprint.
  assert.equal(steps[3].file.thumbprintSha1, sha1Of(dir, 'certs/device-01.cert.pem'));

  const once = withStepsInReadme(result.files, steps);
  const twice = withStepsInReadme(once, chainSteps(result, { dpsName: 'other-dps' }));
  const readme = new TextDecoder().decode(twice.find((file) => file.path === 'README.txt').contents);
  assert.equal(readme.split('NEXT STEPS IN THE AZURE PORTAL').length - 1, 1);
  assert.match(readme, /--dps-name 'other-dps'/);
  assert.doesNotMatch(readme, /my-dps/);
  // The core's part of the README is kept as it was.
  const original = new TextDecoder().decode(result.files.find((file) => file.path === 'README.txt').contents);
  assert.ok(readme.startsWith(original));
  assert.match(readme, /\r\n1\. Upload the root CA certificate/);
});

test('IoT Edge and the individual enrollment: the enrollment command names the certificate that is there', (t) => {
  const edge = studio.makeEdgeChain({ spec: { caKeyAlgorithm: 'ec-p256', leafKeyAlgorithm: 'ec-p256' }, nowMs: Date.now() });
  const edgeList = edgeSteps(edge, {});
  checkFiles(written(t, edge.files), edge.files, edgeList);
  assert.match(edgeList[0].command, /az iot dps enrollment create .*--attestation-type 'x509' --certificate-path 'certs\/iot-edge-device-identity-my-edge-device\.cert\.pem' --edge-enabled true$/);
  assert.match(edgeList.at(-1).text, /snippets\/iot-edge-my-edge-device\.config\.toml/);

  const enrollment = studio.makeIndividualEnrollment({ spec: { keyAlgorithm: 'ec-p256', withSecondary: true }, nowMs: Date.now() });
  const steps = enrollmentSteps(enrollment, {});
  checkFiles(written(t, enrollment.files), enrollment.files, steps);
  assert.match(steps[0].command, /--enrollment-id 'raspberrypi-b' .*--certificate-path 'certs\/raspberrypi-b-primary\.cert\.pem' --secondary-certificate-path 'certs\/raspberrypi-b-secondary\.cert\.pem'$/);
  assert.match(steps[0].command, /--dps-name '<your-dps-name>'/);
});
