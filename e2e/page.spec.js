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
  { id: 'event-grid', name: 'Event Grid MQTT', heading: 'Event Grid MQTT broker settings' },
  { id: 'iot-operations', name: 'IoT Operations broker', heading: 'IoT Operations MQTT broker settings' },
  { id: 'device-registry', name: 'Device Registry', heading: 'Device Registry: your root' },
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
  await expectOpen(page, TABS.find((t) => t.id === 'ca'));
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

/**
 * Watches, from before the page loads, the work itself on the page's side of its workers: every job
 * posted (`{ job, at }`, the page's clock), each key a worker reports made (a makeKeys progress, a makeKey
 * result), and the jobs still running (posted, not answered, their worker not stopped). An indicator on
 * the page could say one thing while a worker did another. Returns a function that reads them.
 */
async function watchWorkerJobs(page) {
  await page.addInitScript(() => {
    const work = { posted: [], made: 0, workers: new Set() };
    window.workerJobs = () => ({ posted: work.posted, made: work.made, running: [...work.workers].reduce((n, w) => n + w.jobs.size, 0) });
    const PageWorker = window.Worker;
    window.Worker = class Worker extends PageWorker {
      constructor(...args) {
        super(...args);
        this.jobs = new Map();
        work.workers.add(this);
        this.addEventListener('message', ({ data }) => {
          const job = this.jobs.get(data?.id);
          if (!job) return;
          if ((data.type === 'progress' && job === 'makeKeys') || (data.type === 'result' && job === 'makeKey')) work.made++;
          if (data.type === 'result' || data.type === 'error') this.jobs.delete(data.id);
        });
      }
      postMessage(message, ...rest) {
        if (message?.type === 'job') {
          work.posted.push({ job: message.job, at: performance.now() });
          this.jobs.set(message.id, message.job);
        }
        return super.postMessage(message, ...rest);
      }
      terminate() {
        work.workers.delete(this);
        return super.terminate();
      }
    };
  });
  return () => page.evaluate(() => window.workerJobs());
}

