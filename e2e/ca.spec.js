// Bring your own CA (issue 3) through the real page: a CA made with the
// tutorial's own OpenSSL commands (encrypted keys, password 1234) is imported,
// a verification certificate and a device are made with it, and OpenSSL
// checks what the page downloads.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { download, expect, openStudio, openTab, test } from './fixtures.js';
import { expectKeyOfCertificate, openssl, portalThumbprint, ROOT_CERT, tempDir, unzip } from './chain-checks.js';

const CNF = join(import.meta.dirname, '..', 'crate', 'tests', 'fixtures');
const CODE = '1B1F84DE79B9BD5F16D71E92709917C2A1CA19D5A156CB9F';

/** The tutorial's root → intermediate, as its OpenSSL commands make it (RSA-2048 for speed). */
function tutorialCa() {
  const dir = tempDir('studio-openssl-ca-');
  for (const name of ['openssl_root_ca.cnf', 'openssl_device_intermediate_ca.cnf']) {
    writeFileSync(join(dir, name), readFileSync(join(CNF, name)));
  }
  for (const sub of ['certs', 'csr', 'newcerts', 'private']) mkdirSync(join(dir, sub));
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), openssl(dir, 'rand', '-hex', '16'));
  const run = (...args) => openssl(dir, ...args);
  run('genrsa', '-aes256', '-passout', 'pass:1234', '-out', 'private/azure-iot-test-only.root.ca.key.pem', '2048');
  run('req', '-new', '-x509', '-config', 'openssl_root_ca.cnf', '-passin', 'pass:1234', '-key', 'private/azure-iot-test-only.root.ca.key.pem',
    '-subj', '/CN=Azure IoT Hub CA Cert Test Only', '-days', '30', '-sha256', '-extensions', 'v3_ca', '-out', 'certs/azure-iot-test-only.root.ca.cert.pem');
  run('genrsa', '-aes256', '-passout', 'pass:1234', '-out', 'private/azure-iot-test-only.intermediate.key.pem', '2048');
  run('req', '-new', '-sha256', '-passin', 'pass:1234', '-config', 'openssl_device_intermediate_ca.cnf', '-subj', '/CN=Azure IoT Hub Intermediate Cert Test Only',
    '-key', 'private/azure-iot-test-only.intermediate.key.pem', '-out', 'csr/azure-iot-test-only.intermediate.csr.pem');
  run('ca', '-batch', '-config', 'openssl_root_ca.cnf', '-passin', 'pass:1234', '-extensions', 'v3_intermediate_ca', '-days', '30', '-notext', '-md', 'sha256',
    '-in', 'csr/azure-iot-test-only.intermediate.csr.pem', '-out', 'certs/azure-iot-test-only.intermediate.cert.pem');
  return dir;
}

