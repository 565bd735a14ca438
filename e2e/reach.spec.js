// The shortest way through (issue 23): the button, the file and the code in
// reach. Generate in view on every generating tab (a sticky action bar, on a
// phone too); after Generate, Download ZIP and step 1 in view, step 1 offering
// the root itself (checked with OpenSSL); a fresh #ca with its code field; the
// Renew tab reading a dropped ZIP at once, without a password and without a
// failure line, and warning when a device would outlive its CA; the lone-leaf
// preflight; every button at least 24 × 24 px; errors that go once fixed;
// password fields hidden with a Show toggle; and the junk-text check itself.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { download, expect, openStudio, openTab, test, watchForJunk } from './fixtures.js';
import { ROOT_CERT, openssl, tempDir, unzip } from './chain-checks.js';

const CODE = '1B1F84DE79B9BD5F16D71E92709917C2A1CA19D5A156CB9F';
const GENERATING = [
  { tab: 'DPS group / IoT Hub chain', button: 'Generate' },
  { tab: 'IoT Edge', button: 'Make IoT Edge certificates' },
  { tab: 'Individual enrollment', button: 'Make enrollment certificates' },
];

async function generateEcChain(page) {
  await page.locator('#chain-form').getByLabel('Key type').selectOption('ec-p256');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(page.getByRole('status')).toContainText('Done:');
}

/** Every visible button (and file input, whose button is a target too) smaller than 24 × 24 px. */
function smallTargets(page) {
  return page.evaluate(() => [...document.querySelectorAll('button, [role="button"], [role="tab"], input[type="file"]')]
    .filter((element) => element.checkVisibility())
    .map((element) => ({ element, box: element.getBoundingClientRect() }))
    .filter(({ box }) => box.width < 24 || box.height < 24)
    .map(({ element, box }) => `${element.getAttribute('aria-label') ?? element.id ?? ''} "${element.textContent.trim()}" ${Math.round(box.width)}×${Math.round(box.height)}`));
}

test('at 1280×800 Generate is in view on every generating tab; after Generate, Download ZIP and step 1 are, and step 1 downloads the root', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/#chain');
  await expect(page.getByRole('status')).toContainText('Ready.');
  for (const { tab, button } of GENERATING) {
    await openTab(page, tab);
    await expect(page.getByRole('button', { name: button, exact: true })).toBeInViewport({ ratio: 1 });
  }
  await openTab(page, 'DPS group / IoT Hub chain');
  await generateEcChain(page);

  await expect(page.getByRole('button', { name: 'Download ZIP' })).toBeInViewport({ ratio: 1 });
  const first = page.locator('#next-steps .next-steps > li').first();
  await expect(first).toContainText('Upload the root CA certificate');
  const rootDownload = first.getByRole('button', { name: `Download the file of step 1, ${ROOT_CERT}` });
  await expect(rootDownload).toBeInViewport({ ratio: 1 });
  // Beside the thumbprint it names.
  await expect(first.locator('.step-file')).toContainText(await page.locator('#chain-view .node-root .thumb-value').first().textContent());

  // Every step naming a file offers it.
  const named = page.locator('#next-steps .step-file');
  await expect(named.getByRole('button', { name: /^Download the file of step/ })).toHaveCount(await named.count());

  const { name, path } = await download(page, () => rootDownload.click());
  expect(name).toBe('azure-iot-test-only.root.ca.cert.pem');
  const dir = tempDir('studio-step-');
  const subject = openssl(dir, 'x509', '-in', path, '-noout', '-subject').trim().replace(/^subject=/, '');
  const issuer = openssl(dir, 'x509', '-in', path, '-noout', '-issuer').trim().replace(/^issuer=/, '');
  expect(subject).toBe(issuer);
  expect(subject).toContain('Azure IoT Hub CA Cert Test Only');
  // The same bytes as the ZIP's root.
  const zip = unzip((await download(page, () => page.getByRole('button', { name: 'Download ZIP' }).click())).path);
  expect(readFileSync(path, 'utf8')).toBe(readFileSync(join(zip, ROOT_CERT), 'utf8'));
});