test('with the page idle the keys are made ahead: a press is quick, two presses never share a key, a new key type starts again', async ({ page }) => {
  const work = await watchWorkerJobs(page);
  await openStudio(page);
  await page.locator('#chain-form').getByLabel('Key type').selectOption('ec-p256');
  const ahead = page.locator('#keys-ahead');
  await expect(ahead).toContainText('Keys ready for the next press (4 × P-256)');

  const publicKeys = async () => {
    const dir = unzip((await download(page, () => page.locator('#result-panel').getByRole('button', { name: 'Download ZIP' }).click())).path);
    return ['certs/azure-iot-test-only.root.ca.cert.pem', 'certs/azure-iot-test-only.intermediate.cert.pem', 'certs/device-01.cert.pem', 'certs/device-02.cert.pem']
      .map((cert) => openssl(dir, 'x509', '-in', cert, '-noout', '-pubkey'));
  };
  // The press on the page's own clock: from the click's event to the status line saying "Done:" with the
  // Download ZIP button there (what the bench's row (a) times), without Playwright's polling in it.
  await page.evaluate(() => {
    window.pressTimes = [];
    document.getElementById('chain-form').addEventListener('click', (event) => {
      if (event.target.closest('button')?.textContent.trim() === 'Generate') window.pressTimes.push({ clicked: event.timeStamp });
    }, { capture: true });
    new MutationObserver(() => {
      const last = window.pressTimes.at(-1);
      const zip = [...document.querySelectorAll('#result-panel button')].some((b) => b.textContent.trim() === 'Download ZIP' && b.offsetParent);
      if (last && !last.done && zip && document.getElementById('status-text').textContent.startsWith('Done:')) last.done = performance.now();
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  const press = async () => {
    const started = Date.now();
    await page.getByRole('button', { name: 'Generate' }).click();
    await expect(page.locator('#result-panel').getByRole('button', { name: 'Download ZIP' })).toBeVisible();
    await expect(page.getByRole('status')).toContainText('Done:');
    const { clicked, done } = (await page.evaluate(() => window.pressTimes)).at(-1);
    const jobs = (await work()).posted.filter(({ at }) => at >= clicked && at <= done).map(({ job }) => job);
    return { page: done - clicked, test: Date.now() - started, jobs };
  };
  const first = await press();
  // The bench's target for a press after idle (row a) is 0.3 s on a quiet machine. Here, on two cores
  // shared with other builds (load average 10-14), the same press took 190-710 ms on the page's own clock
  // (the test's clock adds Playwright's round trips and polling: 270-1160 ms), so a time bound would judge
  // the machine. What makes the press quick is that it makes no key and stretches no password: its
  // keys and stretched CA password come from what was made ahead. Its jobs are those of a press and
  // nothing more (a cold press also has 4 makeKey and a stretchCaPassword).
  expect(first.jobs, `the jobs of the press (${first.page.toFixed(0)} ms on the page's clock)`).toEqual(['parseDeviceList', 'validateChainSpec', 'buildChain', 'zipFiles']);
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
  const work = await watchWorkerJobs(page);
  await openStudio(page);
  const ahead = page.locator('#keys-ahead');
  // The defaults (4 RSA-4096 keys) take seconds: long enough to hide the tab meanwhile.
  await expect(ahead).toContainText('Making keys ahead for the next press (4 × RSA 4096)');
  // Counted in the same task as the change, so no job can finish or start between.
  const setVisibility = (state) => page.evaluate((value) => {
    const count = () => { const { posted, made, running } = window.workerJobs(); return { posted: posted.length, made, running }; };
    const before = count();
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => value });
    document.dispatchEvent(new Event('visibilitychange'));
    return { before, after: count() };
  }, state);
  const counted = async () => { const { posted, made, running } = await work(); return { posted: posted.length, made, running }; };
  const hiding = await setVisibility('hidden');
  expect(hiding.before.running, 'a key job was running when the tab was hidden').toBeGreaterThan(0);
  expect(hiding.after.running, 'hiding the tab stops every job at once (its worker is stopped)').toBe(0);
  await expect(ahead).toBeHidden();
  // Four RSA-4096 keys take about 2 s when their job runs: 3 s hidden, and not one more key or job.
  await page.waitForTimeout(3000);
  expect(await counted(), 'no job posted and no key made while hidden').toEqual(hiding.after);
  await setVisibility('visible');
  await expect(ahead).toContainText('Keys ready for the next press (4 × RSA 4096)', { timeout: 60_000 });
  const shown = await counted();
  expect(shown.made - hiding.after.made, 'the whole set made again once shown').toBeGreaterThanOrEqual(4);
});

test('screenshots of every tab for the README (docs/screenshots)', async ({ page }, testInfo) => {
  const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS ? DOCS_SCREENSHOTS : testInfo.outputPath('screenshots');
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  const shots = new Map();
  const shoot = async (name) => {
    await page.evaluate(() => window.scrollTo(0, 0));
    shots.set(name, await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) }));
  };
  await openStudio(page);
  await generateEcChain(page);
  // Each shot shows what its name says: its tab open (and, for the chain, the result with its files).
  await tab(page, TABS[0].name).click();
  await expectOpen(page, TABS[0]);
  await expect(page.locator('#result-panel').getByRole('button', { name: 'Download ZIP' })).toBeVisible();
  await shoot('chain');
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
    await expectOpen(page, t);
    await shoot(t.id);
  }
  await page.emulateMedia({ colorScheme: 'dark' });
  await tab(page, TABS[0].name).click();
  await expectOpen(page, TABS[0]);
  await shoot('chain-dark');

  // The files themselves: PNGs of the viewport, no two alike, and the dark one dark. Read in a page of
  // its own (the studio's CSP allows no image from a Blob).
  const reader = await page.context().newPage();
  const measured = {};
  for (const [name, png] of shots) {
    measured[name] = await reader.evaluate(async (base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const image = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(image.width, image.height);
      const context = canvas.getContext('2d');
      context.drawImage(image, 0, 0);
      const { data } = context.getImageData(0, 0, image.width, image.height);
      let sum = 0;
      for (let i = 0; i < data.length; i += 4) sum += 0.2126 * data[i] + 0.7152 * data[i + 1] + 0.0722 * data[i + 2];
      return { width: image.width, height: image.height, luminance: sum / (data.length / 4) / 255 };
    }, png.toString('base64'));
  }
  await reader.close();
  for (const [name, { width, height }] of Object.entries(measured)) expect([width, height], name).toEqual([1280, 900]);
  expect(new Set([...shots.values()].map((png) => png.toString('base64'))).size, 'every screenshot differs').toBe(shots.size);
  expect(measured.chain.luminance, 'the light theme is light').toBeGreaterThan(0.6);
  expect(measured['chain-dark'].luminance, 'the dark theme is dark').toBeLessThan(0.3);
});
