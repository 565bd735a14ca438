// The jobs a pool worker can run: `name(args, { progress }) → result`.
// Each runs inside a worker with the wasm already loaded. Add a job here and
// call it from the page with `pool.run('name', args)`.

/**
 * The loaded module's bindings (worker.js sets them once the wasm is ready):
 * the main module's, or the CA panel's, which has every binding.
 */
let bindings = {};

export function useBindings(loaded) {
  bindings = loaded;
}

/** Calls a binding of the loaded module; the main module has no import / inspect ones. */
function call(name, ...args) {
  if (typeof bindings[name] !== 'function') {
    throw new Error(`The studio's ${bindings.importCa ? '' : 'main '}WebAssembly module has no ${name}; it is in the CA panel's module (pkg/cert_studio_ca.js).`);
  }
  return bindings[name](...args);
}

/**
 * The binding's JSON-compatible serializer sends bytes as plain arrays of
 * numbers; a Uint8Array is a tenth of the size and moves between threads free.
 */
function asBytes(contents) {
  return contents instanceof Uint8Array ? contents : Uint8Array.from(contents);
}

const RSA_BITS = { 'rsa-2048': 2048, 'rsa-3072': 3072, 'rsa-4096': 4096 };

export const jobs = {
  /** `{ spec }` → the number of keys the chain needs; throws with `.field`. */
  validateChainSpec({ spec }) {
    return call('validateChainSpec', spec);
  },

  /** `{ algorithm }` → PKCS#8 DER (Uint8Array), made by the Rust core. */
  generateKey({ algorithm }) {
    return call('generateKey', algorithm);
  },

  /**
   * `{ algorithm, generator }` → `{ key, generator }`: RSA keys from the
   * browser's WebCrypto when `generator` is 'webcrypto' (several times faster
   * than any wasm bignum code), everything else and every fallback from the
   * Rust core. `generator` in the result says which made the key.
   */
  async makeKey({ algorithm, generator }) {
    const bits = RSA_BITS[algorithm];
    if (bits && generator === 'webcrypto' && globalThis.crypto?.subtle) {
      try {
        const pair = await crypto.subtle.generateKey(
          { name: 'RSASSA-PKCS1-v1_5', modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
          true,
          ['sign', 'verify'],
        );
        return { key: new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey)), generator: 'WebCrypto' };
      } catch (error) {
        return { key: call('generateKey', algorithm), generator: `Rust (WebCrypto failed: ${error.message})` };
      }
    }
    return { key: call('generateKey', algorithm), generator: 'Rust' };
  },

  /** `{ spec, keys, nowMs }` → `{ files, chain }` (see the crate's buildChain). */
  buildChain({ spec, keys, nowMs }) {
    const { files, chain } = call('buildChain', spec, keys, nowMs);
    return { files: files.map((file) => ({ ...file, contents: asBytes(file.contents) })), chain };
  },

  /** `{ spec, nowMs }` → the key algorithms the IoT Edge chain needs, in order; throws with `.field`. */
  edgeKeyAlgorithms({ spec, nowMs }) {
    return call('edgeKeyAlgorithms', spec, nowMs);
  },

  /** `{ spec, keys, nowMs }` → `{ files, chain }` of the IoT Edge certificates. */
  makeEdgeChain({ spec, keys, nowMs }) {
    const { files, chain } = call('makeEdgeChain', spec, keys, nowMs);
    return { files: files.map((file) => ({ ...file, contents: asBytes(file.contents) })), chain };
  },

  /** `{ spec }` → 1 or 2, the number of keys the enrollment needs; throws with `.field`. */
  validateEnrollmentSpec({ spec }) {
    return call('validateEnrollmentSpec', spec);
  },

  /** `{ spec, keys, nowMs }` → `{ files, chain }` of the individual enrollment (primary first). */
  makeIndividualEnrollment({ spec, keys, nowMs }) {
    const { files, chain } = call('makeIndividualEnrollment', spec, keys, nowMs);
    return { files: files.map((file) => ({ ...file, contents: asBytes(file.contents) })), chain };
  },

  /** `{ files: [{ path, contents, secret? }] }` → the ZIP's bytes. */
  zipFiles({ files }) {
    return call('zipFiles', files);
  },

  // Bring your own CA. Imported CAs (and their keys) live inside this
  // worker's wasm instance, so these jobs run on a pool of one worker, the
  // CA panel's, with the CA panel's module (the main module lacks them).

  /** `{ files: [{ name, contents }], password?, nowMs }` → `{ cas }`. */
  importCa(args) {
    return call('importCa', args);
  },

  /** `{ id }` → whether the CA was loaded. */
  forgetCa({ id }) {
    return call('forgetCa', id);
  },

  /** `{ caId, code, nowMs }` → `{ commonName, thumbprintSha1, certificatePem, files }`. */
  makeVerificationCertificate({ caId, code, nowMs }) {
    return call('makeVerificationCertificate', caId, code, nowMs);
  },

  /** `{ caId, devices, chain?, keyAlgorithm?, nowMs }` → `{ files }`. */
  signDevices(args) {
    return call('signDevices', args);
  },

  /** `{ caId, csr: { name, contents }, profile, nowMs }` → `{ commonName, thumbprintSha1, file }`. */
  signCsr(args) {
    return call('signCsr', args);
  },

  /** `{ files, password?, nowMs }` → `{ certificates, requests, keys, chain }`. */
  inspect(args) {
    return call('inspect', args);
  },
};
