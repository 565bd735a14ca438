// Reading what other tools write, through the real page (issue 11): a CA key
// that `openssl pkcs8 -v2prf hmacWithSHA1` encrypted imports with its
// certificate; PFX files without a password import without asking for one;
// Inspect's Azure preflight names 401002 for a device certificate sent alone
// and passes its full chain, shows each certificate's serial as
// `openssl x509 -serial` prints it, and lists the parts it could not read.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { download, expect, openStudio, openTab, test } from './fixtures.js';
import { openssl, tempDir } from './chain-checks.js';

const CODE = '1B1F84DE79B9BD5F16D71E92709917C2A1CA19D5A156CB9F';

const EXTENSIONS = `
[ v3_intermediate_ca ]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always,issuer
basicConstraints = critical, CA:true
keyUsage = critical, digitalSignature, cRLSign, keyCertSign

[ usr_cert ]
basicConstraints = CA:FALSE
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer
keyUsage = critical, nonRepudiation, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth, emailProtection
`;

/** A self-signed RSA-2048 root made by `openssl req -x509`: `<name>.key` (unencrypted) and `<name>.pem`. */
function root(dir, name, cn) {
  openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-subj', `/CN=${cn}`, '-days', '30', '-sha256', '-out', `${name}.pem`);
}

/** Signs `<name>.csr` with `<ca>` under an `EXTENSIONS` section. */
function sign(dir, name, ca, section) {
  openssl(dir, 'x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-days', '30', '-sha256',
    '-extfile', 'ext.cnf', '-extensions', section, '-out', `${name}.pem`);
}

test('a key made by openssl pkcs8 -v2prf hmacWithSHA1 imports with its certificate as a CA, and signs', async ({ page }) => {
  const dir = tempDir('studio-sha1-prf-');
  root(dir, 'root', 'HMAC-SHA1 PRF Root');
  openssl(dir, 'pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA1', '-in', 'root.key', '-passout', 'pass:1234', '-out', 'root.sha1prf.key');
  // OpenSSL writes no PRF when it is hmacWithSHA1 (the DEFAULT); the key is PBES2 with AES-256 all the same.
  const structure = openssl(dir, 'asn1parse', '-in', 'root.sha1prf.key');
  expect(structure).toContain('PBES2');
  expect(structure).toContain('aes-256-cbc');
  expect(structure).not.toContain('hmacWithSHA256');

  await openStudio(page);
  await openTab(page, 'Bring your own CA');
  await page.setInputFiles('#ca-files', [join(dir, 'root.pem'), join(dir, 'root.sha1prf.key')]);
  await page.fill('#ca-password', '1234');
  await page.getByRole('button', { name: 'Import CA' }).click();
  await expect(page.locator('.ca-item')).toHaveCount(1);
  await expect(page.locator('.ca-item')).toContainText('HMAC-SHA1 PRF Root');

  // The key read is the certificate's: OpenSSL accepts what it signs.
  await page.fill('#verification-code', CODE);
  await page.getByRole('button', { name: 'Make verification certificate' }).click();
  const { path } = await download(page, () => page.getByRole('button', { name: 'Download certs/verification-code.cert.pem' }).click());
  expect(openssl(dir, 'verify', '-CAfile', 'root.pem', path)).toContain(': OK');
});

test('PFX files without a password import without asking for one', async ({ page }) => {
  const dir = tempDir('studio-pfx-nopass-');
  root(dir, 'mac', 'Empty Password PFX Root');
  root(dir, 'plain', 'Unencrypted PFX Root');
  // An empty password (with a MAC), and OpenSSL's unencrypted, MAC-less form.
  openssl(dir, 'pkcs12', '-export', '-in', 'mac.pem', '-inkey', 'mac.key', '-passout', 'pass:', '-out', 'mac.pfx');
  openssl(dir, 'pkcs12', '-export', '-in', 'plain.pem', '-inkey', 'plain.key', '-passout', 'pass:', '-nomac', '-keypbe', 'NONE', '-certpbe', 'NONE', '-out', 'plain.pfx');

  await openStudio(page);
  await openTab(page, 'Bring your own CA');
  for (const [file, cn] of [['mac.pfx', 'Empty Password PFX Root'], ['plain.pfx', 'Unencrypted PFX Root']]) {
    await page.setInputFiles('#ca-files', join(dir, file));
    await expect(page.locator('#ca-password')).toHaveValue('');
    await page.getByRole('button', { name: 'Import CA' }).click();
    await expect(page.locator('.ca-item', { hasText: cn })).toHaveCount(1);
    await expect(page.locator('#ca-password-error')).toBeHidden();
    await expect(page.locator('#ca-password')).not.toHaveAttribute('aria-invalid', 'true');
  }
  await expect(page.locator('.ca-item')).toHaveCount(2);
});

