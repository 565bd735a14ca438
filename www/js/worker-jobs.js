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
const RSA_SIGNING = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };

/**
 * One key as `{ key, generator }`: RSA keys from the browser's WebCrypto when
 * `generator` is 'webcrypto' (several times faster than any wasm bignum
 * code), everything else and every fallback from the Rust core.
 */
async function makeKey(algorithm, generator) {
  const bits = RSA_BITS[algorithm];
  if (bits && generator === 'webcrypto' && globalThis.crypto?.subtle) {
    try {
      const pair = await crypto.subtle.generateKey(
        { ...RSA_SIGNING, modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]) },
        true,
        ['sign', 'verify'],
      );
      return { key: new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey)), generator: 'WebCrypto' };
    } catch (error) {
      return { key: call('generateKey', algorithm), generator: `Rust (WebCrypto failed: ${error.message})` };
    }
  }
  return { key: call('generateKey', algorithm), generator: 'Rust' };
}

/**
 * The CA key password stretched by the browser's own PBKDF2-SHA256, about
 * three times faster than the same rounds in wasm; the core checks the
 * rounds and stretches it itself when this returns undefined.
 */
async function stretchCaPassword(password) {
  if (!password || !globalThis.crypto?.subtle) return undefined;
  const iterations = call('caKeyPasswordRounds');
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const base = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, base, 256);
  return { salt, iterations, key: new Uint8Array(bits) };
}

/**
 * Runs `make(stretched)` with the spec's CA key password stretched (or with
 * `given`, stretched earlier by the stretchCaPassword job), then wipes it.
 */
async function withStretchedCaPassword(spec, make, given) {
  const stretched = given ?? (await stretchCaPassword(spec.caKeyPassword));
  try {
    return make(stretched);
  } finally {
    stretched?.key.fill(0);
  }
}

/**
 * A chain's RSA signatures made by WebCrypto (about eight times faster than
 * RSA in wasm, and all at once): the core plans what it would sign, WebCrypto
 * signs it, and buildChain builds the chain again with them (see the crate's
 * `presigned` module). Undefined for EC keys, or when WebCrypto can't: then
 * the core signs.
 */
async function presignChain(spec, keys, nowMs) {
  if (!RSA_BITS[spec.keyAlgorithm] || !globalThis.crypto?.subtle) return undefined;
  const { requests, serials } = call('planChainSignatures', spec, keys, nowMs);
  const imported = new Map();
  const signingKey = (index) => {
    if (!imported.has(index)) imported.set(index, crypto.subtle.importKey('pkcs8', keys[index], RSA_SIGNING, false, ['sign']));
    return imported.get(index);
  };
  try {
    const signatures = await Promise.all(
      requests.map(async ({ keyIndex, message }) => new Uint8Array(await crypto.subtle.sign(RSA_SIGNING, await signingKey(keyIndex), message))),
    );
    return { serials, messages: requests.map((r) => r.message), signatures };
  } catch {
    return undefined;
  }
}

/** The batch's ZIP, when this worker is the one writing it (see batch-maker.js). */
let archive = null;

function openArchive() {
  if (!archive) throw new Error('No batch ZIP is open in this worker.');
  return archive;
}

