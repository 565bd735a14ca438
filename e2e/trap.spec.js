// A wasm trap in a worker (issue 6): the worker is replaced, the page says
// what happened, and the form and the last result stay. No input is known to
// trap the studio (the fuzz targets found none), so this test makes a real
// one: a copy of worker-jobs.js, served to this test only, calls the wasm's
// raw allocator export with a pointer past the end of its memory.
import { test, expect } from './fixtures.js';

const TRAP_CN = 'Trap in the worker';

test('a wasm trap restarts the worker, is reported, and keeps the form and the last result', async ({ page }) => {
  await page.route('**/js/runtime/worker-jobs.js', async (route) => {
    const response = await route.fetch();
    const trapping = `
import initRaw from '../../pkg/cert_studio.js';
const realBuildChain = jobs.buildChain;
jobs.buildChain = async (args) => {
  if (args.spec.rootCn !== ${JSON.stringify(TRAP_CN)}) return realBuildChain(args);
  const raw = await initRaw();
  return raw.__wbindgen_realloc(0xffff0000 | 0, 0x10000, 0x20000, 1);
};
`;
    await route.fulfill({ response, body: (await response.text()) + trapping });
  });
  await page.goto('/');
  await expect(page.getByRole('status')).toContainText('Ready.');
  await page.locator('#chain-form').getByLabel('Key type').selectOption('ec-p256');
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByRole('status')).toContainText('Done:');
  await expect(page.locator('#chain-view .node-device')).toHaveText([/device-01/, /device-02/]);

  await page.getByLabel('Root CA common name').fill(TRAP_CN);
  await page.getByLabel('Device registration IDs').fill('device-05');
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByRole('status')).toContainText('Not generated.');
  await expect(page.locator('#errors')).toContainText('A worker hit an internal error and was restarted');
  await expect(page.locator('#errors')).toContainText('an internal error in the studio; please report it');

  // What the user typed and what was made before are still there.
  await expect(page.getByLabel('Root CA common name')).toHaveValue(TRAP_CN);
  await expect(page.getByLabel('Device registration IDs')).toHaveValue('device-05');
  await expect(page.locator('#chain-form').getByLabel('Key type')).toHaveValue('ec-p256');
  await expect(page.locator('#chain-view .node-device')).toHaveText([/device-01/, /device-02/]);
  await expect(page.getByRole('button', { name: 'Download ZIP' })).toBeVisible();

  // The restarted pool works.
  await page.getByLabel('Root CA common name').fill('After the trap');
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByRole('status')).toContainText('Done:');
  await expect(page.locator('#chain-view .node-root')).toContainText('After the trap');
  await expect(page.locator('#chain-view .node-device')).toHaveText([/device-05/]);
});
