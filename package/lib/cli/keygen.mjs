// Private keys as PKCS#8 DER, the form every studio function takes. Node's
// crypto (OpenSSL) is the fast path; the studio's Rust core (generateKey) is
// the fallback where Node's crypto is missing, and on request.

import { generateKeyPairSync } from 'node:crypto';

const NODE_PARAMS = {
  'rsa-2048': ['rsa', { modulusLength: 2048, publicExponent: 0x10001 }],
  'rsa-3072': ['rsa', { modulusLength: 3072, publicExponent: 0x10001 }],
  'rsa-4096': ['rsa', { modulusLength: 4096, publicExponent: 0x10001 }],
  'ec-p256': ['ec', { namedCurve: 'prime256v1' }],
  'ec-p384': ['ec', { namedCurve: 'secp384r1' }],
};

/** One key of `algorithm`; `studio` is the loaded main module (for the Rust generator). */
export function makeKey(algorithm, generator, studio) {
  if (generator === 'node' && typeof generateKeyPairSync === 'function') {
    const [type, params] = NODE_PARAMS[algorithm];
    const { privateKey } = generateKeyPairSync(type, { ...params, privateKeyEncoding: { type: 'pkcs8', format: 'der' }, publicKeyEncoding: { type: 'spki', format: 'der' } });
    return new Uint8Array(privateKey.buffer, privateKey.byteOffset, privateKey.byteLength);
  }
  return studio.generateKey(algorithm);
}
