// Batches (issue 5): hundreds of devices from a range or a list file, issued
// in chunks over the pool and streamed into one ZIP; Cancel keeps what is
// done; a bad list is refused before anything starts, naming line and ID.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { download, expect, expectNothingStarted, openStudio, recordStatus, test } from './fixtures.js';
import { CHAIN_CA, expectCsrVerifies, expectKeyOfCertificate, openssl, portalThumbprint, ROOT_CERT, tempDir, unzip } from './chain-checks.js';

async function downloadZip(page) {
  const zip = await download(page, () => page.getByRole('button', { name: 'Download ZIP' }).click());
  expect(zip.name).toBe('azure-iot-certs.zip');
  return unzip(zip.path);
}

/** devices.csv as rows of { registrationId, thumbprintSha1, … }. */
function devicesCsv(dir) {
  const [header, ...rows] = readFileSync(join(dir, 'devices.csv'), 'utf8').trim().split('\r\n');
  const names = header.split(',');
  return rows.map((row) => Object.fromEntries(row.split(',').map((value, i) => [names[i], value])));
}

test('a 200-device P-256 batch from a range streams into one ZIP of 200 verified chains', async ({ page }) => {
  await openStudio(page);
  await page.locator('#chain-form').getByLabel('Key type').selectOption('ec-p256');
  await page.getByLabel('Device registration IDs').fill('device-{001..200}');
  const statusLines = await recordStatus(page);
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByRole('status')).toContainText('Done: a batch of 200 devices.');
  const lines = (await statusLines()).map((line) => line.text);
  expect(lines.some((line) => /^Devices: \d+ of 200 · about \d+ s left$/.test(line)), lines.join('\n')).toBe(true);
  await expect(page.locator('#batch-summary')).toContainText('200 device certificates are in the ZIP');
  // The CA is drawn; the 200 devices are summed up, not drawn.
  await expect(page.locator('#chain-view .node')).toHaveCount(2);

  const dir = await downloadZip(page);
  const ids = Array.from({ length: 200 }, (_, i) => `device-${String(i + 1).padStart(3, '0')}`);
  const certificates = readdirSync(join(dir, 'certs')).filter((name) => /^device-\d{3}\.cert\.pem$/.test(name)).sort();
  expect(certificates).toEqual(ids.map((id) => `${id}.cert.pem`));
  // One openssl run verifies all 200 device certificates against the root.
  const verified = openssl(dir, 'verify', '-CAfile', ROOT_CERT, '-untrusted', CHAIN_CA, ...ids.map((id) => `certs/${id}.cert.pem`));
  expect(verified.trim().split('\n')).toEqual(ids.map((id) => `certs/${id}.cert.pem: OK`));

  // Spot checks: the full chain as the device presents it, key ↔ certificate, CSR, PFX.
  for (const id of ['device-001', 'device-117', 'device-200']) {
    const full = `certs/${id}-full-chain.cert.pem`;
    expect(openssl(dir, 'verify', '-CAfile', ROOT_CERT, '-untrusted', full, full).trim()).toBe(`${full}: OK`);
    expectKeyOfCertificate(dir, `private/${id}.key.pem`, `certs/${id}.cert.pem`);
    expectCsrVerifies(dir, `csr/${id}.csr.pem`);
    expect(openssl(dir, 'pkcs12', '-in', `certs/${id}-full-chain.cert.pfx`, '-passin', 'pass:1234', '-nokeys')).toContain(`subject=CN = ${id}`);
    expect(readFileSync(join(dir, `snippets/${id}.custom_hsm_example.c`), 'utf8')).toContain(`"${id}"`);
  }
  // devices.csv: every device in list order, thumbprints as openssl computes them.
  const rows = devicesCsv(dir);
  expect(rows.map((row) => row.registrationId)).toEqual(ids);
  for (const index of [0, 99, 199]) {
    expect(rows[index].thumbprintSha1).toBe(portalThumbprint(dir, `certs/${ids[index]}.cert.pem`));
  }
  const readme = readFileSync(join(dir, 'README.txt'), 'utf8');
  expect(readme).toContain('root → 1 intermediate(s) → 200 device(s)');
  expect(readme).toContain('certs/device-001-full-chain.cert.pem');
  // It ends with the next steps the page shows: upload the root (with its SHA-1) and verify it.
  const steps = readme.slice(readme.indexOf('NEXT STEPS IN THE AZURE PORTAL'));
  expect(steps).toContain(`File: ${ROOT_CERT}  (SHA-1 ${portalThumbprint(dir, ROOT_CERT)})`);
  expect(steps).toMatch(/Verify it \(proof of possession\)/);
  expect(steps).toContain('az iot dps enrollment-group create');
});

