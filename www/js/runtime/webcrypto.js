// What the browser's own WebCrypto does faster than the wasm core: RSA keys
// (several times faster than wasm bignum code), RSA signatures (about eight
// times) and PBKDF2 (about three times). Each returns undefined, or throws,
// when WebCrypto cannot; the caller then has the core do it.

const RSA_BITS = { 'rsa-2048': 2048, 'rsa-3072': 3072, 'rsa-4096': 4096 };
const RSA_SIGNING = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };

export function isRsa(algorithm) {
  return Object.hasOwn(RSA_BITS, algorithm);
}

export function webCryptoAvailable() {
  return Boolean(globalThis.crypto?.subtle);
}

/** An RSA key as PKCS#8 DER; undefined for other algorithms or without WebCrypto. */
export async function rsaKey(algorithm) {
  if (!isRsa(algorithm) || !webCryptoAvailable()) return undefined;
  const pair = await crypto.subtle.generateKey(
    { ...RSA_SIGNING, modulusLength: RSA_BITS[algorithm], publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ['sign', 'verify'],
  );
  return new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
}

/** A password stretched by PBKDF2-SHA256 as `{ salt, iterations, key }`; undefined without WebCrypto. */
export async function stretchPassword(password, iterations) {
  if (!webCryptoAvailable()) return undefined;
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const base = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, base, 256);
  return { salt, iterations, key: new Uint8Array(bits) };
}

/**
 * Signs each `{ keyIndex, message }` with `keys[keyIndex]` (RSA PKCS#8 DER),
 * all at once; each key is imported once.
 */
export async function rsaSignatures(requests, keys) {
  const imported = new Map();
  const signingKey = (index) => {
    if (!imported.has(index)) imported.set(index, crypto.subtle.importKey('pkcs8', keys[index], RSA_SIGNING, false, ['sign']));
    return imported.get(index);
  };
  return Promise.all(
    requests.map(async ({ keyIndex, message }) => new Uint8Array(await crypto.subtle.sign(RSA_SIGNING, await signingKey(keyIndex), message))),
  );
}
