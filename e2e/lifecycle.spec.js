// The certificate lifecycle through the page (issue 12): the ZIP Generate
// made goes into Renew and roll over, the expiry view lists it, device-01 is
// renewed keeping its key, and a rollover to a new root is walked step by
// step; OpenSSL checks every download.
import { accessSync, constants, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import AxeBuilder from '@axe-core/playwright';
import { join, resolve } from 'node:path';
import { download, expect, openStudio, openTab, test } from './fixtures.js';
import { CHAIN_CA, ROOT_CERT, openssl, portalThumbprint, tempDir, unzip } from './chain-checks.js';

const CODE = '1B1F84DE79B9BD5F16D71E92709917C2A1CA19D5A156CB9F';
const DAY_SECONDS = 86_400;
const panel = (page) => page.locator('#renew-panel');

/** Generate with EC keys (quick), then the ZIP as a person downloads it, and where it is unpacked. */
async function generatedZip(page) {
  await openStudio(page);
  await page.locator('#chain-form').getByLabel('Key type').selectOption('ec-p256');
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByRole('status')).toContainText('Done:');
  const { path } = await download(page, () => page.getByRole('button', { name: 'Download ZIP' }).click());
  await openTab(page, 'Renew and roll over');
  return { zipPath: path, old: unzip(path) };
}

/** The ZIP into the expiry view (read as it arrives), then the CA keys' password for renewing. */
async function showExpiry(page, zipPath) {
  await page.setInputFiles('#renew-files', zipPath);
  await expect(page.getByRole('status')).toContainText('certificate(s) read');
  await page.fill('#renew-password', '1234');
}

function notAfterSeconds(dir, cert) {
  const line = openssl(dir, 'x509', '-in', cert, '-noout', '-enddate').trim();
  return Date.parse(line.slice(line.indexOf('=') + 1)) / 1000;
}

/**
 * Whether `openssl verify` accepts `cert` under `root`: true for "OK", false
 * only for its own verdict that the chain does not verify ("error N at D depth
 * lookup", then "verification failed"). Anything else (openssl missing, a file
 * it can't read) throws, so a negative check can't pass on a broken run.
 */
function verifies(dir, root, untrusted, cert) {
  for (const file of [root, untrusted, cert]) accessSync(resolve(dir, file), constants.R_OK);
  const result = spawnSync('openssl', ['verify', '-CAfile', root, '-untrusted', untrusted, cert], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error) throw result.error;
  const said = `openssl verify exited ${result.status}:\n${result.stdout}${result.stderr}`;
  if (result.status === 0 && result.stdout.includes(`${cert}: OK`)) return true;
  const refused = /^error \d+ at \d+ depth lookup: /m.test(result.stderr) && result.stderr.includes(`error ${cert}: verification failed`);
  if (result.status === 2 && refused && !/Could not|Unable to load|Error loading/.test(result.stderr)) return false;
  throw new Error(`openssl verify did not give a verdict; ${said}`);
}