test('an RSA-2048 batch just over the threshold gets its device keys from WebCrypto, and every chain verifies', async ({ page }) => {
  await openStudio(page);
  await page.locator('#chain-form').getByLabel('Key type').selectOption('rsa-2048');
  await page.getByLabel('Device registration IDs').fill('rsa-{01..21}');
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByRole('status')).toContainText('Done: a batch of 21 devices.');
  await expect(page.locator('#batch-summary')).toContainText('Device keys made by WebCrypto.');

  const dir = await downloadZip(page);
  const ids = Array.from({ length: 21 }, (_, i) => `rsa-${String(i + 1).padStart(2, '0')}`);
  const verified = openssl(dir, 'verify', '-CAfile', ROOT_CERT, '-untrusted', CHAIN_CA, ...ids.map((id) => `certs/${id}.cert.pem`));
  expect(verified.trim().split('\n')).toEqual(ids.map((id) => `certs/${id}.cert.pem: OK`));
  expect(openssl(dir, 'x509', '-in', 'certs/rsa-21.cert.pem', '-noout', '-text')).toContain('Public-Key: (2048 bit)');
  // The CA key is encrypted under the CA key password (stretched by the browser's PBKDF2).
  expectKeyOfCertificate(dir, 'private/azure-iot-test-only.intermediate.key.pem', 'certs/azure-iot-test-only.intermediate.cert.pem', '1234');
});

test('Cancel during a 2,000-device batch stops it within a second, with no progress and no device after it, and offers the ZIP of what was made', async ({ page }) => {
  await openStudio(page);
  // RSA-2048 (WebCrypto keys): minutes of work, so Cancel surely lands mid-batch.
  await page.locator('#chain-form').getByLabel('Key type').selectOption('rsa-2048');
  await page.getByLabel('Device registration IDs').fill('sensor-{0001..2000}');
  const statusLines = await recordStatus(page);
  // Cancel is timed by the page's clock: a capturing listener sees the click before the studio's handler does.
  await page.evaluate(() => window.addEventListener('click', (event) => {
    if (event.target.id === 'cancel') window.cancelledAt ??= performance.now();
  }, { capture: true }));
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByRole('status')).toContainText(/Devices: [1-9][\d,]* of 2,000/);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('status')).toContainText(/Cancelled after [\d,]+ of 2,000 devices/);
  const cancelledAt = await page.evaluate(() => window.cancelledAt);
  const lines = await statusLines();
  const before = lines.filter((line) => line.at < cancelledAt);
  const after = lines.filter((line) => line.at >= cancelledAt);
  const timeline = lines.map((line) => `${Math.round(line.at - cancelledAt)} ms: ${line.text}`).join('\n');
  // After Cancel the status line says one thing: what was kept, within a second.
  expect(after.map((line) => line.text), timeline)
    .toEqual([expect.stringMatching(/^Cancelled after [\d,]+ of 2,000 devices/)]);
  expect(after[0].at - cancelledAt, 'stopped within a second of the click').toBeLessThan(1000);
  const count = (text, pattern) => Number(text.match(pattern)[1].replaceAll(',', ''));
  const made = count(after[0].text, /Cancelled after ([\d,]+) of/);
  // No device was added after Cancel: the ZIP keeps as many as the last progress before it showed.
  const lastProgress = before.findLast((line) => line.text.startsWith('Devices:'));
  expect(made, lastProgress.text).toBe(count(lastProgress.text, /^Devices: ([\d,]+) of/));
  expect(made).toBeGreaterThan(0);
  expect(made).toBeLessThan(2000);
  await expect(page.locator('#batch-summary')).toContainText(`Cancelled after ${made.toLocaleString('en')} of 2,000 devices`);

  const dir = await downloadZip(page);
  const rows = devicesCsv(dir);
  expect(rows).toHaveLength(made);
  const certificates = readdirSync(join(dir, 'certs')).filter((name) => /^sensor-\d{4}\.cert\.pem$/.test(name));
  expect(certificates).toHaveLength(made);
  const last = `certs/${rows.at(-1).registrationId}.cert.pem`;
  expect(openssl(dir, 'verify', '-CAfile', ROOT_CERT, '-untrusted', CHAIN_CA, last).trim()).toBe(`${last}: OK`);
  expect(readFileSync(join(dir, 'README.txt'), 'utf8')).toContain(`Cancelled after ${made} of 2000 devices`);
});

test('a list file with one bad ID is refused before anything starts, naming the ID and its line', async ({ page }) => {
  await openStudio(page);
  const list = join(tempDir('studio-list-'), 'devices.csv');
  const lines = ['registrationId,site', ...Array.from({ length: 300 }, (_, i) => `meter-${i + 1},plant-a`)];
  lines[42] = 'meter 42,plant-a';
  writeFileSync(list, lines.join('\n'));
  await page.getByLabel('Or load a list file into the field').setInputFiles(list);
  await expect(page.getByLabel('Device registration IDs')).toHaveValue(lines.join('\n'));

  const statusLines = await recordStatus(page);
  await page.getByRole('button', { name: 'Generate' }).click();
  const error = page.locator('#devices-error');
  await expect(error).toBeVisible();
  await expect(error).toContainText('The device list has a problem; nothing was made.');
  await expect(error).toContainText('Line 43: Registration ID "meter 42" contains a space');
  await expect(page.getByRole('status')).toContainText('Not generated');
  // Nothing started: not even the first key.
  expectNothingStarted(await statusLines());
});
