// node-forge RSA key generation in pure JS (no forge sub-workers), the other peer:
// `{ bits, count }` → the milliseconds `count` keys took, each written as PKCS#8 DER.
// forge's browser bundle looks for `window`; in a worker that is `self`.
self.window = self;
importScripts('../e2e/node_modules/node-forge/dist/forge.min.js');
self.addEventListener('message', ({ data: { bits, count } }) => {
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const pair = forge.pki.rsa.generateKeyPair({ bits, workers: 0 });
    forge.asn1.toDer(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(pair.privateKey))).getBytes();
  }
  self.postMessage(performance.now() - started);
});
