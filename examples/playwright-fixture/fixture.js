// A Playwright fixture that mints a fresh certificate chain for every test,
// through the cert-studio package: root → intermediate → devices, written in
// the tutorial's folder layout under the test's own output folder.
//
//   import { test as base, expect } from '@playwright/test';
//   import { withCertChain } from './fixture.js';
//   const test = withCertChain(base);
//   test('my device connects', async ({ certChain }) => { certChain.device('device-01').fullChain … });
//
// The chain's settings are a Playwright option: `test.use({ chainSpec: { … } })`
// (any ChainSpec field; the defaults below are quick P-256 keys, CA keys unencrypted).

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeChain } from 'cert-studio';

export const DEFAULT_CHAIN_SPEC = { keyAlgorithm: 'ec-p256', devices: ['device-01'], caKeyPassword: '', validityDays: 1 };

/** `base` (Playwright's `test`, or a project's own extension of it) with `chainSpec` and `certChain` fixtures. */
export function withCertChain(base) {
  return base.extend({
    chainSpec: [DEFAULT_CHAIN_SPEC, { option: true }],
    certChain: async ({ chainSpec }, use, testInfo) => {
      const dir = testInfo.outputPath('certs');
      const { files, chain } = makeChain({ spec: { ...DEFAULT_CHAIN_SPEC, ...chainSpec }, nowMs: Date.now() });
      for (const file of files) {
        const path = join(dir, file.path);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, file.contents, { mode: file.secret ? 0o600 : 0o644 });
      }
      const at = (path) => join(dir, path);
      await use({
        /** The folder: certs/, private/, csr/, snippets/, README.txt. */
        dir,
        /** Every certificate: role, commonName, thumbprints, certificatePath. */
        chain,
        root: at(chain.find((c) => c.role === 'root').certificatePath),
        caChain: at('certs/azure-iot-test-only.chain.ca.cert.pem'),
        /** A device's certificate, full chain, key and PFX paths, and its thumbprint. */
        device(id) {
          const entry = chain.find((c) => c.role === 'device' && c.commonName === id);
          if (!entry) throw new Error(`certChain has no device "${id}"; chainSpec.devices lists ${chainSpec.devices}`);
          return {
            certificate: at(entry.certificatePath),
            fullChain: at(`certs/${id}-full-chain.cert.pem`),
            key: at(`private/${id}.key.pem`),
            pfx: at(`certs/${id}-full-chain.cert.pfx`),
            thumbprintSha1: entry.thumbprintSha1,
          };
        },
      });
    },
  });
}
