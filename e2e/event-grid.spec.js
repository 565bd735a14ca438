// The Event Grid tab (issue 24): it opens from its link, makes IP-address
// clients whose ZIP holds what each client needs (openssl checks the chain
// under the uploaded intermediate alone and the address in the SAN; Inspect's
// preflight finds the address where the scheme reads it), shows a
// bad client list at its field, and axe-core finds nothing with a result.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { download, expect, test } from './fixtures.js';
import { openssl, unzip } from './chain-checks.js';

async function violations(page) {
  const { violations: found } = await new AxeBuilder({ page }).analyze();
  return found.map((violation) => `${violation.impact} ${violation.id}: ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

test('the Event Grid tab opens from its link and from the tab list', async ({ page }) => {
  await page.goto('/#event-grid');
  await expect(page.getByRole('tab', { name: 'Event Grid MQTT', exact: true })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('heading', { name: 'Event Grid MQTT broker settings' })).toBeVisible();
  await page.goto('/');
  await expect(page.getByRole('status')).toContainText('Ready.');
  await page.getByRole('tab', { name: 'Event Grid MQTT', exact: true }).click();
  await expect(page).toHaveURL(/#event-grid$/);
  await expect(page.getByRole('status')).toContainText('press Make Event Grid certificates');
});

test('IP clients: the ZIP holds each client\'s chain, key and az line; axe finds nothing', async ({ page }) => {
  await page.goto('/#event-grid');
  await expect(page.getByRole('status')).toContainText('Ready.');
  const form = page.locator('#event-grid-form');
  await form.getByLabel('Validation scheme').selectOption('ip');
  await form.getByLabel('Clients').fill('meter-7=10.0.0.7\nmeter-8=2001:db8::8');
  await form.getByLabel('Namespace').fill('contoso-ns');
  await page.getByRole('button', { name: 'Make Event Grid certificates' }).click();
  await expect(page.getByRole('status')).toContainText('Done:');
  await expect(page.locator('#event-grid-next-steps')).toContainText('IpMatchesAuthenticationName');
  expect(await violations(page)).toEqual([]);

  const zip = await download(page, () => page.locator('#event-grid-download-zip').click());
  expect(zip.name).toBe('event-grid-mqtt-certs.zip');
  const dir = unzip(zip.path);
  const intermediate = 'certs/event-grid.intermediate.ca.cert.pem';
  const script = readFileSync(join(dir, 'snippets/event-grid.az-cli.sh'), 'utf8');
  expect(script).toMatch(/^NAMESPACE='contoso-ns'$/m);
  expect(script).toContain(`--certificate '${intermediate}'`);
  for (const [client, address, shown] of [['meter-7', '10.0.0.7', '10.0.0.7'], ['meter-8', '2001:db8::8', '2001:DB8:0:0:0:0:0:8']]) {
    for (const path of [`certs/${client}.cert.pem`, `certs/${client}-full-chain.cert.pem`, `private/${client}.key.pem`, `certs/${client}-full-chain.cert.pfx`, `snippets/${client}.mosquitto_pub.sh`, `snippets/${client}.paho_client.py`]) {
      expect(existsSync(join(dir, path)), path).toBe(true);
    }
    const chain = `certs/${client}-full-chain.cert.pem`;
    expect(openssl(dir, 'verify', '-partial_chain', '-CAfile', intermediate, '-untrusted', chain, chain)).toContain(': OK');
    expect(openssl(dir, 'x509', '-in', `certs/${client}.cert.pem`, '-noout', '-ext', 'subjectAltName')).toContain(`IP Address:${shown}`);
    expect(script).toContain(`--name '${client}' --authentication-name '${address}' --client-certificate-authentication '{validationScheme:IpMatchesAuthenticationName}'`);
  }
  const readme = readFileSync(join(dir, 'README.txt'), 'utf8');
  expect(readme).toContain('NEXT STEPS IN THE AZURE PORTAL');
  expect(readme).toContain('immediate issuer');

  // Inspect's preflight with the client's scheme and name: the address is where the scheme reads it.
  await page.getByRole('tab', { name: 'Inspect', exact: true }).click();
  await page.locator('#inspect-paste').fill(readFileSync(join(dir, 'certs/meter-7-full-chain.cert.pem'), 'utf8'));
  await page.locator('#inspect-event-grid-scheme').selectOption('ip');
  await page.locator('#inspect-event-grid-name').fill('10.0.0.7');
  await page.locator('#inspect-run').click();
  await expect(page.locator('li[data-rule="event-grid-authentication-name"]')).toHaveClass(/passed/);
  await page.locator('#inspect-event-grid-name').fill('10.0.0.8');
  await page.locator('#inspect-run').click();
  await expect(page.locator('li[data-rule="event-grid-authentication-name"]')).toHaveClass(/failed/);
  expect(await violations(page)).toEqual([]);
});

test('a URI client without its URI is shown at the clients field; thumbprint clients need no CA name', async ({ page }) => {
  await page.goto('/#event-grid');
  await expect(page.getByRole('status')).toContainText('Ready.');
  const form = page.locator('#event-grid-form');
  await form.getByLabel('Validation scheme').selectOption('uri');
  await form.getByLabel('Clients').fill('cam-2');
  await page.getByRole('button', { name: 'Make Event Grid certificates' }).click();
  await expect(page.locator('#eg-clients-error')).toContainText('needs an authentication name');
  expect(await violations(page)).toEqual([]);

  await form.getByLabel('Validation scheme').selectOption('thumbprint');
  await expect(form.getByLabel('CA certificate name')).toBeHidden();
  await form.getByLabel('Clients').fill('sensor-1');
  await page.getByRole('button', { name: 'Make Event Grid certificates' }).click();
  await expect(page.getByRole('status')).toContainText('Done:');
  await expect(page.locator('#event-grid-next-steps')).toContainText('ThumbprintMatch');
  expect(await violations(page)).toEqual([]);
  await page.emulateMedia({ colorScheme: 'dark' });
  expect(await violations(page), 'dark theme').toEqual([]);
  // A phone's width: the tab scrolls down, never sideways.
  await page.setViewportSize({ width: 375, height: 800 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
});
