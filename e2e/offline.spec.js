// The offline single file (issue 6): www/cert-studio-offline.html opened from
// file:// in a browser context with no network makes the tutorial chain, and
// its ZIP passes the same OpenSSL checks as the served studio's.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test, expect, openTab } from './fixtures.js';
import { CHAIN_CA, checkTutorialChain, openssl, ROOT_CERT, tempDir, unzip } from './chain-checks.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const OFFLINE_FILE = join(REPO, 'www', 'cert-studio-offline.html');

async function openOffline(page, context) {
  await context.setOffline(true);
  const requests = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(pathToFileURL(OFFLINE_FILE).href);
  await expect(page.getByRole('status')).toContainText('Ready.');
  return requests;
}

async function generateAndDownload(page) {
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByRole('status')).toContainText('Done:');
  const [zip] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download ZIP' }).click()]);
  const path = join(tempDir('studio-offline-'), zip.suggestedFilename());
  await zip.saveAs(path);
  return unzip(path);
}

test('the single file is what its .sha256 says, and its CSP allows scripts and styles only by hash', () => {
  const html = readFileSync(OFFLINE_FILE);
  const [digest, name] = readFileSync(`${OFFLINE_FILE}.sha256`, 'utf8').trim().split(/\s+/);
  expect(name).toBe('cert-studio-offline.html');
  expect(createHash('sha256').update(html).digest('hex')).toBe(digest);

  const text = html.toString('utf8');
  const csp = text.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/)[1];
  const directives = Object.fromEntries(csp.split(/;\s*/).map((part) => { const [key, ...values] = part.split(' '); return [key, values]; }));
  expect(directives['default-src']).toEqual(["'none'"]);
  expect(directives['connect-src']).toEqual(["'none'"]);
  expect(directives['worker-src']).toEqual(['blob:']);
  expect(csp).not.toContain('unsafe-inline');
  const hashOf = (body) => `'sha256-${createHash('sha256').update(body).digest('base64')}'`;
  const scripts = [...text.matchAll(/<script type="module">([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  const styles = [...text.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]);
  expect(scripts).toHaveLength(1);
  expect(styles).toHaveLength(1);
  expect(directives['script-src']).toEqual([hashOf(scripts[0]), "'wasm-unsafe-eval'"]);
  expect(directives['style-src']).toEqual([hashOf(styles[0])]);
  // Nothing is loaded from anywhere: no src= or stylesheet links left.
  expect(text).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet/);
  expect(text).not.toContain('Save this studio for offline use');
});

test('offline from file://: the EC P-256 chain downloads as a ZIP that OpenSSL verifies, and the CA panel works', async ({ page, context }) => {
  const requests = await openOffline(page, context);
  await page.locator('#chain-form').getByLabel('Key type').selectOption('ec-p256');
  const dir = await generateAndDownload(page);
  checkTutorialChain(dir, { intermediates: 1, devices: ['device-01', 'device-02'] });
  expect(openssl(dir, 'x509', '-in', ROOT_CERT, '-noout', '-text')).toContain('NIST CURVE: P-256');
  // The CA panel too: the chain just made, imported, makes a verification certificate.
  await openTab(page, 'Bring your own CA');
  await page.getByRole('button', { name: 'Use the chain made on the DPS chain tab' }).click();
  await expect(page.locator('.ca-item')).not.toHaveCount(0);
  await page.fill('#verification-code', '1B1F84DE79B9BD5F16D71E92709917C2A1CA19D5A156CB9F');
  await page.getByRole('button', { name: 'Make verification certificate' }).click();
  await expect(page.locator('#verification-result')).toContainText('1B1F84DE79B9BD5F16D71E92709917C2A1CA19D5A156CB9F');
  // Only the file itself and the Blob URLs of its workers and downloads.
  expect(requests.filter((url) => !url.startsWith('blob:') && !url.startsWith('data:'))).toEqual([pathToFileURL(OFFLINE_FILE).href]);
});

test('offline from file://: the default RSA-4096 chain verifies', async ({ page, context }) => {
  await openOffline(page, context);
  await expect(page.locator('#chain-form').getByLabel('Key type')).toHaveValue('rsa-4096');
  const dir = await generateAndDownload(page);
  checkTutorialChain(dir, { intermediates: 1, devices: ['device-01', 'device-02'] });
  expect(openssl(dir, 'x509', '-in', ROOT_CERT, '-noout', '-text')).toContain('Public-Key: (4096 bit)');
});

test('offline from file://: a 30-device batch streams into a ZIP whose chains verify', async ({ page, context }) => {
  await openOffline(page, context);
  await page.locator('#chain-form').getByLabel('Key type').selectOption('ec-p256');
  await page.getByLabel('Device registration IDs').fill('line-{01..30}');
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByRole('status')).toContainText('Done: a batch of 30 devices.');
  const [zip] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download ZIP' }).click()]);
  const path = join(tempDir('studio-offline-'), zip.suggestedFilename());
  await zip.saveAs(path);
  const dir = unzip(path);
  const certs = Array.from({ length: 30 }, (_, i) => `certs/line-${String(i + 1).padStart(2, '0')}.cert.pem`);
  const verified = openssl(dir, 'verify', '-CAfile', ROOT_CERT, '-untrusted', CHAIN_CA, ...certs);
  expect(verified.trim().split('\n')).toEqual(certs.map((cert) => `${cert}: OK`));
});

test('the served page offers the single file and its SHA-256 for download', async ({ page }) => {
  await page.goto('/');
  const save = async (name) => {
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name }).click()]);
    const path = join(tempDir('studio-save-'), file.suggestedFilename());
    await file.saveAs(path);
    return { name: file.suggestedFilename(), bytes: readFileSync(path) };
  };
  const html = await save('Save this studio for offline use');
  expect(html.name).toBe('cert-studio-offline.html');
  expect(html.bytes).toEqual(readFileSync(OFFLINE_FILE));
  const sum = await save('its SHA-256');
  expect(sum.name).toBe('cert-studio-offline.html.sha256');
  expect(sum.bytes.toString()).toBe(`${createHash('sha256').update(html.bytes).digest('hex')}  cert-studio-offline.html\n`);
});

test('the served page, under its offline link, and the offline file name the version and commit they were built from', async ({ page, context }) => {
  const version = readFileSync(join(REPO, 'crate', 'Cargo.toml'), 'utf8').match(/^version = "([^"]+)"/m)[1];
  const head = execFileSync('git', ['-C', REPO, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  await page.goto('/');
  const served = page.locator('#build-info');
  // Whether the tree was dirty is check_reproducible.py's to check, where the test owns the tree.
  await expect(served).toHaveText(new RegExp(`^cert-studio ${version.replaceAll('.', '\\.')}, built from commit ${head}(-dirty)?$`));
  await expect(page.locator('.offline-save + .build-info')).toHaveCount(1);
  const line = await served.textContent();
  await openOffline(page, context);
  await expect(page.locator('#build-info')).toHaveText(line);
});