test('on a phone the action bar sticks to the bottom of the screen while the form scrolls', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 812 });
  await page.goto('/#chain');
  await expect(page.getByRole('status')).toContainText('Ready.');
  for (const { tab, button } of GENERATING) {
    await openTab(page, tab);
    const generate = page.getByRole('button', { name: button, exact: true });
    await expect(generate).toBeInViewport({ ratio: 1 });
    await page.mouse.wheel(0, 600);
    await expect(generate).toBeInViewport({ ratio: 1 });
    const bar = await generate.evaluate((button) => {
      const actions = button.closest('.actions');
      return { position: getComputedStyle(actions).position, bottom: Math.round(window.innerHeight - actions.getBoundingClientRect().bottom) };
    });
    expect(bar.position).toBe('sticky');
    // Stuck to the bottom edge while the form goes on below.
    expect(bar.bottom).toBe(0);
    await page.evaluate(() => window.scrollTo(0, 0));
  }
});

test('#ca shows the code field at once; without a CA it says what to import; with a chain made its root is chosen as the tab opens', async ({ page }) => {
  await page.goto('/#ca');
  await expect(page.getByRole('status')).toContainText('Ready. Import the CA');
  await expect(page.getByLabel('Verification code from the portal')).toBeVisible();
  await expect(page.locator('#verification-needs-ca')).toContainText('First import the CA whose code this is');
  await page.fill('#verification-code', CODE);
  await page.getByRole('button', { name: 'Make verification certificate' }).click();
  await expect(page.locator('#ca-list-anchor-error')).toContainText('Import a CA first');

  await openTab(page, 'DPS group / IoT Hub chain');
  await generateEcChain(page);
  await openTab(page, 'Bring your own CA');
  // No press: the chain made is imported, its root chosen.
  await expect(page.getByRole('radio', { name: /Root CA/ })).toBeChecked();
  await expect(page.locator('#verification-needs-ca')).toBeHidden();
  await expect(page.locator('#verification-code')).toHaveValue(CODE);
  await page.getByRole('button', { name: 'Make verification certificate' }).click();
  await expect(page.locator('#verification-result')).toContainText(`for the code ${CODE}`);
  // A 48-digit code has no warning, and nothing stands in its place.
  await expect(page.locator('#verification-result .warning')).toHaveCount(0);
  await expect(page.locator('#verification-result > p').first()).toContainText('Signed by');
  await expect(page.locator('#verification-result')).not.toContainText('null');
  // Step 1 of its next steps offers the verification certificate.
  const { path } = await download(page, () => page.locator('#verification-result').getByRole('button', { name: /^Download the file of step 1/ }).click());
  expect(openssl(tempDir('studio-code-'), 'x509', '-in', path, '-noout', '-subject')).toContain(`CN = ${CODE}`);
  // A shorter code is made with its warning.
  await page.fill('#verification-code', CODE.slice(0, 40));
  await page.getByRole('button', { name: 'Make verification certificate' }).click();
  await expect(page.locator('#verification-result .warning')).toHaveCount(1);
});

test('every visible button is at least 24×24 px on every tab, results included', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openStudio(page);
  await generateEcChain(page);
  expect(await smallTargets(page), 'DPS chain tab').toEqual([]);
  for (const tab of ['IoT Edge', 'Individual enrollment', 'Bring your own CA', 'Renew and roll over', 'Inspect']) {
    await openTab(page, tab);
    if (tab === 'Bring your own CA') {
      await expect(page.locator('.ca-item')).toHaveCount(2);
      await page.fill('#verification-code', CODE);
      await page.getByRole('button', { name: 'Make verification certificate' }).click();
      await expect(page.locator('#verification-result')).toContainText('Signed by');
    }
    expect(await smallTargets(page), tab).toEqual([]);
  }
});

