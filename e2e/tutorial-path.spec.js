// The tutorial path without a wrong turn: what a person sees after each
// click (every problem at once and where it belongs, nothing stale beside a
// new error, the result in view) and what devices signed with an imported CA
// get, checked with OpenSSL.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { download, expect, openStudio, openTab, test } from './fixtures.js';
import { openssl, portalThumbprint, ROOT_CERT, tempDir, unzip } from './chain-checks.js';

const chainForm = (page) => page.locator('#chain-form');

async function generateEcChain(page, { days = '30' } = {}) {
  await chainForm(page).getByLabel('Key type').selectOption('ec-p256');
  await chainForm(page).getByLabel('Validity (days)').fill(days);
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByRole('status')).toContainText('Done:');
}

/** Every file path in an unpacked folder, sorted. */
function listFiles(dir, under = dir) {
  return readdirSync(under).flatMap((name) => {
    const path = join(under, name);
    return statSync(path).isDirectory() ? listFiles(dir, path) : [relative(dir, path)];
  }).sort();
}

/** A self-signed CA and a leaf it signs, by OpenSSL, in a fresh folder (ca.pem, leaf.pem, leaf.key, other.pem: an unrelated root). */
function opensslLeaf() {
  const dir = tempDir('studio-inspect-');
  const run = (...args) => openssl(dir, ...args);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  run('req', '-x509', ...ec, '-keyout', 'ca.key', '-subj', '/CN=Inspect Test Root', '-days', '2', '-out', 'ca.pem',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  run('req', '-x509', ...ec, '-keyout', 'other.key', '-subj', '/CN=Unrelated Root', '-days', '2', '-out', 'other.pem',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  run('req', '-new', ...ec, '-keyout', 'leaf.key', '-subj', '/CN=device-42', '-out', 'leaf.csr');
  run('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-out', 'leaf.pem');
  const read = (name) => readFileSync(join(dir, name), 'utf8');
  return { dir, read };
}

test('every field problem is shown at once, the device error under its text box, and "Not generated" as an error', async ({ page }) => {
  await openStudio(page);
  await chainForm(page).getByLabel('Root CA common name').fill('');
  await chainForm(page).getByLabel('Validity (days)').fill('0');
  await chainForm(page).getByLabel('Device registration IDs').fill('device-01\nbad device');
  await page.getByRole('button', { name: 'Generate' }).click();

  await expect(page.locator('#root-cn-error')).toContainText('The root CA name is empty');
  await expect(page.locator('#validity-days-error')).toContainText('Validity must be a whole number of days');
  await expect(page.locator('#devices-error')).toContainText('Registration ID "bad device" contains a space');
  // Right under the text box, above the list-file control.
  await expect(page.locator('#devices + #devices-error')).toBeVisible();
  const box = await page.locator('#devices').boundingBox();
  const note = await page.locator('#devices-error').boundingBox();
  const fileInput = await page.locator('#devices-file').boundingBox();
  expect(note.y).toBeGreaterThanOrEqual(box.y + box.height - 1);
  expect(note.y).toBeLessThan(fileInput.y);
  await expect(page.locator('#status-text')).toContainText('Not generated');
  await expect(page.locator('#status-text')).toHaveClass(/failed/);
});

test('while a chain is being made the other Generate buttons are disabled; after it the result heading has focus, in view on a phone', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openStudio(page);
  // RSA 4096 with the Rust generator: long enough to look at the buttons.
  await page.getByLabel('RSA key generator').selectOption('rust');
  await page.getByRole('button', { name: 'Generate' }).click();
  // On their own tabs: found there by id.
  const edge = page.locator('#edge-generate');
  await expect(edge).toHaveAttribute('aria-disabled', 'true');
  await expect(page.locator('#enrollment-generate')).toHaveAttribute('aria-disabled', 'true');
  await page.locator('#chain-form').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('status')).toContainText('Cancelled');
  await expect(edge).toHaveAttribute('aria-disabled', 'false');

  await page.getByLabel('RSA key generator').selectOption('webcrypto');
  await generateEcChain(page);
  // The result's head: its heading, with Download ZIP beside it.
  const heading = page.getByRole('heading', { name: 'Chain made', exact: true });
  await expect(heading).toBeFocused();
  await expect(heading).toBeInViewport();
});

