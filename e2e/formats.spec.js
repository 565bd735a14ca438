// Formats and samples on the page (issue 4): both PFX profiles opened by
// OpenSSL, every snippet's copy button, the sample settings filled in, the
// IoT Edge panel (with its 2038 refusal) and the individual enrollment panel
// with its thumbprints, all checked against the downloaded files.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { download, expect, expectNothingStarted, openStudio, openTab, recordStatus, test } from './fixtures.js';
import { expectKeyOfCertificate, openssl, portalThumbprint, ROOT_CERT, tempDir, unzip } from './chain-checks.js';

async function waitDone(page) {
  await expect(page.getByRole('status')).toContainText('Done:');
}

async function downloadZip(page, name) {
  const zip = await download(page, () => page.getByRole('button', { name: 'Download ZIP' }).click());
  expect(zip.name).toBe(name);
  return unzip(zip.path);
}

/** `openssl pkcs12 -info` writes the bag and MAC details to stderr and the PEMs to stdout: both, for the checks. */
function pkcs12Info(path, password, ...flags) {
  const result = spawnSync('openssl', ['pkcs12', ...flags, '-info', '-nodes', '-in', path, '-passin', `pass:${password}`],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: result.status, details: result.stderr, pems: result.stdout };
}

function certificateCount(pems) {
  return (pems.match(/-----BEGIN CERTIFICATE-----/g) ?? []).length;
}

async function makeDevice(page, { pfxProfile, pfxPassword } = {}) {
  await page.locator('#chain-form').getByLabel('Key type').selectOption('ec-p256');
  await page.getByLabel('Device registration IDs').fill('device-01');
  if (pfxProfile) await page.getByLabel('PFX profile').selectOption(pfxProfile);
  if (pfxPassword !== undefined) await page.getByLabel('PFX password').fill(pfxPassword);
  await page.getByRole('button', { name: 'Generate' }).click();
  await waitDone(page);
}

test('the legacy PFX opens with openssl pkcs12 -legacy, the modern one without, each with the key and 3 certificates', async ({ page }) => {
  await openStudio(page);
  await expect(page.getByLabel('PFX profile')).toHaveValue('modern');
  await expect(page.getByLabel('PFX password')).toHaveValue('1234');

  await makeDevice(page, { pfxProfile: 'legacy' });
  const pfx = 'certs/device-01-full-chain.cert.pfx';
  const legacy = await download(page, () => page.getByRole('button', { name: `Download ${pfx}`, exact: true }).click());
  expect(legacy.name).toBe('device-01-full-chain.cert.pfx');
  const opened = pkcs12Info(legacy.path, '1234', '-legacy');
  expect(opened.status, opened.details).toBe(0);
  expect(opened.details).toContain('MAC: sha1');
  expect(opened.details).toContain('Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC');
  expect(opened.pems).toContain('-----BEGIN PRIVATE KEY-----');
  expect(certificateCount(opened.pems)).toBe(3);
  expect(opened.pems).toContain('friendlyName: device-01');

  // The modern profile, with a password of the user's own.
  await makeDevice(page, { pfxProfile: 'modern', pfxPassword: 'pfx-secret' });
  const dir = await downloadZip(page, 'azure-iot-certs.zip');
  const modern = await download(page, () => page.getByRole('button', { name: `Download ${pfx}`, exact: true }).click());
  expect(readFileSync(modern.path)).toEqual(readFileSync(join(dir, pfx)));
  const read = pkcs12Info(modern.path, 'pfx-secret');
  expect(read.status, read.details).toBe(0);
  expect(read.details).toContain('MAC: sha256');
  expect(read.details).toContain('Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC');
  expect(read.pems).toContain('-----BEGIN PRIVATE KEY-----');
  expect(certificateCount(read.pems)).toBe(3);
  expect(pkcs12Info(modern.path, '1234').status).not.toBe(0);
  // The key in the PFX is the device's key: OpenSSL takes it out of the PFX, and its public key is the certificate's.
  const pfxKey = join(tempDir('studio-pfx-key-'), 'device-01.pfx.key.pem');
  openssl(dir, 'pkcs12', '-in', modern.path, '-passin', 'pass:pfx-secret', '-nocerts', '-nodes', '-out', pfxKey);
  expectKeyOfCertificate(dir, pfxKey, 'certs/device-01.cert.pem');
});