test('Renew: a studio ZIP lists device-01 at once with no password and no failure line; dropped files too; a device outliving its CA is warned of', async ({ page }) => {
  await openStudio(page);
  await generateEcChain(page);
  const { path: zipPath } = await download(page, () => page.getByRole('button', { name: 'Download ZIP' }).click());
  await openTab(page, 'Renew and roll over');
  // The status line speaks of this tab.
  await expect(page.getByRole('status')).toContainText('Drop a studio ZIP');
  await expect(page.getByRole('status')).not.toContainText('Generate');

  const started = Date.now();
  await page.setInputFiles('#renew-files', zipPath);
  const device = page.locator('#renew-expiry tbody tr', { hasText: 'device-01' });
  await expect(device).toBeVisible({ timeout: 5000 });
  expect(Date.now() - started).toBeLessThan(5000);
  await expect(device.locator('td').nth(4)).toHaveText(/^(29|30)$/);
  await expect(page.getByRole('status')).toContainText('4 certificate(s) read');
  // No failure anywhere: the CA keys only wait for their password.
  await expect(page.locator('#status-text')).not.toHaveClass(/failed/);
  await expect(page.locator('#errors li')).toHaveCount(0);
  await expect(page.locator('#renew-password-hint')).toContainText('enter their password to renew');

  // Renewing without it says so at the password field.
  await page.getByRole('checkbox', { name: 'Renew device-01' }).check();
  await page.getByRole('button', { name: 'Renew the chosen devices' }).click();
  await expect(page.locator('#renew-password-error')).toContainText('Enter the password of the CA keys');

  // Dropped on the panel: shown while dragged over, read when dropped.
  const bytes = [...readFileSync(zipPath)];
  const transfer = await page.evaluateHandle((data) => {
    const files = new DataTransfer();
    files.items.add(new File([new Uint8Array(data)], 'dropped.zip', { type: 'application/zip' }));
    return files;
  }, bytes);
  await page.dispatchEvent('#renew-panel h3', 'dragenter', { dataTransfer: transfer });
  await expect(page.locator('#renew-panel')).toHaveClass(/dragging/);
  await page.dispatchEvent('#renew-panel h3', 'drop', { dataTransfer: transfer });
  await expect(page.locator('#renew-panel')).not.toHaveClass(/dragging/);
  await expect(page.locator('#renew-expiry tbody tr', { hasText: 'device-01' })).toContainText('dropped.zip');

  // With the password: the CAs sign; 400 days would outlive the 30-day intermediate, and the page says so first.
  await page.fill('#renew-password', '1234');
  await expect(page.locator('#renew-ca option').first()).toContainText('Azure IoT Hub Intermediate Cert Test Only');
  await page.fill('#renew-days', '400');
  await expect(page.locator('#renew-days-warning')).toContainText('after "Azure IoT Hub Intermediate Cert Test Only" ends on');
  await page.fill('#renew-days', '20');
  await expect(page.locator('#renew-days-warning')).toBeHidden();
  await page.fill('#renew-days', '400');
  await page.getByRole('checkbox', { name: 'Renew device-01' }).check();
  await page.getByRole('button', { name: 'Renew the chosen devices' }).click();
  await expect(page.locator('#renew-result table.renewed')).toContainText('device-01');
  await expect(page.locator('#renew-result .warning')).toContainText('no longer verify');
  const renewed = unzip((await download(page, () => page.getByRole('button', { name: 'Download renewed-devices.zip' }).click())).path);
  const old = unzip(zipPath);
  const end = (dir, cert) => Date.parse(openssl(dir, 'x509', '-in', cert, '-noout', '-enddate').trim().replace(/^notAfter=/, ''));
  // What the warning says, by OpenSSL's dates.
  expect(end(renewed, 'certs/device-01.cert.pem')).toBeGreaterThan(end(old, 'certs/azure-iot-test-only.intermediate.cert.pem'));
});

