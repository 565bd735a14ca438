// Accessibility (issue 6): axe-core scans the whole page before and after
// Generate and fails on any serious or critical violation; every form
// control has an accessible name.
import AxeBuilder from '@axe-core/playwright';
import { download, expect, test } from './fixtures.js';

async function seriousViolations(page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.impact} ${violation.id}: ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

test('axe-core finds no serious or critical violation before and after Generate', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('status')).toContainText('Ready.');
  expect(await seriousViolations(page)).toEqual([]);

  await page.locator('#chain-form').getByLabel('Key type').selectOption('ec-p256');
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByRole('status')).toContainText('Done:');
  expect(await seriousViolations(page)).toEqual([]);

  // A field error shown next to its field.
  await page.getByLabel('Device registration IDs').fill('bad device');
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.locator('#devices-error')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

test('every control has an accessible name, and status and errors are live regions', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('status')).toContainText('Ready.');
  const unnamed = await page.evaluate(() =>
    [...document.querySelectorAll('input, select, textarea, button')]
      .filter((control) => !control.closest('[hidden]') && control.type !== 'hidden')
      .filter((control) => !(control.labels?.length || control.getAttribute('aria-label') || control.getAttribute('aria-labelledby') || (control.tagName === 'BUTTON' && control.textContent.trim())))
      .map((control) => control.id || control.outerHTML));
  expect(unnamed).toEqual([]);
  await expect(page.locator('#status')).toHaveAttribute('aria-live', 'polite');
  await expect(page.locator('#errors')).toHaveAttribute('aria-live', 'assertive');
});

/** Every violation axe-core finds (any impact, colour contrast included) in what is shown. */
async function violations(page) {
  const { violations: found } = await new AxeBuilder({ page }).analyze();
  return found.map((violation) => `${violation.impact} ${violation.id}: ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

for (const colorScheme of ['light', 'dark']) {
  test(`axe-core finds nothing on any tab, with results, in the ${colorScheme} theme`, async ({ page }) => {
    await page.emulateMedia({ colorScheme });
    await page.goto('/');
    await expect(page.getByRole('status')).toContainText('Ready.');
    expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(colorScheme === 'dark');
    // Results on the chain, IoT Edge and enrollment tabs, and the chain offered to the CA tab.
    await page.locator('#chain-form').getByLabel('Key type').selectOption('ec-p256');
    await page.getByRole('button', { name: 'Generate' }).click();
    await expect(page.getByRole('status')).toContainText('Done:');
    expect(await violations(page), 'DPS chain tab').toEqual([]);
    const { path: zipPath } = await download(page, () => page.getByRole('button', { name: 'Download ZIP' }).click());

    await page.getByRole('tab', { name: 'IoT Edge', exact: true }).click();
    await page.locator('#edge-panel').getByLabel('CA key type').selectOption('ec-p256');
    await page.locator('#edge-panel').getByLabel('Device key type').selectOption('ec-p256');
    await page.getByRole('button', { name: 'Make IoT Edge certificates' }).click();
    await expect(page.getByRole('status')).toContainText('Done:');
    expect(await violations(page), 'IoT Edge tab').toEqual([]);

    await page.getByRole('tab', { name: 'Individual enrollment', exact: true }).click();
    await page.locator('#enrollment-panel').getByLabel('Key type').selectOption('ec-p256');
    await page.getByRole('button', { name: 'Make enrollment certificates' }).click();
    await expect(page.getByRole('status')).toContainText('Done:');
    expect(await violations(page), 'enrollment tab').toEqual([]);

    await page.getByRole('tab', { name: 'Bring your own CA', exact: true }).click();
    await page.getByRole('button', { name: 'Use the chain made on the DPS chain tab' }).click();
    await page.fill('#verification-code', '1B1F84DE79B9BD5F16D71E92709917C2A1CA19D5A156CB9F');
    await page.getByRole('button', { name: 'Make verification certificate' }).click();
    await expect(page.locator('#verification-result')).toContainText('Signed by');
    expect(await violations(page), 'Bring your own CA tab').toEqual([]);

    // The expiry view of the ZIP just made.
    await page.getByRole('tab', { name: 'Renew and roll over', exact: true }).click();
    await page.setInputFiles('#renew-files', zipPath);
    await expect(page.getByRole('status')).toContainText('certificate(s) read');
    await page.fill('#renew-password', '1234');
    await expect(page.locator('#renew-ca option')).not.toHaveCount(0);
    expect(await violations(page), 'Renew and roll over tab').toEqual([]);

    await page.getByRole('tab', { name: 'Inspect', exact: true }).click();
    await page.fill('#inspect-paste', 'not a certificate');
    await page.getByRole('button', { name: 'Inspect', exact: true }).click();
    await expect(page.locator('#inspect-files-error, #status-text.failed').first()).toBeVisible();
    expect(await violations(page), 'Inspect tab').toEqual([]);
  });
}