test('an empty PFX password is shown next to its field', async ({ page }) => {
  await openStudio(page);
  await page.locator('#chain-form').getByLabel('Key type').selectOption('ec-p256');
  await page.getByLabel('PFX password').fill('');
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.locator('#pfx-password-error')).toContainText('The PFX password is empty');
  await expect(page.getByLabel('PFX password')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('PFX password')).toBeFocused();
});

test.describe('with clipboard access', () => {
  test.use({ permissions: ['clipboard-read', 'clipboard-write'] });
  const clipboard = (page) => page.evaluate(() => navigator.clipboard.readText());

  test('every snippet tab copies its file from the ZIP; the ID scope fills the Python environment', async ({ page }) => {
    await openStudio(page);
    await makeDevice(page);
    const dir = await downloadZip(page, 'azure-iot-certs.zip');
    const snippets = page.locator('#snippets-view');
    await expect(snippets.locator('.placeholder-hint')).toBeVisible();

    const tabs = snippets.getByRole('tab');
    await expect(tabs).toHaveText(['C', 'C IoT Hub', 'Java', 'Python · bash', 'Python · cmd', 'Node · bash', 'Node · cmd',
      'C# · bash', 'C# · cmd', 'PowerShell']);
    for (let i = 0; i < (await tabs.count()); i++) {
      await tabs.nth(i).click();
      await expect(tabs.nth(i)).toHaveAttribute('aria-selected', 'true');
      const pane = snippets.getByRole('tabpanel');
      await expect(pane).toHaveCount(1);
      const path = await pane.locator('.snippet-path').textContent();
      await pane.getByRole('button', { name: /^Copy .* snippet for device-01$/ }).click();
      await expect(page.getByRole('status')).toContainText(/Copied the .* snippet for device-01\./);
      expect(await clipboard(page), path).toBe(readFileSync(join(dir, path), 'utf8'));
    }
    // The keyboard moves between the tabs too.
    await tabs.first().focus();
    await page.keyboard.press('End');
    await expect(tabs.last()).toBeFocused();
    await expect(tabs.last()).toHaveAttribute('aria-selected', 'true');

    const python = () => snippets.getByRole('tab', { name: 'Python · bash' });
    await python().click();
    await expect(snippets.getByRole('tabpanel')).toContainText("export PROVISIONING_IDSCOPE='<your-id-scope>'");
    await page.getByLabel('DPS ID scope').fill('0ne00ABC123');
    await page.getByLabel('Certificate folder on the device').fill('/home/pi/certs');
    await page.getByRole('button', { name: 'Generate' }).click();
    await waitDone(page);
    // The tab chosen before stays chosen.
    await expect(python()).toHaveAttribute('aria-selected', 'true');
    const pane = snippets.getByRole('tabpanel');
    await expect(pane).toContainText("export PROVISIONING_IDSCOPE='0ne00ABC123'");
    await expect(pane).toContainText("export X509_CERT_FILE='/home/pi/certs/certs/device-01-full-chain.cert.pem'");
    await pane.getByRole('button', { name: 'Copy Python bash snippet for device-01' }).click();
    const copied = await clipboard(page);
    expect(copied).toContain("export PROVISIONING_IDSCOPE='0ne00ABC123'");
    expect(copied).not.toContain('<your-id-scope>');
  });

  test('individual enrollment with a secondary: same CN, thumbprints as OpenSSL prints them', async ({ page }) => {
    await openStudio(page);
    await openTab(page, 'Individual enrollment');
    const panel = page.locator('#enrollment-panel');
    await expect(panel.getByLabel('Registration ID')).toHaveValue('raspberrypi-b');
    await panel.getByLabel('Key type').selectOption('ec-p256');
    await panel.getByLabel('Also make a secondary certificate').check();
    await panel.getByRole('button', { name: 'Make enrollment certificates' }).click();
    await waitDone(page);

    await expect(page.locator('#enrollment-chain-title')).toHaveText('Individual enrollment');
    const chain = page.locator('#enrollment-chain-view');
    await expect(chain.locator('.node')).toHaveCount(2);
    const dir = await downloadZip(page, 'azure-iot-enrollment-certs.zip');
    for (const which of ['primary', 'secondary']) {
      const cert = join(dir, `certs/raspberrypi-b-${which}.cert.pem`);
      expect(openssl(dir, 'x509', '-in', cert, '-noout', '-subject', '-issuer'))
        .toBe('subject=CN = raspberrypi-b\nissuer=CN = raspberrypi-b\n');
      expect(openssl(dir, 'verify', '-CAfile', cert, cert).trim()).toBe(`${cert}: OK`);
      const node = chain.locator(`.node-${which}`);
      await expect(node).toContainText('raspberrypi-b');
      for (const [kind, digest] of [['SHA-1', 'sha1'], ['SHA-256', 'sha256']]) {
        const expected = portalThumbprint('/', cert, digest);
        expect(expected).toMatch(digest === 'sha1' ? /^[0-9A-F]{40}$/ : /^[0-9A-F]{64}$/);
        await expect(node.locator('.thumb').filter({ hasText: kind }).locator('.thumb-value')).toHaveText(expected);
      }
    }
    const primary = portalThumbprint(dir, 'certs/raspberrypi-b-primary.cert.pem', 'sha256');
    expect(primary).not.toBe(portalThumbprint(dir, 'certs/raspberrypi-b-secondary.cert.pem', 'sha256'));
    await page.getByRole('button', { name: 'Copy SHA-256 thumbprint of Primary (self-signed) raspberrypi-b' }).click();
    await expect(page.getByRole('status')).toContainText('Copied the SHA-256 thumbprint');
    expect(await clipboard(page)).toBe(primary);

    // The PowerShell enrollment names both certificates.
    await page.locator('#enrollment-snippets-view').getByRole('tab', { name: 'PowerShell' }).click();
    await page.getByRole('button', { name: 'Copy PowerShell snippet for raspberrypi-b-primary' }).click();
    const powershell = readFileSync(join(dir, 'snippets/raspberrypi-b.Add-AzIoTDeviceProvisioningServiceEnrollment.ps1'), 'utf8');
    expect(await clipboard(page)).toBe(powershell);
    expect(powershell).toContain('raspberrypi-b-secondary.cert.pem');
  });
});