test("Inspect's Azure preflight names 401002 for a leaf sent alone and passes the full chain; serials and unreadable parts show", async ({ page }) => {
  const dir = tempDir('studio-preflight-');
  writeFileSync(join(dir, 'ext.cnf'), EXTENSIONS);
  root(dir, 'root', 'Preflight Test Root');
  openssl(dir, 'req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'intermediate.key', '-subj', '/CN=Preflight Test Intermediate', '-out', 'intermediate.csr');
  sign(dir, 'intermediate', 'root', 'v3_intermediate_ca');
  openssl(dir, 'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'device-21.key', '-subj', '/CN=device-21', '-out', 'device-21.csr');
  sign(dir, 'device-21', 'intermediate', 'usr_cert');
  const read = (name) => readFileSync(join(dir, name), 'utf8');
  writeFileSync(join(dir, 'device-21-full-chain.pem'), read('device-21.pem') + read('intermediate.pem') + read('root.pem'));
  // OpenSSL agrees: trusting the uploaded root only, the leaf alone fails and the full chain verifies.
  expect(() => openssl(dir, 'verify', '-CAfile', 'root.pem', 'device-21.pem')).toThrow();
  expect(openssl(dir, 'verify', '-CAfile', 'root.pem', '-untrusted', 'device-21-full-chain.pem', 'device-21.pem')).toContain(': OK');

  await openStudio(page);
  await openTab(page, 'Inspect');
  const result = page.locator('#inspect-result');
  const rules = result.locator('.preflight li');
  const chainRule = result.locator('.preflight li[data-rule="chain-to-uploaded-ca"]');
  await page.setInputFiles('#inspect-uploaded-ca', join(dir, 'root.pem'));

  await page.setInputFiles('#inspect-files', join(dir, 'device-21.pem'));
  await page.getByRole('button', { name: 'Inspect', exact: true }).click();
  await expect(chainRule).toHaveClass('failed');
  await expect(chainRule).toContainText('401002');
  await expect(chainRule).toContainText('CA certificate not found.');
  await expect(chainRule).toContainText('issued by CN = Preflight Test Intermediate');
  await expect(result.getByRole('region', { name: 'Azure preflight' })).toContainText('Uploaded CA: the uploaded CA (CN = Preflight Test Root)');
  await expect(page.getByRole('status')).toContainText('Inspected. Azure preflight: 1 failed, 1 not checked, 7 passed.');

  await page.setInputFiles('#inspect-files', join(dir, 'device-21-full-chain.pem'));
  await page.getByRole('button', { name: 'Inspect', exact: true }).click();
  await expect(rules).toHaveCount(9);
  await expect(result.locator('.preflight li.passed')).toHaveCount(9);
  await expect(chainRule).toContainText('The chain reaches the uploaded CA');
  await expect(page.getByRole('status')).toContainText('Inspected. Azure preflight: 9 passed.');

  // Every certificate's serial as `openssl x509 -serial` prints it.
  for (const name of ['device-21.pem', 'intermediate.pem', 'root.pem']) {
    await expect(result).toContainText(openssl(dir, 'x509', '-in', name, '-noout', '-serial').trim());
  }

  // A damaged block beside a good certificate is named, with its reason, and the rest is still shown.
  writeFileSync(join(dir, 'with-damage.pem'), `${read('device-21.pem')}-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n`);
  await page.setInputFiles('#inspect-files', join(dir, 'with-damage.pem'));
  await page.getByRole('button', { name: 'Inspect', exact: true }).click();
  const unreadable = result.locator('.unreadable li');
  await expect(unreadable).toHaveCount(1);
  await expect(unreadable).toContainText('with-damage.pem');
  await expect(result.locator('.inspected')).toHaveCount(1);
});