test('the ZIP Generate made: its expiry view, device-01 renewed keeping its key, checked by OpenSSL', async ({ page }) => {
  const { zipPath, old } = await generatedZip(page);
  await showExpiry(page, zipPath);

  const rows = panel(page).locator('table.expiry tbody tr');
  await expect(rows).toHaveCount(4);
  // All made now for 30 days: each ends within 30 days, none within 10.
  await expect(rows.nth(0)).toContainText('Root CA');
  await expect(rows.nth(1)).toContainText('Intermediate CA');
  // 30 days to the second when Generate and the view fall in the same second, else 29 and some hours.
  await expect(rows.filter({ hasText: 'device-01' }).locator('td').nth(4)).toHaveText(/^(29|30)$/);
  await expect(rows.locator('.badge')).toHaveCount(4);
  // Another N flags again at once.
  await page.fill('#renew-within', '10');
  await page.locator('#renew-within').press('Tab');
  await expect(page.getByRole('status')).toContainText('0 of 4 certificate(s) end within 10 days');
  await expect(rows.locator('.badge')).toHaveCount(0);

  // The CA that signs comes from the same ZIP: the intermediate is offered first.
  await expect(page.locator('#renew-ca option').first()).toContainText('Azure IoT Hub Intermediate Cert Test Only');
  await page.getByRole('checkbox', { name: 'Renew device-01' }).check();
  await page.fill('#renew-days', '90');
  await page.getByRole('button', { name: 'Renew the chosen devices' }).click();
  await expect(page.locator('#renew-result table.renewed')).toContainText('device-01');
  await expect(page.locator('#renew-result table.renewed')).toContainText('the same');
  const { path } = await download(page, () => page.getByRole('button', { name: 'Download renewed-devices.zip' }).click());
  const renewed = unzip(path);

  const cert = 'certs/device-01.cert.pem';
  const oldCert = join(old, cert);
  expect(openssl(renewed, 'x509', '-in', cert, '-noout', '-subject')).toBe(openssl(old, 'x509', '-in', cert, '-noout', '-subject'));
  expect(openssl(renewed, 'x509', '-in', cert, '-noout', '-pubkey')).toBe(openssl(old, 'x509', '-in', cert, '-noout', '-pubkey'));
  expect(openssl(renewed, 'pkey', '-in', 'private/device-01.key.pem', '-pubout')).toBe(openssl(old, 'x509', '-in', cert, '-noout', '-pubkey'));
  expect(verifies(renewed, join(old, ROOT_CERT), join(old, CHAIN_CA), cert)).toBe(true);
  expect(verifies(renewed, join(old, ROOT_CERT), 'certs/device-01-full-chain.cert.pem', cert)).toBe(true);
  expect(notAfterSeconds(renewed, cert) - notAfterSeconds(old, oldCert)).toBeGreaterThan(59 * DAY_SECONDS);
  // renewed.csv: the old thumbprint → the new, as OpenSSL computes them.
  const csv = readFileSync(join(renewed, 'renewed.csv'), 'utf8');
  expect(csv).toContain(`device-01,${portalThumbprint(old, cert)},${portalThumbprint(renewed, cert)},`);
  expect(csv).not.toContain('device-02');

  // The intermediate renewed with its own key (its parent, the root, from the same ZIP): the README says to upload
  // it again and prove possession again, and device-02, issued before, verifies under it.
  const intermediateOption = page.locator('#renew-ca-target option', { hasText: 'Intermediate CA' });
  await page.locator('#renew-ca-target').selectOption(await intermediateOption.getAttribute('value'));
  await page.getByRole('button', { name: 'Renew the CA' }).click();
  await expect(page.locator('#renew-ca-result pre')).toContainText('verify it again (proof of possession)');
  const { path: caZip } = await download(page, () => page.getByRole('button', { name: 'Download renewed-ca.zip' }).click());
  const renewedCa = unzip(caZip);
  const renewedIntermediate = 'certs/Azure_IoT_Hub_Intermediate_Cert_Test_Only.cert.pem';
  expect(verifies(renewedCa, join(old, ROOT_CERT), renewedIntermediate, join(old, 'certs/device-02.cert.pem'))).toBe(true);
  expect(openssl(renewedCa, 'x509', '-in', renewedIntermediate, '-noout', '-pubkey'))
    .toBe(openssl(old, 'x509', '-in', 'certs/azure-iot-test-only.intermediate.cert.pem', '-noout', '-pubkey'));
});