test('a bad ID scope from an enrollment is shown at the sample settings', async ({ page }) => {
  await openStudio(page);
  await page.getByLabel('DPS ID scope').fill('bad scope');
  // The Sample settings are shared: the enrollment tab shows the same field.
  await openTab(page, 'Individual enrollment');
  const panel = page.locator('#enrollment-panel');
  await panel.getByLabel('Key type').selectOption('ec-p256');
  const statusLines = await recordStatus(page);
  await panel.getByRole('button', { name: 'Make enrollment certificates' }).click();
  await expect(page.locator('#id-scope-error')).toContainText('The ID scope "bad scope"');
  await expect(page.getByLabel('DPS ID scope')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('DPS ID scope')).toHaveValue('bad scope');
  // Refused before any key was made.
  expectNothingStarted(await statusLines());
});

test('IoT Edge: identity and server certificates verify with the full chain; 1.1 refuses a chain past 2038', async ({ page }) => {
  await openStudio(page);
  await openTab(page, 'IoT Edge');
  const panel = page.locator('#edge-panel');
  await expect(panel.getByLabel('Device name')).toHaveValue('my-edge-device');
  await panel.getByLabel('CA key type').selectOption('ec-p256');
  await panel.getByLabel('Device key type').selectOption('ec-p256');
  await panel.getByLabel('DNS names for the server certificate').fill('edge.local\ngateway.contoso.com');
  await panel.getByRole('button', { name: 'Make IoT Edge certificates' }).click();
  await waitDone(page);

  await expect(page.locator('#edge-chain-title')).toHaveText('IoT Edge chain');
  const chain = page.locator('#edge-chain-view');
  await expect(chain.locator('.node')).toHaveCount(5);
  await expect(chain.locator('.node-edge-ca')).toContainText('my-edge-device.ca');
  await expect(chain.locator('.node-edge-identity')).toContainText('my-edge-device');
  await expect(chain.locator('.node-edge-server')).toContainText('edge.local');
  await expect(page.locator('#edge-snippets-view').getByRole('tab')).toHaveText(['IoT Edge config.toml']);

  const dir = await downloadZip(page, 'azure-iot-edge-certs.zip');
  for (const stem of ['iot-edge-device-identity-my-edge-device', 'iot-edge-server-edge.local', 'iot-edge-device-ca-my-edge-device']) {
    const cert = `certs/${stem}.cert.pem`;
    const fullChain = `certs/${stem}-full-chain.cert.pem`;
    expect(openssl(dir, 'verify', '-CAfile', ROOT_CERT, '-untrusted', fullChain, cert).trim()).toBe(`${cert}: OK`);
    expect(openssl(dir, 'pkey', '-in', `private/${stem}.key.pem`, '-pubout'))
      .toBe(openssl(dir, 'x509', '-in', cert, '-noout', '-pubkey'));
  }
  const server = openssl(dir, 'x509', '-in', 'certs/iot-edge-server-edge.local.cert.pem', '-noout', '-ext', 'subjectAltName,extendedKeyUsage');
  expect(server).toContain('DNS:edge.local, DNS:gateway.contoso.com');
  expect(server).toContain('TLS Web Server Authentication');
  const config = readFileSync(join(dir, 'snippets/iot-edge-my-edge-device.config.toml'), 'utf8');
  expect(config).toContain('registration_id = "my-edge-device"');

  // IoT Edge 1.1 cannot read dates from 2038 on: the page refuses, at the validity field.
  const validity = panel.getByLabel('Validity (days)');
  await panel.getByLabel('IoT Edge 1.1').check();
  await validity.fill('5000');
  await panel.getByRole('button', { name: 'Make IoT Edge certificates' }).click();
  await expect(page.locator('#edge-validity-days-error')).toContainText("IoT Edge 1.1 can't use a certificate that expires on or after 2038-01-01");
  await expect(validity).toHaveAttribute('aria-invalid', 'true');
  await expect(validity).toHaveAttribute('aria-describedby', /edge-validity-days-error/);
  await expect(page.getByRole('status')).toContainText('Not generated');
  await expect(validity).toHaveValue('5000');
  // The chain made before stays.
  await expect(chain.locator('.node')).toHaveCount(5);

  // A chain short of 2038 is fine with the switch on.
  await validity.fill('365');
  await panel.getByRole('button', { name: 'Make IoT Edge certificates' }).click();
  await waitDone(page);
  await expect(page.locator('#edge-validity-days-error')).toBeHidden();
  await expect(validity).not.toHaveAttribute('aria-invalid', 'true');
});

