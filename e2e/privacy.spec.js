// No network, no storage, no weak randomness (issue 6): every request the
// served page makes while it loads, generates, imports, makes a verification
// certificate and inspects stays within its own files; afterwards nothing is
// left in any browser storage; and without crypto.getRandomValues the studio
// refuses to make anything.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, openTab } from './fixtures.js';
import { tempDir } from './chain-checks.js';

const CODE = '1B1F84DE79B9BD5F16D71E92709917C2A1CA19D5A156CB9F';
const INDEX = readFileSync(join(import.meta.dirname, '..', 'www', 'index.html'), 'utf8');

/** The page's own files: what a static server of www/ serves it. */
function isOwnFile(url, base) {
  const parsed = new URL(url);
  if (parsed.origin !== new URL(base).origin || parsed.search || parsed.hash) return false;
  return /^\/(|index\.html|style\.css|js\/([\w-]+\/)?[\w-]+\.js|pkg\/cert_studio(_ca)?(_bg\.wasm|\.js)|pkg\/build-info\.js)$/.test(parsed.pathname);
}

test('the served page keeps to its own files and leaves no storage behind', async ({ page, context, baseURL }) => {
  const requests = [];
  context.on('request', (request) => requests.push(request.url()));
  // Workers' own fetches (their module imports) are reported per worker.
  page.on('worker', (worker) => requests.push(worker.url()));

  await page.goto('/');
  await expect(page.getByRole('status')).toContainText('Ready.');
  await page.locator('#chain-form').getByLabel('Key type').selectOption('ec-p256');
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByRole('status')).toContainText('Done:');
  const [zip] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download ZIP' }).click()]);
  const zipPath = join(tempDir('studio-privacy-'), zip.suggestedFilename());
  await zip.saveAs(zipPath);
  // The CA panel's wasm module is fetched only once that panel is used.
  expect(requests.filter((url) => url.includes('cert_studio_ca'))).toEqual([]);

  // Import the chain just made as a CA, make a verification certificate, inspect the ZIP.
  await openTab(page, 'Bring your own CA');
  await page.getByRole('button', { name: 'Use the chain made on the DPS chain tab' }).click();
  await expect(page.locator('.ca-item')).not.toHaveCount(0);
  await page.fill('#verification-code', CODE);
  await page.getByRole('button', { name: 'Make verification certificate' }).click();
  await expect(page.locator('#verification-result')).toContainText(CODE);
  await openTab(page, 'Inspect');
  await page.setInputFiles('#inspect-files', zipPath);
  await page.fill('#inspect-password', '1234');
  await page.getByRole('button', { name: 'Inspect', exact: true }).click();
  await expect(page.locator('#inspect-result .inspected')).not.toHaveCount(0);

  const outside = requests.filter((url) => !url.startsWith('blob:') && !url.startsWith('data:') && !isOwnFile(url, baseURL));
  expect(outside, 'requests beyond the page\'s own files').toEqual([]);
  expect(requests.some((url) => url.endsWith('/pkg/cert_studio_bg.wasm'))).toBe(true);
  expect(requests.some((url) => url.endsWith('/pkg/cert_studio_ca_bg.wasm'))).toBe(true);
  // The URL holds no data: at most the open tab's name.
  expect(new URL(page.url()).search).toBe('');
  expect(new URL(page.url()).hash).toBe('#inspect');

  const storage = await page.evaluate(async () => ({
    local: localStorage.length,
    session: sessionStorage.length,
    indexedDB: (await indexedDB.databases()).map((db) => db.name),
    cookie: document.cookie,
    caches: 'caches' in self ? await caches.keys() : [],
  }));
  expect(storage).toEqual({ local: 0, session: 0, indexedDB: [], cookie: '', caches: [] });
  expect(await context.cookies()).toEqual([]);
});

test('the served page\'s CSP allows nothing but its own files', () => {
  const csp = INDEX.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/)[1];
  const directives = Object.fromEntries(csp.split(/;\s*/).map((part) => { const [key, ...values] = part.split(' '); return [key, values]; }));
  expect(directives['default-src']).toEqual(["'none'"]);
  expect(directives['connect-src']).toEqual(["'self'"]);
  expect(directives['script-src']).toEqual(["'self'", "'wasm-unsafe-eval'"]);
  expect(directives['worker-src']).toEqual(["'self'"]);
  expect(csp).not.toMatch(/'unsafe-inline'|'unsafe-eval'|https?:|\*/);
  expect(INDEX).not.toMatch(/(src|href)="(https?:)?\/\//);
});

test.describe('without crypto.getRandomValues', () => {
  const NO_RANDOM = 'This browser offers no secure random numbers (crypto.getRandomValues); the studio refuses to make keys without them.';

  test('in the page: the studio says so and Generate makes nothing', async ({ page }) => {
    await page.addInitScript(() => { delete Crypto.prototype.getRandomValues; });
    await page.goto('/');
    await expect(page.getByRole('status')).toContainText('The studio cannot run in this browser.');
    await expect(page.locator('#errors')).toContainText(NO_RANDOM);
    // Generate is aria-disabled, not disabled: it can still be pressed, and refuses.
    await page.getByRole('button', { name: 'Generate' }).click({ force: true });
    await expect(page.getByRole('status')).toContainText('Not generated.');
    await expect(page.locator('#results')).toBeHidden();
  });

  test('in the workers: the core refuses at start, and Generate makes nothing', async ({ page }) => {
    // The page keeps its random source; each worker loses it before the studio loads.
    await page.route('**/js/runtime/worker.js', async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, body: `delete Crypto.prototype.getRandomValues;\n${await response.text()}` });
    });
    await page.goto('/');
    await expect(page.getByRole('status')).toContainText('The studio cannot run in this browser.');
    await expect(page.locator('#errors')).toContainText('No secure random number source is available');
    await expect(page.locator('#errors')).toContainText('the studio refuses to make keys without one');
    // Generate is aria-disabled, not disabled: it can still be pressed, and refuses.
    await page.getByRole('button', { name: 'Generate' }).click({ force: true });
    await expect(page.getByRole('status')).toContainText('Not generated.');
    await expect(page.locator('#results')).toBeHidden();
  });
});