export const jobs = {
  /** `{ spec }` → the number of keys the chain needs; throws with `.field`. */
  validateChainSpec({ spec }) {
    return call('validateChainSpec', spec);
  },

  /** `{ algorithm }` → PKCS#8 DER (Uint8Array), made by the Rust core. */
  generateKey({ algorithm }) {
    return call('generateKey', algorithm);
  },

  /** `{ algorithm, generator }` → `{ key, generator }`; `generator` in the result says which made the key. */
  makeKey({ algorithm, generator }) {
    return makeKey(algorithm, generator);
  },

  /**
   * `{ algorithms, generator }` → `{ keys, generators }`: every key asked for
   * at once (WebCrypto runs them on the browser's own threads); progress is
   * the number of keys done.
   */
  async makeKeys({ algorithms, generator }, { progress }) {
    let done = 0;
    const made = await Promise.all(
      algorithms.map(async (algorithm) => {
        const key = await makeKey(algorithm, generator);
        progress(++done);
        return key;
      }),
    );
    return { keys: made.map((m) => m.key), generators: made.map((m) => m.generator) };
  },

  /** `{ password }` → the CA key password stretched (`{ salt, iterations, key }`), or undefined. */
  stretchCaPassword({ password }) {
    return stretchCaPassword(password);
  },

  /**
   * `{ spec, keys, nowMs, stretched? }` → `{ files, chain }` (see the crate's
   * buildChain); `stretched` from the stretchCaPassword job, or stretched here.
   */
  async buildChain({ spec, keys, nowMs, stretched }) {
    const presigned = await presignChain(spec, keys, nowMs);
    const { files, chain } = await withStretchedCaPassword(spec, (key) => call('buildChain', spec, keys, nowMs, key, presigned), stretched);
    return { files: files.map((file) => ({ ...file, contents: asBytes(file.contents) })), chain };
  },

  /** `{ spec, nowMs }` → the key algorithms the IoT Edge chain needs, in order; throws with `.field`. */
  edgeKeyAlgorithms({ spec, nowMs }) {
    return call('edgeKeyAlgorithms', spec, nowMs);
  },

  /** `{ spec, keys, nowMs, stretched? }` → `{ files, chain }` of the IoT Edge certificates; `stretched` as for buildChain. */
  async makeEdgeChain({ spec, keys, nowMs, stretched }) {
    const { files, chain } = await withStretchedCaPassword(spec, (key) => call('makeEdgeChain', spec, keys, nowMs, key), stretched);
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

  // Batches: the list, the CA once, chunks of devices on any worker, and the
  // ZIP in the one worker that holds it (the archivist pool of one).

  /** `{ text }` → the registration IDs; throws with `.field` naming every bad line. */
  parseDeviceList({ text }) {
    return call('parseDeviceList', text);
  },

  /**
   * `{ spec, keys, nowMs, stretched? }` → `{ files, chain, signerCommonName,
   * signerKey, caCertificates }`; `stretched` as for buildChain.
   */
  async makeBatchCa({ spec, keys, nowMs, stretched }) {
    const ca = await withStretchedCaPassword(spec, (key) => call('makeBatchCa', spec, keys, nowMs, key), stretched);
    return { ...ca, files: ca.files.map((file) => ({ ...file, contents: asBytes(file.contents) })) };
  },

  /**
   * `{ spec, signerCommonName, signerKey, caCertificates, ids, firstIndex, nowMs }` →
   * `{ firstIndex, files, csvRows, readmeExample, generator }`: the devices'
   * keys are made here (RSA by WebCrypto as the spec's keyGenerator says), then signed.
   */
  async issueDeviceChunk({ spec, signerCommonName, signerKey, caCertificates, ids, firstIndex, nowMs }) {
    let keys = [];
    let generator = 'Rust';
    if (RSA_BITS[spec.keyAlgorithm]) {
      const made = await Promise.all(ids.map(() => makeKey(spec.keyAlgorithm, spec.keyGenerator)));
      keys = made.map((m) => m.key);
      generator = made[0]?.generator ?? generator;
    }
    const chunk = call('issueDeviceChunk', spec, signerCommonName, signerKey, caCertificates, ids, firstIndex, keys, nowMs);
    for (const key of keys) key.fill(0);
    signerKey.fill(0);
    return { ...chunk, files: chunk.files.map((file) => ({ ...file, contents: asBytes(file.contents) })), generator };
  },

  /** Starts a new batch ZIP in this worker (dropping any unfinished one). */
  batchArchiveOpen() {
    archive?.free();
    archive = new bindings.BatchArchive();
    return true;
  },

  /** `{ files }` → the ZIP bytes written so far. */
  batchArchiveAddFiles({ files }) {
    const zip = openArchive();
    zip.addFiles(files);
    return zip.takeOutput();
  },

  /** A chunk from issueDeviceChunk → the ZIP bytes it added. */
  batchArchiveAddChunk(chunk) {
    const open = openArchive();
    open.addChunk(chunk.firstIndex, chunk.files, chunk.csvRows, chunk.readmeExample ?? undefined);
    for (const file of chunk.files) file.contents.fill(0);
    return open.takeOutput();
  },

  /** `{ intermediates, requested }` → `{ bytes, files }`: the ZIP's last bytes (devices.csv, README.txt, directory) and its file count. */
  batchArchiveFinish({ intermediates, requested }) {
    const open = openArchive();
    archive = null;
    try {
      const files = open.fileCount + 2; // and devices.csv, README.txt
      return { bytes: open.finish(intermediates, requested), files };
    } finally {
      open.free();
    }
  },

  /** `{ files: [{ path, contents, secret? }] }` → the ZIP's bytes. */
  zipFiles({ files }) {
    return call('zipFiles', files);
  },

  // Bring your own CA. Imported CAs (and their keys) live inside this
  // worker's wasm instance, so these jobs run on a pool of one worker.

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
