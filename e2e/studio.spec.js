// The studio end to end, in Debian's Chromium: the form, the worker pool,
// the downloads, and the files checked with OpenSSL.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { download, expect, openStudio, test } from './fixtures.js';
import { checkTutorialChain, openssl, ROOT_CERT, tempDir, unzip } from './chain-checks.js';

async function generate(page) {
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByRole('status')).toContainText('Done:');
}

async function downloadZip(page) {
  const zip = await download(page, () => page.getByRole('button', { name: 'Download ZIP' }).click());
  expect(zip.name).toBe('azure-iot-certs.zip');
  return unzip(zip.path);
}

async function makeEcChain(page) {
  await openStudio(page);
  await page.locator('#chain-form').getByLabel('Key type').selectOption('ec-p256');
  await generate(page);
}

test('the default tutorial chain downloads as a ZIP that OpenSSL verifies', async ({ page }) => {
  await openStudio(page);
  await expect(page.locator('#chain-form').getByLabel('Key type')).toHaveValue('rsa-4096');
  await expect(page.getByLabel('Root CA common name')).toHaveValue('Azure IoT Hub CA Cert Test Only');
  await expect(page.getByLabel('Intermediates')).toHaveValue('1');
  await expect(page.getByLabel('Intermediate CA common name')).toHaveValue('Azure IoT Hub Intermediate Cert Test Only');
  await expect(page.getByLabel('Device registration IDs')).toHaveValue('device-01\ndevice-02');
  await expect(page.locator('#chain-form').getByLabel('Validity (days)')).toHaveValue('30');
  await expect(page.locator('#chain-form').getByLabel('CA key password')).toHaveValue('1234');
  await expect(page.getByLabel('Device key format')).toHaveValue('pkcs8');

  // Every line the status shows, to see the determinate key progress.
  await page.evaluate(() => {
    window.statusLines = [];
    const line = document.getElementById('status-text');
    new MutationObserver(() => window.statusLines.push(line.textContent)).observe(line, { childList: true, characterData: true, subtree: true });
  });
  await generate(page);
  const lines = await page.evaluate(() => window.statusLines);
  for (let done = 0; done <= 4; done++) expect(lines).toContain(`Making keys: ${done} of 4`);

  const chain = page.locator('#chain-view');
  await expect(chain.locator('.node')).toHaveCount(4);
  await expect(chain.locator('.node-root')).toContainText('Azure IoT Hub CA Cert Test Only');
  await expect(chain.locator('.node-intermediate')).toContainText('Azure IoT Hub Intermediate Cert Test Only');
  await expect(chain.locator('.node-device')).toHaveText([/device-01/, /device-02/]);
  for (const node of await chain.locator('.node').all()) {
    await expect(node).toContainText('RSA 4096');
    await expect(node).toContainText(/expires \d{4}-\d\d-\d\d/);
  }

  const dir = await downloadZip(page);
  checkTutorialChain(dir, { intermediates: 1, devices: ['device-01', 'device-02'] });
  expect(openssl(dir, 'x509', '-in', ROOT_CERT, '-noout', '-text')).toContain('Public-Key: (4096 bit)');
});

test('a bad registration ID is shown next to the devices field, keeping the input and the last result', async ({ page }) => {
  await makeEcChain(page);
  const devices = page.getByLabel('Device registration IDs');
  const error = page.locator('#devices-error');

  for (const [typed, message] of [
    ['device-01\nbad device', 'Registration ID "bad device" contains a space'],
    [`device-01\n${'d'.repeat(65)}`, 'is 65 characters long'],
  ]) {
    await devices.fill(typed);
    await page.getByRole('button', { name: 'Generate' }).click();
    await expect(error).toBeVisible();
    await expect(error).toContainText(message);
    await expect(devices).toHaveAttribute('aria-invalid', 'true');
    await expect(devices).toHaveAttribute('aria-describedby', /devices-error/);
    await expect(devices).toBeFocused();
    await expect(devices).toHaveValue(typed);
    // The chain made before is still shown.
    await expect(page.locator('#chain-view .node-device')).toHaveText([/device-01/, /device-02/]);
    await expect(page.getByRole('button', { name: 'Download ZIP' })).toBeVisible();
  }

  // Fixing the input clears the message.
  await devices.fill('device-03');
  await generate(page);
  await expect(error).toBeHidden();
  await expect(devices).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#chain-view .node-device')).toHaveText([/device-03/]);

  // Other fields get their own messages the same way.
  await page.locator('#chain-form').getByLabel('Validity (days)').fill('0');
  await page.getByLabel('Root CA common name').fill('');
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.locator('#root-cn-error')).toContainText('The root CA name is empty');
  await expect(page.getByLabel('Root CA common name')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Root CA common name').fill('My test root');
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.locator('#validity-days-error')).toContainText('Validity must be a whole number of days from 1 to 36500.');
  await expect(page.locator('#root-cn-error')).toBeHidden();
  await expect(page.locator('#chain-form').getByLabel('Validity (days)')).toHaveValue('0');
});

test('a file download button downloads that file', async ({ page }) => {
  await makeEcChain(page);
  const dir = await downloadZip(page);
  for (const path of ['certs/device-01.cert.pem', 'private/device-02.key.pem', 'snippets/device-01.ProvisioningX509Sample.java']) {
    const file = await download(page, () => page.getByRole('button', { name: `Download ${path}`, exact: true }).click());
    expect(file.name).toBe(path.split('/').at(-1));
    expect(readFileSync(file.path)).toEqual(readFileSync(join(dir, path)));
  }
  const cert = await download(page, () => page.getByRole('button', { name: 'Download certs/device-01.cert.pem', exact: true }).click());
  expect(openssl(dir, 'verify', '-CAfile', ROOT_CERT, '-untrusted', 'certs/azure-iot-test-only.intermediate.cert.pem', cert.path).trim())
    .toBe(`${cert.path}: OK`);
});

