// The page people find their way in (issue 13): a tab per scenario (click,
// arrow keys, URL hash, reload), results kept per tab, the next steps in the
// Azure portal after a result (with the button to the root's verification),
// no sideways scrolling on a phone, and keys made ahead while the page is
// idle: a press is quick and two presses never share a key. The screenshots
// in the README (docs/screenshots/) are made here too.
import { readFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { download, expect, openStudio, openTab, test } from './fixtures.js';
import { openssl, ROOT_CERT, unzip } from './chain-checks.js';

const TABS = [
  { id: 'chain', name: 'DPS group / IoT Hub chain', heading: 'Chain settings' },
  { id: 'edge', name: 'IoT Edge', heading: 'IoT Edge settings' },
  { id: 'enrollment', name: 'Individual enrollment', heading: 'Individual enrollment settings' },
  { id: 'ca', name: 'Bring your own CA', heading: 'Bring your own CA: verification certificate and signing' },
  { id: 'renew', name: 'Renew and roll over', heading: 'Renew and roll over' },
  { id: 'inspect', name: 'Inspect', heading: 'Inspect and verify' },
];
// `make screenshots` (UPDATE_SCREENSHOTS=1) refreshes the README's copies; a
// plain test run writes its own under test-results, leaving the tree clean.
const DOCS_SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'screenshots');

const tab = (page, name) => page.getByRole('tab', { name, exact: true });

/** The one tab selected and its panel the only one shown. */
async function expectOpen(page, { id, name, heading }) {
  await expect(tab(page, name)).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('[role="tab"][aria-selected="true"].page-tab')).toHaveCount(1);
  const panel = page.locator(`#${await tab(page, name).getAttribute('aria-controls')}`);
  await expect(panel).toBeVisible();
  await expect(panel).toHaveAttribute('role', 'tabpanel');
  await expect(panel).toHaveAttribute('aria-labelledby', `tab-${id}`);
  await expect(panel.getByRole('heading', { name: heading, exact: true })).toBeVisible();
  expect(new URL(page.url()).hash).toBe(`#${id}`);
}

async function generateEcChain(page) {
  await page.locator('#chain-form').getByLabel('Key type').selectOption('ec-p256');
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByRole('status')).toContainText('Done:');
}

test('every tab opens by click, by arrow keys, Home and End, and by its URL hash, also after a reload', async ({ page }) => {
  await openStudio(page);
  await expect(page.getByRole('tablist', { name: 'What to make' }).getByRole('tab')).toHaveText(TABS.map((t) => t.name));
  for (const t of TABS) {
    await tab(page, t.name).click();
    await expectOpen(page, t);
    await page.reload();
    await expect(page.getByRole('status')).toContainText('Ready.');
    await expectOpen(page, t);
  }

  // The keyboard: arrows move and wrap, Home and End jump; focus follows the selection.
  await tab(page, TABS[0].name).click();
  await tab(page, TABS[0].name).focus();
  for (const t of [...TABS.slice(1), TABS[0]]) {
    await page.keyboard.press('ArrowRight');
    await expect(tab(page, t.name)).toBeFocused();
    await expectOpen(page, t);
  }
  await page.keyboard.press('ArrowLeft');
  await expectOpen(page, TABS.at(-1));
  await page.keyboard.press('Home');
  await expectOpen(page, TABS[0]);
  await page.keyboard.press('End');
  await expect(tab(page, TABS.at(-1).name)).toBeFocused();
  await expectOpen(page, TABS.at(-1));
  // Only the selected tab is in the Tab order.
  await expect(page.locator('.page-tab[tabindex="0"]')).toHaveCount(1);

  // A hash typed or linked opens its tab.
  for (const t of TABS) {
    await page.goto(`/#${t.id}`);
    await expectOpen(page, t);
  }
  await page.evaluate(() => { location.hash = '#edge'; });
  await expectOpen(page, TABS[1]);
});