test('an OpenSSL-made CA is imported, a verification certificate and a device are made, and OpenSSL accepts them', async ({ page }) => {
  const ca = tutorialCa();
  const files = [
    join(ca, 'certs/azure-iot-test-only.intermediate.cert.pem'),
    join(ca, 'private/azure-iot-test-only.intermediate.key.pem'),
    join(ca, 'certs/azure-iot-test-only.root.ca.cert.pem'),
  ];
  await openStudio(page);
  await openTab(page, 'Bring your own CA');
  await page.setInputFiles('#ca-files', files);

  // No password: asked for, next to the password field.
  await page.getByRole('button', { name: 'Import CA' }).click();
  await expect(page.locator('#ca-password-error')).toContainText('is encrypted; enter its password');
  // A wrong one: named, and the page stays usable.
  await page.fill('#ca-password', '4321');
  await page.getByRole('button', { name: 'Import CA' }).click();
  await expect(page.locator('#ca-password-error')).toContainText('is wrong');
  await expect(page.locator('#ca-password')).toHaveAttribute('aria-invalid', 'true');
  await page.fill('#ca-password', '1234');
  await page.getByRole('button', { name: 'Import CA' }).click();
  await expect(page.locator('.ca-item')).toHaveCount(1);
  await expect(page.locator('.ca-item')).toContainText('Azure IoT Hub Intermediate Cert Test Only');
  await expect(page.locator('#ca-password-error')).toBeHidden();

  // A bad code is refused at its field; the portal's 48-hex code works.
  await page.fill('#verification-code', 'has a space');
  await page.getByRole('button', { name: 'Make verification certificate' }).click();
  await expect(page.locator('#verification-code-error')).toBeVisible();
  await page.fill('#verification-code', CODE);
  await page.getByRole('button', { name: 'Make verification certificate' }).click();
  const out = tempDir('studio-verification-');
  const { path: certPath } = await download(page, () => page.getByRole('button', { name: 'Download certs/verification-code.cert.pem' }).click());
  expect(openssl(ca, 'verify', '-CAfile', 'certs/azure-iot-test-only.root.ca.cert.pem', '-untrusted', 'certs/azure-iot-test-only.intermediate.cert.pem', certPath))
    .toContain(': OK');
  expect(openssl(out, 'x509', '-in', certPath, '-noout', '-subject')).toContain(`CN = ${CODE}`);
  const shownThumbprint = await page.locator('#verification-result .thumbprint code').textContent();
  expect(shownThumbprint).toBe(portalThumbprint(out, certPath));

  // A device signed by the imported intermediate: its full chain runs up to the imported root.
  await page.fill('#ca-devices', 'device-07');
  await page.getByRole('button', { name: 'Sign devices' }).click();
  const { path: zipPath } = await download(page, () => page.locator('#ca-sign-result').getByRole('button', { name: 'Download ZIP' }).click());
  const unpacked = unzip(zipPath);
  const fullChain = readFileSync(join(unpacked, 'certs/device-07-full-chain.cert.pem'), 'utf8');
  expect(fullChain.match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
  expect(openssl(unpacked, 'verify', '-CAfile', join(ca, 'certs/azure-iot-test-only.root.ca.cert.pem'), '-untrusted', 'certs/device-07-full-chain.cert.pem', 'certs/device-07.cert.pem'))
    .toContain(': OK');
  // The device's key opens without a password, is whole, and is the key its certificate names.
  expect(openssl(unpacked, 'pkey', '-in', 'private/device-07.key.pem', '-noout', '-check').trim()).toBe('Key is valid');
  expectKeyOfCertificate(unpacked, 'private/device-07.key.pem', 'certs/device-07.cert.pem');
});

test('Inspect names the broken link of a chain that misses its intermediate', async ({ page }) => {
  const ca = tutorialCa();
  const leafDir = tempDir('studio-leaf-');
  openssl(leafDir, 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'leaf.key', '-subj', '/CN=device-09',
    '-days', '1', '-out', 'self.pem');
  openssl(leafDir, 'req', '-new', '-key', 'leaf.key', '-subj', '/CN=device-09', '-out', 'leaf.csr');
  openssl(ca, 'x509', '-req', '-in', join(leafDir, 'leaf.csr'), '-CA', 'certs/azure-iot-test-only.intermediate.cert.pem',
    '-CAkey', 'private/azure-iot-test-only.intermediate.key.pem', '-passin', 'pass:1234', '-CAcreateserial', '-days', '1', '-out', join(leafDir, 'leaf.pem'));
  const bundle = readFileSync(join(leafDir, 'leaf.pem'), 'utf8') + readFileSync(join(ca, 'certs/azure-iot-test-only.root.ca.cert.pem'), 'utf8');

  await page.goto('/#inspect');
  await page.fill('#inspect-paste', bundle);
  await page.getByRole('button', { name: 'Inspect', exact: true }).click();
  await expect(page.locator('#inspect-result .verdict')).toHaveClass(/bad/);
  await expect(page.locator('#inspect-result .verdict')).toContainText('certificate 1');
  await expect(page.locator('#inspect-result .inspected')).toHaveCount(2);
  await expect(page.locator('#inspect-result')).toContainText('device-09');

  // With the intermediate in place the same check passes.
  const whole = readFileSync(join(leafDir, 'leaf.pem'), 'utf8')
    + readFileSync(join(ca, 'certs/azure-iot-test-only.intermediate.cert.pem'), 'utf8')
    + readFileSync(join(ca, 'certs/azure-iot-test-only.root.ca.cert.pem'), 'utf8');
  await page.fill('#inspect-paste', whole);
  await page.getByRole('button', { name: 'Inspect', exact: true }).click();
  await expect(page.locator('#inspect-result .verdict')).toHaveClass(/ok/);
});

test('the tutorial path: the chain made above verifies with its root, and using it twice lists each CA once', async ({ page }) => {
  await openStudio(page);
  await page.locator('#chain-form').getByLabel('Key type').selectOption('ec-p256');
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByRole('status')).toContainText('Done:');
  const { path: rootPath } = await download(page, () => page.getByRole('button', { name: `Download ${ROOT_CERT}` }).click());

  // The tutorial verifies the root first: it is the CA chosen.
  await openTab(page, 'Bring your own CA');
  await page.getByRole('button', { name: 'Use the chain made on the DPS chain tab' }).click();
  await expect(page.locator('.ca-item')).toHaveText([/Root CA\s*Azure IoT Hub CA Cert Test Only/, /Intermediate CA\s*Azure IoT Hub Intermediate Cert Test Only/]);
  await expect(page.getByRole('radio', { name: /Root CA/ })).toBeChecked();

  await page.fill('#verification-code', CODE);
  await page.getByRole('button', { name: 'Make verification certificate' }).click();
  await expect(page.locator('#verification-result')).toContainText('Signed by "Azure IoT Hub CA Cert Test Only"');
  const { path: certPath } = await download(page, () => page.getByRole('button', { name: 'Download certs/verification-code.cert.pem' }).click());
  const dir = tempDir('studio-tutorial-verification-');
  // The root alone, as the portal holds it: no intermediate to lean on.
  expect(openssl(dir, 'verify', '-CAfile', rootPath, certPath)).toContain(': OK');
  expect(openssl(dir, 'x509', '-in', certPath, '-noout', '-subject')).toContain(`CN = ${CODE}`);

  // Pressed again: the same two CAs, each once, the root still chosen.
  await page.getByRole('button', { name: 'Use the chain made on the DPS chain tab' }).click();
  await expect(page.getByRole('status')).toContainText('already listed');
  await expect(page.locator('.ca-item')).toHaveCount(2);
  await expect(page.getByRole('radio', { name: /Root CA/ })).toBeChecked();
});
