// Raw WebCrypto RSA key generation, the peer of the studio's generateKey job:
// `{ bits, count }` → the milliseconds `count` extractable keys took, each exported as PKCS#8.
self.addEventListener('message', async ({ data: { bits, count } }) => {
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const pair = await crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    );
    await crypto.subtle.exportKey('pkcs8', pair.privateKey);
  }
  self.postMessage(performance.now() - started);
});