test('a rollover walked through the page: new root, its verification certificate, device-01 re-issued under the new CA', async ({ page }) => {
  const { zipPath, old } = await generatedZip(page);
  await showExpiry(page, zipPath);
  await expect(page.locator('#rollover-root-cn')).toHaveValue(/^Azure IoT Hub CA Cert Test Only \d{4}$/);
  await page.locator('#rollover-key').selectOption('ec-p256');
  await page.getByRole('button', { name: 'Make the new root and intermediate' }).click();
  const plan = page.getByRole('list', { name: 'Rollover plan' });
  await expect(plan.locator(':scope > li')).toHaveCount(6);
  await expect(plan.locator(':scope > li h4')).toHaveText([
    'Upload the new root',
    'Verify it (proof of possession)',
    "Set it as the enrollment group's secondary certificate",
    'Re-issue the devices under the new CA',
    'Swap primary and secondary',
    'Retire the old root',
  ]);
  // The expiry table and the plan with its controls pass axe-core (no serious or critical violation).
  const { violations } = await new AxeBuilder({ page }).include('#renew-panel').analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  // The plan names the old root by the thumbprint OpenSSL gives it.
  await expect(plan.locator('#rollover-step-upload')).toContainText(portalThumbprint(old, ROOT_CERT));

  // Step 1: the new root, and the whole new CA.
  const { path: newRoot } = await download(page, () => page.getByRole('button', { name: 'Download the new root certificate' }).click());
  const { path: caZip } = await download(page, () => page.getByRole('button', { name: 'Download rollover-new-ca.zip' }).click());
  const newCa = unzip(caZip);
  expect(readFileSync(join(newCa, ROOT_CERT), 'utf8')).toBe(readFileSync(newRoot, 'utf8'));
  expect(readFileSync(join(newCa, 'README.txt'), 'utf8')).toContain(`SHA-1 ${portalThumbprint(newCa, ROOT_CERT)}`);
  // Its keys are encrypted with the password the old CA's files opened with.
  expect(readFileSync(join(newCa, 'private/azure-iot-test-only.root.ca.key.pem'), 'utf8')).toContain('ENCRYPTED PRIVATE KEY');
  openssl(newCa, 'pkey', '-in', 'private/azure-iot-test-only.intermediate.key.pem', '-passin', 'pass:1234', '-noout');

  // Step 2: proof of possession of the new root.
  await page.fill('#rollover-code', CODE);
  await expect(page.locator('#rollover-verify-ca option:checked')).toContainText('Root CA');
  await page.getByRole('button', { name: 'Make the verification certificate' }).click();
  const { path: verification } = await download(page, () =>
    page.locator('#rollover-verify-result').getByRole('button', { name: 'Download certs/verification-code.cert.pem' }).click());
  const dir = tempDir('studio-rollover-');
  expect(openssl(dir, 'verify', '-CAfile', newRoot, verification)).toContain(': OK');
  expect(openssl(dir, 'x509', '-in', verification, '-noout', '-subject')).toContain(`CN = ${CODE}`);

  // Step 4: device-01 re-issued under the new intermediate, keeping its key.
  await page.getByRole('checkbox', { name: 'Renew device-01' }).check();
  await page.getByRole('button', { name: 'Re-issue the chosen devices under the new CA' }).click();
  const { path } = await download(page, () => page.getByRole('button', { name: 'Download reissued-devices.zip' }).click());
  const reissued = unzip(path);
  const cert = 'certs/device-01.cert.pem';
  const fullChain = 'certs/device-01-full-chain.cert.pem';
  expect(verifies(reissued, newRoot, fullChain, cert)).toBe(true);
  expect(verifies(reissued, join(old, ROOT_CERT), fullChain, cert)).toBe(false);
  expect(verifies(reissued, join(old, ROOT_CERT), join(old, CHAIN_CA), cert)).toBe(false);
  expect(openssl(reissued, 'x509', '-in', cert, '-noout', '-pubkey')).toBe(openssl(old, 'x509', '-in', cert, '-noout', '-pubkey'));
  expect(openssl(reissued, 'x509', '-in', cert, '-noout', '-issuer')).toContain('Azure IoT Hub Intermediate Cert Test Only');
});
