// RSA keys from the browser's WebCrypto or from the Rust core (issue 5 §2):
// both paths make chains OpenSSL accepts, and the page says which made each key.
import { download, expect, openStudio, test } from './fixtures.js';
import { checkTutorialChain, unzip } from './chain-checks.js';

async function generateAndDownload(page) {
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(page.locator('#status-text')).toContainText('Done', { timeout: 120_000 });
  const zip = await download(page, () => page.getByRole('button', { name: 'Download ZIP' }).click());
  return unzip(zip.path);
}

/** The 4 certificates of the default chain are drawn, each naming its key and generator. */
async function expectKeysShown(page, text) {
  const nodes = page.locator('#chain-view .node');
  // Counted first: a loop over no nodes would pass.
  await expect(nodes).toHaveCount(4);
  for (const node of await nodes.all()) await expect(node).toContainText(text);
}

for (const [choice, label] of [['webcrypto', 'WebCrypto'], ['rust', 'Rust']]) {
  test(`RSA-2048 keys from ${label} make a chain that OpenSSL verifies`, async ({ page }) => {
    await openStudio(page);
    await page.locator('#chain-form').getByLabel('Key type').selectOption('rsa-2048');
    await page.getByLabel('RSA key generator').selectOption(choice);
    const dir = await generateAndDownload(page);
    await expectKeysShown(page, `RSA 2048 (${label})`);
    checkTutorialChain(dir, { intermediates: 1, devices: ['device-01', 'device-02'] });
  });
}

test('EC keys always come from the Rust core', async ({ page }) => {
  await openStudio(page);
  await page.locator('#chain-form').getByLabel('Key type').selectOption('ec-p256');
  const dir = await generateAndDownload(page);
  await expectKeysShown(page, 'ECDSA P-256 (Rust)');
  checkTutorialChain(dir, { intermediates: 1, devices: ['device-01', 'device-02'] });
});