test('after Generate the next steps upload and verify the root; their button lands in the verification form with the root chosen; tabs keep their results', async ({ page }) => {
  await openStudio(page);
  await generateEcChain(page);
  const steps = page.locator('#next-steps .next-steps > li');
  const rootSha1 = await page.locator('#chain-view .node-root .thumb-value').first().textContent();
  await expect(steps.nth(0)).toContainText('Upload the root CA certificate');
  await expect(steps.nth(0)).toContainText(ROOT_CERT);
  await expect(steps.nth(0)).toContainText(rootSha1);
  await expect(steps.nth(0)).toContainText('az iot dps certificate create');
  await expect(steps.nth(1)).toContainText('Verify it (proof of possession)');
  await expect(steps.nth(1)).toContainText('az iot dps certificate verify');
  await expect(steps.nth(2)).toContainText('az iot dps enrollment-group create');
  await expect(steps.nth(3)).toContainText('certs/device-01-full-chain.cert.pem');
  await expect(steps.last()).toContainText('snippets/device-01.provision_x509.py.env.sh');

  // The README in the ZIP ends with the same steps.
  const dir = unzip((await download(page, () => page.locator('#result-panel').getByRole('button', { name: 'Download ZIP' }).click())).path);
  const readme = readFileSync(join(dir, 'README.txt'), 'utf8');
  expect(readme).toContain('NEXT STEPS IN THE AZURE PORTAL');
  expect(readme).toContain(`1. Upload the root CA certificate`);
  expect(readme).toContain(`File: ${ROOT_CERT}  (SHA-1 ${rootSha1})`);
  expect(readme).toMatch(/\$ az iot dps certificate verify /);
  // The thumbprint in the steps is OpenSSL's, as the portal shows it.
  expect(openssl(dir, 'x509', '-in', ROOT_CERT, '-noout', '-fingerprint', '-sha1')).toContain(rootSha1.match(/../g).join(':'));

  // The copy button copies the thumbprint.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await steps.nth(0).getByRole('button', { name: /Copy the SHA-1 thumbprint/ }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(rootSha1);

  await steps.nth(1).getByRole('button', { name: 'Make the root\'s verification certificate' }).click();
  await expectOpen(page, TABS[3]);
  await expect(page.getByRole('radio', { name: /Root CA/ })).toBeChecked();
  await expect(page.locator('#verification-code')).toBeFocused();
  await page.keyboard.type('1B1F84DE79B9BD5F16D71E92709917C2A1CA19D5A156CB9F');
  await page.getByRole('button', { name: 'Make verification certificate' }).click();
  await expect(page.locator('#verification-result')).toContainText('Signed by "Azure IoT Hub CA Cert Test Only"');
  await expect(page.locator('#verification-result .next-steps')).toContainText('az iot dps certificate verify');

  // An IoT Edge result beside the chain's: each tab keeps its own.
  await openTab(page, 'IoT Edge');
  await page.locator('#edge-panel').getByLabel('CA key type').selectOption('ec-p256');
  await page.locator('#edge-panel').getByLabel('Device key type').selectOption('ec-p256');
  await page.getByRole('button', { name: 'Make IoT Edge certificates' }).click();
  await expect(page.getByRole('status')).toContainText('Done:');
  await expect(page.locator('#edge-next-steps')).toContainText('az iot dps enrollment create');
  await expect(page.locator('#edge-next-steps')).toContainText('--edge-enabled true');
  await openTab(page, 'DPS group / IoT Hub chain');
  await expect(page.locator('#chain-view .node-root .thumb-value').first()).toHaveText(rootSha1);
  await openTab(page, 'Bring your own CA');
  await expect(page.locator('#verification-result')).toContainText('Signed by');
  await openTab(page, 'IoT Edge');
  await expect(page.locator('#edge-chain-view .node-edge-identity')).toContainText('my-edge-device');
});

test('at 375 px nothing scrolls sideways on any tab, before and after results; the file table is a list', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  await openStudio(page);
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  for (const t of TABS) {
    await tab(page, t.name).click();
    expect(await overflow(), t.name).toBeLessThanOrEqual(0);
  }
  await tab(page, TABS[0].name).click();
  await generateEcChain(page);
  expect(await overflow()).toBeLessThanOrEqual(0);
  const row = page.locator('#files-view tr').first();
  expect(await row.evaluate((tr) => getComputedStyle(tr).display)).toBe('block');
  // Its Download button sits inside the screen's width.
  const button = await row.getByRole('button', { name: /^Download / }).boundingBox();
  expect(button.x + button.width).toBeLessThanOrEqual(375);

  await tab(page, 'Individual enrollment').click();
  await page.locator('#enrollment-panel').getByLabel('Key type').selectOption('ec-p256');
  await page.getByRole('button', { name: 'Make enrollment certificates' }).click();
  await expect(page.getByRole('status')).toContainText('Done:');
  expect(await overflow()).toBeLessThanOrEqual(0);
  await tab(page, 'Bring your own CA').click();
  await page.getByRole('button', { name: 'Use the chain made on the DPS chain tab' }).click();
  await expect(page.locator('.ca-item')).toHaveCount(2);
  expect(await overflow()).toBeLessThanOrEqual(0);
});

