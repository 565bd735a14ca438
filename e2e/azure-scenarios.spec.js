// The IoT Operations broker and Device Registry tabs (issue 24): each opens
// from its URL, makes its ZIP (checked with openssl, PyYAML and Python
// cryptography), shows a bad name at its field, and axe-core finds nothing.
import AxeBuilder from '@axe-core/playwright';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { download, expect, test } from './fixtures.js';
import { openssl, tempDir, unzip } from './chain-checks.js';

async function violations(page) {
  const { violations: found } = await new AxeBuilder({ page }).analyze();
  return found.map((violation) => `${violation.impact} ${violation.id}: ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

function python(script, ...args) {
  const result = spawnSync('python3', ['-c', script, ...args], { encoding: 'utf8', timeout: 60_000 });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout.trim();
}

async function zipOf(page, owner) {
  const { path } = await download(page, () => page.locator(`#${owner}download-zip`).click());
  return unzip(path);
}

test('the IoT Operations tab opens from its URL and makes the clients, the ConfigMap and the BrokerAuthentication', async ({ page }) => {
  await page.goto('/#iot-operations');
  await expect(page.getByRole('tab', { name: 'IoT Operations broker', exact: true })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('status')).toContainText('Name the MQTT clients');

  const form = page.locator('#aio-panel');
  await form.getByLabel('Clients, one per line').fill('thermostat\n../evil');
  await page.getByRole('button', { name: 'Make broker client certificates' }).click();
  await expect(page.locator('#aio-clients-error')).toContainText('../evil');
  await expect(page.locator('#aio-results')).toBeHidden();

  await form.getByLabel('Clients, one per line').fill('thermostat\nheater=warm');
  await form.getByLabel('ConfigMap of the client root').fill('fabrikam-ca');
  await page.getByRole('button', { name: 'Make broker client certificates' }).click();
  await expect(page.getByRole('status')).toContainText('Done:');
  await expect(page.locator('#aio-next-steps')).toContainText('kubectl apply -f snippets/iot-operations.broker-authentication.yaml');
  expect(await violations(page), 'IoT Operations tab').toEqual([]);

  const dir = await zipOf(page, 'aio-');
  for (const path of ['certs/heater-full-chain.cert.pem', 'private/thermostat.key.pem', 'snippets/iot-operations.client-ca.configmap.sh', 'snippets/iot-operations.mosquitto_pub.sh']) {
    expect(existsSync(join(dir, path)), path).toBe(true);
  }
  expect(readFileSync(join(dir, 'README.txt'), 'utf8')).toContain('kubectl apply -f');
  openssl(dir, 'verify', '-CAfile', 'certs/iot-operations-client.root.ca.cert.pem', '-untrusted', 'certs/iot-operations-client.intermediate.cert.pem', 'certs/heater.cert.pem');
  expect(python('import sys, yaml; s = yaml.safe_load(open(sys.argv[1]))["spec"]["authenticationMethods"][0]["x509Settings"]; print(s["trustedClientCaCert"], s["authorizationAttributes"]["heater"]["attributes"]["group"])',
    join(dir, 'snippets/iot-operations.broker-authentication.yaml'))).toBe('fabrikam-ca warm');
});

const AZURE_CSR = [
  'import sys',
  'from cryptography import x509',
  'from cryptography.hazmat.primitives import hashes, serialization',
  'from cryptography.hazmat.primitives.asymmetric import ec',
  'from cryptography.x509.oid import NameOID',
  'key = ec.generate_private_key(ec.SECP384R1())',
  'name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Microsoft"), x509.NameAttribute(NameOID.COMMON_NAME, "ADR ICA")])',
  'csr = x509.CertificateSigningRequestBuilder().subject_name(name).sign(key, hashes.SHA384())',
  'open(sys.argv[1], "wb").write(csr.public_bytes(serialization.Encoding.PEM))',
].join('\n');

test('the Device Registry tab makes the root, signs the service\'s CSR with it, and makes device CSRs', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('status')).toContainText('Ready.');
  await page.getByRole('tab', { name: 'Device Registry', exact: true }).click();
  await expect(page).toHaveURL(/#device-registry$/);

  await page.locator('#adr-root-panel').getByLabel('Policy name').fill('byor-1');
  await page.getByRole('button', { name: 'Make the root' }).click();
  await expect(page.getByRole('status')).toContainText('Done:');
  await expect(page.locator('#adr-next-steps')).toContainText('device-registry.policy.az-cli.sh');
  const root = await zipOf(page, 'adr-');
  const rootCert = join(root, 'certs/device-registry.root.ca.cert.pem');
  expect(openssl(root, 'x509', '-in', rootCert, '-noout', '-ext', 'basicConstraints')).toContain('CA:TRUE, pathlen:1');

  const csr = join(tempDir('adr-csr-'), 'policy.csr.pem');
  python(AZURE_CSR, csr);
  const sign = page.locator('#adr-sign-panel');
  await sign.getByLabel('Your root: its certificate and key').setInputFiles([rootCert, join(root, 'private/device-registry.root.ca.key.pem')]);
  await sign.getByLabel('The policy’s CSR').setInputFiles(csr);
  await sign.getByLabel('Policy name').fill('byor-1');
  await page.getByRole('button', { name: 'Sign the CSR' }).click();
  await expect(page.getByRole('status')).toContainText('Signed "ADR ICA"');
  await expect(page.locator('#adr-next-steps')).toContainText('activate-policy.az-cli.sh');
  const signed = await zipOf(page, 'adr-');
  openssl(signed, 'verify', '-CAfile', rootCert, 'certs/ADR_ICA.cert.pem');
  expect(openssl(signed, 'x509', '-in', 'certs/ADR_ICA.cert.pem', '-noout', '-subject')).toContain('O = Microsoft, CN = ADR ICA');

  const csrs = page.locator('#adr-csr-panel');
  await csrs.getByLabel('Registration IDs, one per line').fill('sensor-1\nsensor 2');
  await page.getByRole('button', { name: 'Make keys and CSRs' }).click();
  await expect(page.locator('#adr-csr-devices-error')).toContainText('a space');
  await csrs.getByLabel('Registration IDs, one per line').fill('sensor-1\nsensor-2');
  await page.getByRole('button', { name: 'Make keys and CSRs' }).click();
  await expect(page.getByRole('status')).toContainText('Keys and CSRs for 2 device(s)');
  expect(await violations(page), 'Device Registry tab').toEqual([]);
  const devices = await zipOf(page, 'adr-');
  openssl(devices, 'base64', '-d', '-A', '-in', 'csr/sensor-2.csr.b64', '-out', 'sensor-2.der');
  const text = spawnSync('openssl', ['req', '-inform', 'DER', '-in', 'sensor-2.der', '-verify', '-noout', '-subject'], { cwd: devices, encoding: 'utf8' });
  expect(text.stdout + text.stderr).toContain('verify OK');
  expect(text.stdout).toContain('subject=CN = sensor-2');

  // Inspect's preflight with the registration ID: the service's device rule on the CSR, its root rule on the root.
  await page.getByRole('tab', { name: 'Inspect', exact: true }).click();
  await page.setInputFiles('#inspect-files', join(devices, 'csr/sensor-2.csr.pem'));
  await page.setInputFiles('#inspect-uploaded-ca', rootCert);
  await page.getByLabel(/Azure Device Registry: the device's registration ID/).fill('sensor-2');
  await page.getByRole('button', { name: 'Inspect', exact: true }).click();
  await expect(page.locator('li[data-rule="device-registry-device"]')).toHaveClass(/passed/);
  await expect(page.locator('li[data-rule="device-registry-root"]')).toHaveClass(/passed/);
  await page.getByLabel(/Azure Device Registry: the device's registration ID/).fill('sensor-3');
  await page.getByRole('button', { name: 'Inspect', exact: true }).click();
  await expect(page.locator('li[data-rule="device-registry-device"]')).toHaveClass(/failed/);
  await expect(page.locator('li[data-rule="device-registry-device"]')).toContainText('not the registration ID "sensor-3"');
  expect(await violations(page), 'Inspect tab with the Device Registry rules').toEqual([]);
});
