// Accessibility (issue 6): axe-core scans the whole page before and after
// Generate and fails on any serious or critical violation; every form
// control has an accessible name.
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures.js';

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
