// The studio's test fixture: any console error or uncaught page error fails
// the test, in the page and in its workers.
import { join } from 'node:path';
import { test as base, expect } from '@playwright/test';
import { tempDir } from './chain-checks.js';

export const test = base.extend({
  page: async ({ page }, use) => {
    const problems = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('worker', (worker) => {
      worker.on('console', (message) => {
        if (message.type() === 'error') problems.push(`worker console error: ${message.text()}`);
      });
    });
    await use(page);
    expect(problems, 'the page logged errors').toEqual([]);
  },
});

export { expect };

/** Opens the served studio and waits until Generate can be pressed. */
export async function openStudio(page) {
  await page.goto('/');
  await expect(page.getByRole('status')).toContainText('Ready.');
}

/** Downloads what `click` starts into a fresh folder; returns the suggested name and the saved path. */
export async function download(page, click) {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = join(tempDir('studio-download-'), file.suggestedFilename());
  await file.saveAs(path);
  return { name: file.suggestedFilename(), path };
}