test('with the page idle the keys are made ahead: a press is quick, two presses never share a key, a new key type starts again', async ({ page }) => {
  await openStudio(page);
  await page.locator('#chain-form').getByLabel('Key type').selectOption('ec-p256');
  const ahead = page.locator('#keys-ahead');
  await expect(ahead).toContainText('Keys ready for the next press (4 × P-256)');

  const publicKeys = async () => {
    const dir = unzip((await download(page, () => page.locator('#result-panel').getByRole('button', { name: 'Download ZIP' }).click())).path);
    return ['certs/azure-iot-test-only.root.ca.cert.pem', 'certs/azure-iot-test-only.intermediate.cert.pem', 'certs/device-01.cert.pem', 'certs/device-02.cert.pem']
      .map((cert) => openssl(dir, 'x509', '-in', cert, '-noout', '-pubkey'));
  };
  const press = async () => {
    const started = Date.now();
    await page.getByRole('button', { name: 'Generate' }).click();
    await expect(page.locator('#result-panel').getByRole('button', { name: 'Download ZIP' })).toBeVisible();
    await expect(page.getByRole('status')).toContainText('Done:');
    return Date.now() - started;
  };
  const first = await press();
  // Loose: the page's own clock says well under a second; a shared test machine gets slack.
  expect(first).toBeLessThan(3000);
  const firstKeys = await publicKeys();
  // The next set is made after the press; a second press right away still gets fresh keys.
  await press();
  const secondKeys = await publicKeys();
  expect(new Set([...firstKeys, ...secondKeys]).size).toBe(8);

  // A new key type: what was made is dropped, the new set is made.
  await page.locator('#chain-form').getByLabel('Key type').selectOption('ec-p384');
  await expect(ahead).toContainText('Keys ready for the next press (4 × P-384)');
});

test('keys made ahead stop while the browser tab is hidden and start again when it shows', async ({ page }) => {
  await openStudio(page);
  const ahead = page.locator('#keys-ahead');
  // The defaults (4 RSA-4096 keys) take seconds: long enough to hide the tab meanwhile.
  await expect(ahead).toContainText('Making keys ahead for the next press (4 × RSA 4096)');
  const setVisibility = (state) => page.evaluate((value) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => value });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);
  await setVisibility('hidden');
  await expect(ahead).toBeHidden();
  await page.waitForTimeout(2000);
  await expect(ahead).toBeHidden();
  await setVisibility('visible');
  await expect(ahead).toContainText(/(Making keys ahead|Keys ready) for the next press \(4 × RSA 4096\)/);
});

test('screenshots of every tab for the README (docs/screenshots)', async ({ page }, testInfo) => {
  const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS ? DOCS_SCREENSHOTS : testInfo.outputPath('screenshots');
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  await openStudio(page);
  await generateEcChain(page);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENSHOTS, 'chain.png') });
  const { path: zipPath } = await download(page, () => page.getByRole('button', { name: 'Download ZIP' }).click());
  for (const t of TABS.slice(1)) {
    await tab(page, t.name).click();
    // The chain just made is imported as the tab opens.
    if (t.id === 'ca') await expect(page.locator('.ca-item')).toHaveCount(2);
    // Its ZIP on the Renew tab: the expiry table as it arrives.
    if (t.id === 'renew') {
      await page.setInputFiles('#renew-files', zipPath);
      await expect(page.getByRole('status')).toContainText('certificate(s) read');
    }
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SCREENSHOTS, `${t.id}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'dark' });
  await tab(page, TABS[0].name).click();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENSHOTS, 'chain-dark.png') });
});
