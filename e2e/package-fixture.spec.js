// The example Playwright fixture (examples/playwright-fixture/) as a project
// would use it: a fresh chain per test, minted by the npm package (the
// tarball `make package` writes, unpacked where npm would put it), then
// inspected by the page and checked by OpenSSL.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as studioTest, expect, openTab } from './fixtures.js';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const version = readFileSync(join(REPO, 'crate/Cargo.toml'), 'utf8').match(/^version = "([^"]+)"/m)[1];
const tarball = join(REPO, 'dist', `cert-studio-${version}.tgz`);
if (!existsSync(tarball)) throw new Error(`${tarball} is missing: run \`make package\` first`);
const installed = join(REPO, 'examples/playwright-fixture/node_modules/cert-studio');
rmSync(installed, { recursive: true, force: true });
mkdirSync(installed, { recursive: true });
execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);

const { withCertChain } = await import('../examples/playwright-fixture/fixture.js');
const test = withCertChain(studioTest);
test.use({ chainSpec: { devices: ['fixture-device'] } });

const thumbprints = [];

for (const round of [1, 2]) {
  test(`the fixture's chain (test ${round}) is fresh, verifies, and the page inspects it`, async ({ page, certChain }) => {
    const device = certChain.device('fixture-device');
    const verified = execFileSync('openssl', ['verify', '-CAfile', certChain.root, '-untrusted', certChain.caChain, device.certificate], { encoding: 'utf8' });
    expect(verified).toContain(': OK');
    expect(thumbprints, 'two tests got the same device certificate').not.toContain(device.thumbprintSha1);
    thumbprints.push(device.thumbprintSha1);

    await page.goto('/');
    await openTab(page, 'Inspect');
    await page.fill('#inspect-paste', readFileSync(device.fullChain, 'utf8'));
    await page.getByRole('button', { name: 'Inspect', exact: true }).click();
    await expect(page.locator('#inspect-result .verdict')).toHaveClass(/ok/);
    await expect(page.locator('#inspect-result .inspected')).toHaveCount(3);
    await expect(page.locator('#inspect-result')).toContainText(device.thumbprintSha1);
  });
}