test.describe('with clipboard access', () => {
  test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

  test('the copy buttons put the snippets on the clipboard', async ({ page }) => {
    await makeEcChain(page);
    const dir = await downloadZip(page);
    const clipboard = () => page.evaluate(() => navigator.clipboard.readText());

    await page.getByRole('button', { name: 'Copy C snippet for device-01' }).click();
    await expect(page.getByRole('status')).toContainText('Copied the C snippet for device-01.');
    expect(await clipboard()).toBe(readFileSync(join(dir, 'snippets/device-01.custom_hsm_example.c'), 'utf8'));

    await page.getByLabel('Device', { exact: true }).selectOption({ label: 'device-02' });
    await page.getByRole('tab', { name: /Java/ }).click();
    await page.getByRole('button', { name: 'Copy Java snippet for device-02' }).click();
    await expect(page.getByRole('status')).toContainText('Copied the Java snippet for device-02.');
    expect(await clipboard()).toBe(readFileSync(join(dir, 'snippets/device-02.ProvisioningX509Sample.java'), 'utf8'));
  });
});

test('an EC P-256 chain with three intermediates verifies', async ({ page }) => {
  await openStudio(page);
  await page.locator('#chain-form').getByLabel('Key type').selectOption('ec-p256');
  await page.getByLabel('Intermediates').selectOption('3');
  await page.getByLabel('Device registration IDs').fill('sensor-a\nsensor-b\nsensor-c');
  await generate(page);

  await expect(page.locator('#chain-view .node-intermediate')).toHaveText([
    /Azure IoT Hub Intermediate Cert Test Only 1/,
    /Azure IoT Hub Intermediate Cert Test Only 2/,
    /Azure IoT Hub Intermediate Cert Test Only 3/,
  ]);
  const dir = await downloadZip(page);
  const devices = ['sensor-a', 'sensor-b', 'sensor-c'];
  checkTutorialChain(dir, { intermediates: 3, devices });
  expect(openssl(dir, 'x509', '-in', 'certs/azure-iot-test-only.intermediate-2.cert.pem', '-noout', '-subject', '-issuer'))
    .toBe('subject=CN = Azure IoT Hub Intermediate Cert Test Only 2\nissuer=CN = Azure IoT Hub Intermediate Cert Test Only 1\n');
  expect(openssl(dir, 'x509', '-in', ROOT_CERT, '-noout', '-text')).toContain('NIST CURVE: P-256');
});

test('Cancel stops key generation, keeps the last result, and the pool still works', async ({ page }) => {
  await makeEcChain(page);
  await page.locator('#chain-form').getByLabel('Key type').selectOption('rsa-4096');
  await page.getByLabel('Device registration IDs').fill('device-09');
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByRole('status')).toContainText('Making keys: 0 of 3');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('status')).toContainText('Cancelled.');
  await expect(page.getByRole('button', { name: 'Cancel' })).toBeHidden();
  await expect(page.locator('#chain-view .node-device')).toHaveText([/device-01/, /device-02/]);

  await page.locator('#chain-form').getByLabel('Key type').selectOption('ec-p384');
  await generate(page);
  await expect(page.locator('#chain-view .node-device')).toHaveText([/device-09/]);
  await expect(page.locator('#chain-view .node-root')).toContainText('ECDSA P-384');
});

test('the default flow works with the keyboard alone', async ({ page }) => {
  await openStudio(page);
  const focused = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent);
  const tabTo = async (target) => {
    for (let i = 0; i < 40 && (await focused()) !== target; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe(target);
  };
  await tabTo('key-algorithm');
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('#chain-form').getByLabel('Key type')).toHaveValue('ec-p256');
  await tabTo('generate');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status')).toContainText('Done:');

  await tabTo('download-zip');
  const [zip] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  const path = join(tempDir('studio-download-'), zip.suggestedFilename());
  await zip.saveAs(path);
  checkTutorialChain(unzip(path), { intermediates: 1, devices: ['device-01', 'device-02'] });
});

test('a P-384 chain without intermediates, unencrypted CA key and traditional device keys verifies', async ({ page }) => {
  await openStudio(page);
  await page.locator('#chain-form').getByLabel('Key type').selectOption('ec-p384');
  await page.getByLabel('Intermediates').selectOption('0');
  await expect(page.getByLabel('Intermediate CA common name')).toBeDisabled();
  await page.locator('#chain-form').getByLabel('CA key password').fill('');
  await page.getByLabel('Device key format').selectOption('traditional');
  await generate(page);

  await expect(page.locator('#chain-view .node')).toHaveCount(3);
  await expect(page.locator('#chain-view .node-intermediate')).toHaveCount(0);
  const dir = await downloadZip(page);
  checkTutorialChain(dir, { intermediates: 0, devices: ['device-01', 'device-02'], password: '' });
  expect(readFileSync(join(dir, 'private/device-01.key.pem'), 'utf8')).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
  expect(openssl(dir, 'x509', '-in', ROOT_CERT, '-noout', '-text')).toContain('NIST CURVE: P-384');
});