test('IoT Edge keys are made in parallel with visible progress; Cancel stops them and keeps the last result', async ({ page }) => {
  await openStudio(page);
  await openTab(page, 'IoT Edge');
  const panel = page.locator('#edge-panel');
  await panel.getByLabel('CA key type').selectOption('ec-p384');
  await panel.getByLabel('Device key type').selectOption('ec-p256');
  await panel.getByLabel('DNS names for the server certificate').fill('edge.local');
  const statusLines = await recordStatus(page);
  await panel.getByRole('button', { name: 'Make IoT Edge certificates' }).click();
  await waitDone(page);
  const lines = (await statusLines()).map((line) => line.text);
  for (let done = 0; done <= 5; done++) expect(lines).toContain(`Making keys: ${done} of 5`);
  await expect(page.locator('#edge-chain-view .node-root')).toContainText('ECDSA P-384');
  await expect(page.locator('#edge-chain-view .node-edge-identity')).toContainText('ECDSA P-256');

  await panel.getByLabel('CA key type').selectOption('rsa-4096');
  await panel.getByLabel('Device key type').selectOption('rsa-4096');
  await panel.getByLabel('Device name').fill('edge-two');
  await panel.getByRole('button', { name: 'Make IoT Edge certificates' }).click();
  await expect(page.getByRole('status')).toContainText(/Making keys: [0-4] of 5/);
  await expect(panel.getByRole('button', { name: 'Make IoT Edge certificates' })).toHaveAttribute('aria-disabled', 'true');
  await panel.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('status')).toContainText('Cancelled.');
  await expect(panel.getByRole('button', { name: 'Cancel' })).toBeHidden();
  await expect(page.locator('#edge-chain-view .node-edge-identity')).toContainText('my-edge-device');
});
