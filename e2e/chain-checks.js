// Checks a downloaded studio ZIP with tools nobody here wrote: Python's
// zipfile to unpack it, the OpenSSL CLI for everything inside.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@playwright/test';

export const ROOT_CERT = 'certs/azure-iot-test-only.root.ca.cert.pem';
export const ROOT_KEY = 'private/azure-iot-test-only.root.ca.key.pem';
export const CHAIN_CA = 'certs/azure-iot-test-only.chain.ca.cert.pem';

/** The tutorial's file stem of intermediate `index` (0 = signed by the root). */
export function intermediateStem(index, count) {
  return count === 1 ? 'azure-iot-test-only.intermediate' : `azure-iot-test-only.intermediate-${index + 1}`;
}

/** Every path the tutorial's folder holds for this chain (issue 2, section 5). */
export function tutorialPaths({ intermediates, devices }) {
  const paths = [ROOT_CERT, ROOT_KEY, CHAIN_CA];
  for (let i = 0; i < intermediates; i++) {
    const stem = intermediateStem(i, intermediates);
    paths.push(`certs/${stem}.cert.pem`, `private/${stem}.key.pem`, `csr/${stem}.csr.pem`);
  }
  for (const id of devices) {
    paths.push(
      `certs/${id}.cert.pem`, `certs/${id}-full-chain.cert.pem`, `private/${id}.key.pem`, `csr/${id}.csr.pem`,
      `snippets/${id}.custom_hsm_example.c`, `snippets/${id}.ProvisioningX509Sample.java`,
    );
  }
  return paths;
}

export function tempDir(prefix = 'studio-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Unpacks with Python's own zipfile module; returns the folder. */
export function unzip(zipPath) {
  const dir = tempDir('studio-zip-');
  execFileSync('python3', ['-m', 'zipfile', '-e', zipPath, dir]);
  return dir;
}

/** Runs openssl in `cwd`; stdin is closed, so a password prompt fails rather than hangs. */
export function openssl(cwd, ...args) {
  return execFileSync('openssl', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function pemBlocks(text) {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
}

function publicKeyOfCertificate(dir, path) {
  return openssl(dir, 'x509', '-in', path, '-noout', '-pubkey');
}

/** A certificate's thumbprint as the Azure portal shows it, from OpenSSL: upper-case hex, no colons. */
export function portalThumbprint(dir, path, digest = 'sha1') {
  const line = openssl(dir, 'x509', '-in', path, '-noout', '-fingerprint', `-${digest}`).trim();
  return line.slice(line.indexOf('=') + 1).replaceAll(':', '').toUpperCase();
}

/** The key file opens (with `password` when given) and holds the certificate's key. */
export function expectKeyOfCertificate(dir, keyPath, certPath, password) {
  const passin = password === undefined ? [] : ['-passin', `pass:${password}`];
  expect(openssl(dir, 'pkey', '-in', keyPath, ...passin, '-pubout'), `${keyPath} holds the key of ${certPath}`).toBe(publicKeyOfCertificate(dir, certPath));
}

/**
 * `openssl req -verify` accepts the CSR's self-signature. OpenSSL 3.0 exits 0
 * even when the signature fails, so its "verify OK" is what counts (as in the
 * Rust tests).
 */
export function expectCsrVerifies(dir, csr) {
  const { status, stderr } = spawnSync('openssl', ['req', '-verify', '-noout', '-in', csr], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  expect(status, `openssl req -verify ${csr}: ${stderr}`).toBe(0);
  expect(stderr, `openssl req -verify ${csr}`).toContain('verify OK');
  expect(stderr, `openssl req -verify ${csr}`).not.toContain('failure');
}

/**
 * The OpenSSL checks of issue 2 on an unpacked ZIP: every device chain and
 * full-chain file verifies against the root, every CSR's signature holds, CA
 * keys open with the password (and only with it; unencrypted when there is
 * none), device keys open with none
 * and match their certificates.
 */
export function checkTutorialChain(dir, { intermediates, devices, password = '1234' }) {
  for (const path of tutorialPaths({ intermediates, devices })) {
    expect(existsSync(join(dir, path)), `${path} is in the ZIP`).toBe(true);
  }
  const root = readFileSync(join(dir, ROOT_CERT), 'utf8');
  const intermediateCerts = Array.from({ length: intermediates }, (_, i) =>
    readFileSync(join(dir, `certs/${intermediateStem(i, intermediates)}.cert.pem`), 'utf8'));
  // The CA chain file: nearest the devices first, the root last.
  expect(readFileSync(join(dir, CHAIN_CA), 'utf8')).toBe([...intermediateCerts].reverse().join('') + root);

  for (const id of devices) {
    const cert = `certs/${id}.cert.pem`;
    expect(openssl(dir, 'verify', '-CAfile', ROOT_CERT, '-untrusted', CHAIN_CA, cert).trim()).toBe(`${cert}: OK`);

    // The full chain, split: device first, then the intermediates, then the root.
    const blocks = pemBlocks(readFileSync(join(dir, `certs/${id}-full-chain.cert.pem`), 'utf8'));
    expect(blocks).toHaveLength(intermediates + 2);
    expect(blocks[0]).toBe(readFileSync(join(dir, cert), 'utf8'));
    expect(blocks.at(-1)).toBe(root);
    const split = tempDir('studio-full-chain-');
    writeFileSync(join(split, 'leaf.pem'), blocks[0]);
    writeFileSync(join(split, 'root.pem'), blocks.at(-1));
    writeFileSync(join(split, 'middle.pem'), blocks.slice(1, -1).join(''));
    const untrusted = intermediates ? ['-untrusted', 'middle.pem'] : [];
    expect(openssl(split, 'verify', '-CAfile', 'root.pem', ...untrusted, 'leaf.pem').trim()).toBe('leaf.pem: OK');

    const key = `private/${id}.key.pem`;
    expect(readFileSync(join(dir, key), 'utf8')).not.toContain('ENCRYPTED');
    expectKeyOfCertificate(dir, key, cert);
    expect(openssl(dir, 'x509', '-in', cert, '-noout', '-subject').trim()).toBe(`subject=CN = ${id}`);
  }

  const csrs = [
    ...Array.from({ length: intermediates }, (_, i) => `csr/${intermediateStem(i, intermediates)}.csr.pem`),
    ...devices.map((id) => `csr/${id}.csr.pem`),
  ];
  for (const csr of csrs) expectCsrVerifies(dir, csr);

  const caKeys = [ROOT_KEY, ...Array.from({ length: intermediates }, (_, i) => `private/${intermediateStem(i, intermediates)}.key.pem`)];
  for (const key of caKeys) {
    if (password) {
      expect(readFileSync(join(dir, key), 'utf8')).toContain('-----BEGIN ENCRYPTED PRIVATE KEY-----');
      openssl(dir, 'pkey', '-in', key, '-passin', `pass:${password}`, '-noout');
      expect(() => openssl(dir, 'pkey', '-in', key, '-passin', 'pass:wrong-password', '-noout')).toThrow();
    } else {
      expect(readFileSync(join(dir, key), 'utf8')).toContain('-----BEGIN PRIVATE KEY-----');
      openssl(dir, 'pkey', '-in', key, '-noout');
    }
  }
}