test('Inspect: a lone leaf explains DPS 401002; a bad file keeps the last result; a new result scrolls into view', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openStudio(page);
  await generateEcChain(page);
  const dir = unzip((await download(page, () => page.getByRole('button', { name: 'Download ZIP' }).click())).path);
  await openTab(page, 'Inspect');
  await page.setInputFiles('#inspect-files', join(dir, 'certs/device-01.cert.pem'));
  await page.getByRole('button', { name: 'Inspect', exact: true }).click();
  // The core's preflight explains it, on the chain rule.
  const note = page.locator('#inspect-result [data-rule="chain-to-uploaded-ca"]');
  await expect(note).toContainText('401002 "CA certificate not found."');
  await expect(note).toContainText('unless the CA uploaded to Azure is its direct issuer');
  await expect(note).toContainText('Azure IoT Hub Intermediate Cert Test Only');
  // Scrolled to: its top just under the sticky status line.
  await expect.poll(async () => (await page.locator('#inspect-result').boundingBox()).y).toBeLessThan(150);
  expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(100);

  // A file that is no certificate: its error at the field, the last result kept.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.setInputFiles('#inspect-files', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a certificate') });
  await page.getByRole('button', { name: 'Inspect', exact: true }).click();
  await expect(page.locator('#status-text')).toContainText('The result below is still the one before.');
  await expect(note).toBeVisible();

  // With the uploaded CA its direct issuer, the chain rule passes.
  await page.setInputFiles('#inspect-files', join(dir, 'certs/device-01.cert.pem'));
  await page.setInputFiles('#inspect-uploaded-ca', join(dir, 'certs/azure-iot-test-only.intermediate.cert.pem'));
  await page.getByRole('button', { name: 'Inspect', exact: true }).click();
  await expect(note).toHaveClass(/passed/);
  await expect(note).not.toContainText('unless the CA uploaded to Azure is its direct issuer');
});

test('a field\'s error goes as soon as its value is valid, without pressing Generate again', async ({ page }) => {
  await openStudio(page);
  await page.fill('#validity-days', '0');
  await page.fill('#devices', 'device 01');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(page.locator('#validity-days-error')).toBeVisible();
  await expect(page.locator('#devices-error')).toContainText('device 01');
  await page.fill('#devices', 'device-01');
  await expect(page.locator('#devices-error')).toBeHidden();
  await expect(page.locator('#devices')).not.toHaveAttribute('aria-invalid', 'true');
  // The other, still wrong, stays.
  await expect(page.locator('#validity-days-error')).toBeVisible();
  await page.fill('#validity-days', '30');
  await expect(page.locator('#validity-days-error')).toBeHidden();
});

test('every password field is hidden, with a Show toggle that says whether it is pressed', async ({ page }) => {
  await openStudio(page);
  const fields = await page.locator('input[type="password"]').evaluateAll((inputs) => inputs.map((input) => input.id));
  expect(fields.sort()).toEqual([
    'adr-root-ca-key-password', 'adr-sign-password', 'aio-ca-key-password', 'ca-key-password', 'ca-password', 'edge-ca-key-password', 'eg-ca-key-password',
    'inspect-password', 'pfx-password', 'renew-password', 'rollover-password',
  ]);
  for (const id of fields) {
    await expect(page.locator(`button.password-toggle[aria-controls="${id}"]`)).toHaveCount(1);
  }
  const password = page.locator('#chain-form').getByLabel('CA key password');
  const toggle = page.locator('button[aria-controls="ca-key-password"]');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(password).toHaveAttribute('type', 'text');
  await expect(password).toHaveValue('1234');
  await toggle.press('Enter');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expect(password).toHaveAttribute('type', 'password');
});

test('the junk check sees a null, undefined, NaN or [object Object] the page shows, even on a hidden tab', async ({ browser, baseURL }) => {
  const page = await browser.newPage({ baseURL });
  const junk = await watchForJunk(page);
  await openStudio(page);
  expect(await junk()).toEqual([]);
  await page.evaluate(() => {
    document.getElementById('verification-result').append('null');
    document.querySelector('.lede').append(' [object Object]');
    document.getElementById('status-text').textContent = 'Done in NaN s.';
  });
  const found = await junk();
  expect(found.some((line) => line.includes('null'))).toBe(true);
  expect(found.some((line) => line.startsWith('on screen') && line.includes('[object Object]'))).toBe(true);
  expect(found.some((line) => line.includes('NaN'))).toBe(true);
  // Words in code listings are the files' own: `NULL` in C, `null` in a snippet.
  await page.evaluate(() => document.getElementById('snippets-view').append(Object.assign(document.createElement('pre'), { textContent: 'x = null;' })));
  expect((await junk()).filter((line) => line.includes('x = null'))).toEqual([]);
  await page.close();
});