test('Inspect keeps its last result through a failed try and says so, CSR signing drops it; inspecting nothing says so', async ({ page }) => {
  const { dir, read } = opensslLeaf();
  await openStudio(page);
  await openTab(page, 'Inspect');
  await page.fill('#inspect-paste', read('leaf.pem') + read('ca.pem'));
  await page.getByRole('button', { name: 'Inspect', exact: true }).click();
  await expect(page.locator('#inspect-result .verdict')).toHaveClass(/ok/);

  await page.fill('#inspect-paste', '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n');
  await page.getByRole('button', { name: 'Inspect', exact: true }).click();
  await expect(page.locator('#status-text')).toContainText('Inspect failed');
  // The result of the files before stays (issue 23), and the status line says whose it is.
  await expect(page.locator('#status-text')).toContainText('The result below is still the one before.');
  await expect(page.locator('#inspect-result .verdict')).toHaveClass(/ok/);

  await page.fill('#inspect-paste', '');
  await page.getByRole('button', { name: 'Inspect', exact: true }).click();
  await expect(page.locator('#inspect-files-error')).toContainText('Choose, drop or paste');
  await expect(page.locator('#status-text')).not.toContainText('Inspected.');

  // The CSR step: issued once, then a file that is no CSR.
  await openTab(page, 'Bring your own CA');
  await page.setInputFiles('#ca-files', [join(dir, 'ca.pem'), join(dir, 'ca.key')]);
  await page.getByRole('button', { name: 'Import CA' }).click();
  await expect(page.locator('.ca-item')).toHaveCount(1);
  await page.setInputFiles('#csr-file', join(dir, 'leaf.csr'));
  await page.getByRole('button', { name: 'Sign CSR' }).click();
  await expect(page.locator('#csr-result')).toContainText('device-42');
  await page.setInputFiles('#csr-file', join(dir, 'ca.key'));
  await page.getByRole('button', { name: 'Sign CSR' }).click();
  await expect(page.locator('#csr-file-error')).toBeVisible();
  await expect(page.locator('#csr-result')).toBeEmpty();
});

test('Inspect: a lone leaf is said to miss its issuer, a key that fits no certificate is a verdict, an unrelated root is named once', async ({ page }) => {
  const { read } = opensslLeaf();
  await openStudio(page);
  await openTab(page, 'Inspect');
  const inspect = async (text) => {
    await page.fill('#inspect-paste', text);
    await page.getByRole('button', { name: 'Inspect', exact: true }).click();
    await expect(page.locator('#status-text')).toContainText('Inspected.');
  };
  const result = page.locator('#inspect-result');

  await inspect(read('leaf.pem'));
  await expect(result.locator('.verdict.bad')).toContainText('issued by CN = Inspect Test Root: the certificates above it, up to the self-signed root, are missing');

  await inspect(read('other.pem') + read('leaf.key'));
  await expect(result.locator('.verdict.bad')).toContainText('does not match the certificate');

  await inspect(read('leaf.pem') + read('other.pem'));
  const verdict = await result.locator('.verdict.bad').textContent();
  expect(verdict).toContain('Unrelated Root');
  const text = await result.textContent();
  expect(text.split(verdict).length - 1, 'the verdict is shown once').toBe(1);
});

test('a device signed with the chain made above follows the form (key type, days), shows its expiry, and has the tutorial device\'s 16 files plus README.txt', async ({ page }) => {
  await openStudio(page);
  await generateEcChain(page, { days: '90' });
  const tutorialZip = unzip((await download(page, () => page.locator('#result-panel').getByRole('button', { name: 'Download ZIP' }).click())).path);

  await openTab(page, 'Bring your own CA');
  await page.getByRole('button', { name: 'Use the chain made on the DPS chain tab' }).click();
  await page.getByRole('radio', { name: /Intermediate CA/ }).check();
  await page.fill('#ca-devices', 'dev-x');
  await page.getByRole('button', { name: 'Sign devices' }).click();
  const expiry = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
  await expect(page.locator('#ca-sign-result .signed-devices')).toContainText(`dev-x · ECDSA P-256`);
  await expect(page.locator('#ca-sign-result .signed-devices')).toContainText(expiry);

  const signed = unzip((await download(page, () => page.locator('#ca-sign-result').getByRole('button', { name: 'Download ZIP' }).click())).path);
  const tutorialDevice = listFiles(tutorialZip).filter((path) => /(^|[/.])device-01[.-]/.test(path)).map((path) => path.replace('device-01', 'dev-x'));
  expect(tutorialDevice).toHaveLength(16);
  expect(listFiles(signed)).toEqual([...tutorialDevice, 'README.txt'].sort());

  const cert = 'certs/dev-x.cert.pem';
  expect(openssl(signed, 'verify', '-CAfile', join(tutorialZip, ROOT_CERT), '-untrusted', 'certs/dev-x-full-chain.cert.pem', cert).trim()).toBe(`${cert}: OK`);
  const text = openssl(signed, 'x509', '-in', cert, '-noout', '-text');
  expect(text).toContain('prime256v1');
  const dates = openssl(signed, 'x509', '-in', cert, '-noout', '-startdate', '-enddate');
  const [start, end] = dates.trim().split('\n').map((line) => Date.parse(line.slice(line.indexOf('=') + 1)));
  expect(Math.round((end - start) / 86_400_000)).toBe(90);
});

