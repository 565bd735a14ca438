// Private keys as PKCS#8 DER, the form every studio function takes. Node's
// crypto (OpenSSL) is the fast path; the studio's Rust core (generateKey) is
// the fallback where Node's crypto is missing, and on request.

import { createCipheriv, generateKeyPairSync, sign } from 'node:crypto';

const NODE_PARAMS = {
  'rsa-2048': ['rsa', { modulusLength: 2048, publicExponent: 0x10001 }],
  'rsa-3072': ['rsa', { modulusLength: 3072, publicExponent: 0x10001 }],
  'rsa-4096': ['rsa', { modulusLength: 4096, publicExponent: 0x10001 }],
  'ec-p256': ['ec', { namedCurve: 'prime256v1' }],
  'ec-p384': ['ec', { namedCurve: 'secp384r1' }],
};

/** The hash each algorithm's certificates and CSRs are signed with (ecdsa-with-SHA384 for P-384). */
const SIGNATURE_HASH = { 'ec-p384': 'sha384' };

/** Whether Node's crypto can make and sign with keys here. */
export function nodeCrypto(generator) {
  return generator === 'node' && typeof generateKeyPairSync === 'function';
}

/**
 * A key from Node's crypto: the KeyObject that signs, and its DER (an EC
 * key's carries its public point). PKCS#8, or with `sec1` an EC key as SEC1,
 * which OpenSSL 3 exports in half the time (45 against 88 µs for a new
 * P-256 key): DeviceBatchSignedOutside takes either and keeps PKCS#8.
 */
export function nodeKeyPair(algorithm, { sec1 = false } = {}) {
  const [type, params] = NODE_PARAMS[algorithm];
  const { privateKey } = generateKeyPairSync(type, params);
  const der = privateKey.export({ type: sec1 && type === 'ec' ? 'sec1' : 'pkcs8', format: 'der' });
  return { keyObject: privateKey, der: new Uint8Array(der.buffer, der.byteOffset, der.byteLength) };
}

/** `keyObject`'s signature of `message` as a certificate of `algorithm` carries it (DER ECDSA, or PKCS#1 v1.5). */
export function nodeSign(algorithm, keyObject, message) {
  const signature = sign(SIGNATURE_HASH[algorithm] ?? 'sha256', message, keyObject);
  return new Uint8Array(signature.buffer, signature.byteOffset, signature.byteLength);
}

/** One key of `algorithm`; `studio` is the loaded module (for the Rust generator). */
export function makeKey(algorithm, generator, studio) {
  return nodeCrypto(generator) ? nodeKeyPair(algorithm).der : studio.generateKey({ keyAlgorithm: algorithm }).key;
}

/** AES-256-CBC with PKCS#7 padding in Node's OpenSSL (AES-NI): the PFX files' encryption, for DeviceBatchSignedOutside. */
export function nodeAes256CbcEncrypt(key, iv, plaintext) {
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return new Uint8Array(ciphertext.buffer, ciphertext.byteOffset, ciphertext.byteLength);
}