test('after Generate, filling the Sample settings rewrites every snippet (page and ZIP) while the root stays the same', async ({ page }) => {
  await openStudio(page);
  await generateEcChain(page);
  const rootThumbprint = await page.locator('#chain-view .node-root .thumb-value').first().textContent();
  const snippets = page.locator('#snippets-view');
  await expect(snippets.locator('.placeholder-hint')).toBeVisible();
  await expect(snippets).not.toContainText('generate again');

  await page.getByLabel('DPS ID scope').fill('0ne00ABC123');
  await page.getByLabel('IoT hub name').fill('tutorial-hub');
  await page.getByLabel('Certificate folder on the device').fill('/home/pi/certs');
  await page.getByLabel('DPS name').fill('tutorial-dps');
  await page.getByLabel('Resource group').fill('tutorial-group');
  await expect(page.getByRole('status')).toContainText('The snippets follow the new Sample settings');
  await expect(snippets.locator('.placeholder-hint')).toHaveCount(0);
  await expect(snippets.getByLabel('Device', { exact: true })).toHaveValue('0'); // device-01 first
  await snippets.getByRole('tab', { name: 'Python · bash' }).click();
  await expect(snippets.getByRole('tabpanel')).toContainText('0ne00ABC123');
  await expect(page.locator('#chain-view .node-root .thumb-value').first()).toHaveText(rootThumbprint);

  const dir = unzip((await download(page, () => page.locator('#result-panel').getByRole('button', { name: 'Download ZIP' }).click())).path);
  expect(portalThumbprint(dir, ROOT_CERT)).toBe(rootThumbprint);
  for (const id of ['device-01', 'device-02']) {
    expect(readFileSync(join(dir, `snippets/${id}.provision_x509.py.env.sh`), 'utf8')).toContain('0ne00ABC123');
    expect(readFileSync(join(dir, `snippets/${id}.Add-AzIoTDeviceProvisioningServiceEnrollment.ps1`), 'utf8')).toContain('tutorial-dps');
  }
  // No snippet is left with a Sample setting's placeholder.
  for (const path of listFiles(dir).filter((p) => p.startsWith('snippets/'))) {
    expect(readFileSync(join(dir, path), 'utf8'), path).not.toMatch(/<your-(id-scope|hub-name|certificate-folder|dps-name|resource-group)>/);
  }
  expect(readFileSync(join(dir, 'README.txt'), 'utf8')).not.toContain('generate again');
});

test('a chain comes with the enrollment-group command, in the snippet view and the ZIP', async ({ page }) => {
  await openStudio(page);
  await generateEcChain(page);
  const snippets = page.locator('#snippets-view');
  await snippets.getByLabel('Device', { exact: true }).selectOption({ label: 'enrollment-group' });
  await snippets.getByRole('tab', { name: 'Enrollment group · az' }).click();
  await expect(snippets.getByRole('tabpanel')).toContainText('az iot dps enrollment-group create');
  await snippets.getByRole('tab', { name: 'Enrollment group · PowerShell' }).click();
  await expect(snippets.getByRole('tabpanel')).toContainText('EnrollmentGroup');
  const dir = unzip((await download(page, () => page.locator('#result-panel').getByRole('button', { name: 'Download ZIP' }).click())).path);
  expect(readFileSync(join(dir, 'snippets/enrollment-group.az-cli.sh'), 'utf8')).toContain('az iot dps enrollment-group create');
});

test('a verification code with a non-hex character is refused at its field; an unusual length is made with a warning, the button busy meanwhile', async ({ page }) => {
  await openStudio(page);
  await generateEcChain(page);
  await openTab(page, 'Bring your own CA');
  await page.getByRole('button', { name: 'Use the chain made on the DPS chain tab' }).click();
  await expect(page.locator('#verification-code-hint')).toContainText('48 hexadecimal digits');

  await page.fill('#verification-code', '9D4A1C...');
  await page.getByRole('button', { name: 'Make verification certificate' }).click();
  await expect(page.locator('#verification-code-error')).toContainText("'.'");
  await expect(page.locator('#verification-code')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#verification-result')).toBeEmpty();

  await page.fill('#verification-code', '9D4A1C');
  // The button says it is busy while the certificate is made (seconds with an RSA 4096 CA).
  await page.evaluate(() => {
    const button = document.getElementById('verification-make');
    window.busySeen = [];
    new MutationObserver(() => window.busySeen.push(button.getAttribute('aria-busy'))).observe(button, { attributes: true, attributeFilter: ['aria-busy'] });
  });
  await page.getByRole('button', { name: 'Make verification certificate' }).click();
  await expect(page.locator('#verification-result')).toContainText('Signed by');
  expect(await page.evaluate(() => window.busySeen)).toEqual(['true', null]);
  await expect(page.locator('#verification-result .warning')).toContainText('48');
  await expect(page.locator('#verification-code-error')).toBeHidden();
});
