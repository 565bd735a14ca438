// The jobs a pool worker can run: `name(request, { progress }) → result`.
// Each runs inside a worker with the wasm already loaded. A job is a name and
// one request object: most hand the request straight to the wasm export of
// the same name (PASS_THROUGH), the CA ones to a method of a CaSession the
// worker holds (CA_SESSION_METHODS); the rest add WebCrypto or hold state.
// Call one from the page with `pool.run('name', request)`.

import { isRsa, rsaKey, rsaSignatures, stretchPassword, webCryptoAvailable } from './webcrypto.js';

/**
 * The loaded module's bindings (worker.js sets them once the wasm is ready):
 * the main module's, or the CA panel's, which has every binding.
 */
let bindings = {};

export function useBindings(loaded) {
  bindings = loaded;
}

const caModuleOnly = (name) =>
  new Error(`The studio's main WebAssembly module has no ${name}; it is in the CA panel's module (pkg/cert_studio_ca.js).`);

/** Calls a binding of the loaded module; the main module has no import / inspect ones. */
function call(name, request) {
  if (typeof bindings[name] !== 'function') throw caModuleOnly(name);
  return bindings[name](request);
}

/** Jobs that hand their request to the wasm export of the same name (see the crate's src/binding/ for what each returns). */
const PASS_THROUGH = [
  'validateChainSpec', // → { keyCount }
  'generateKey', // → { key }: PKCS#8 DER made by the Rust core
  'edgeKeyAlgorithms', // → { keyAlgorithms }
  'makeEdgeChain',
  'validateEnrollmentSpec', // → { keyCount }
  'makeIndividualEnrollment',
  'eventGridKeyAlgorithms', // → { keyAlgorithms } (CA module)
  'makeEventGrid', // → { files, chain, clients } (CA module)
  'parseDeviceList', // → { devices }
  'zipFiles', // → { zip }
  // After a result: its snippets written again for new Sample settings → { files }.
  'rewriteSnippets',
  'inspect',
  'preflight', // Azure's rules for a device's chain → { device, uploadedCa, ok, rules }
  'expiryReport',
  // IoT Operations' broker clients and Azure Device Registry (their tabs run on the CA panel's worker).
  'makeIotOperationsClients',
  'makeDeviceRegistryRoot',
  'makeDeviceRegistryCsrs',
];

/**
 * Bring your own CA: the CaSession methods. Imported CAs (and their keys)
 * live in a session inside this worker's wasm instance, so these jobs run on
 * a pool of one worker; a request names its session (`session`: any name the
 * page picks), which is opened on first use and freed by closeCaSession.
 */
const CA_SESSION_METHODS = [
  'importCa', 'makeVerificationCertificate', 'signDevices', 'signCsr', 'renewDevices', 'renewCa', 'makeRollover',
  'signDeviceRegistryIntermediate', // Azure Device Registry: the service's CSR signed by the imported root
];

/** The sessions by name. */
const caSessions = new Map();

function caSession(name) {
  if (typeof bindings.CaSession !== 'function') throw caModuleOnly('CaSession');
  if (typeof name !== 'string') throw new Error('A CA job names its session (a string `session`).');
  if (!caSessions.has(name)) caSessions.set(name, new bindings.CaSession());
  return caSessions.get(name);
}

/** A stretched CA key password is good for one build: wiped once used. */
function wipingStretched(run) {
  return (request) => {
    try {
      return run(request);
    } finally {
      request?.stretchedCaPassword?.key.fill(0);
    }
  };
}

/**
 * One key as `{ key, generator }`: RSA keys from WebCrypto when `generator`
 * is 'webcrypto', everything else and every fallback from the Rust core.
 */
async function makeKey(algorithm, generator) {
  if (generator === 'webcrypto') {
    try {
      const key = await rsaKey(algorithm);
      if (key) return { key, generator: 'WebCrypto' };
    } catch (error) {
      return { key: call('generateKey', { keyAlgorithm: algorithm }).key, generator: `Rust (WebCrypto failed: ${error.message})` };
    }
  }
  return { key: call('generateKey', { keyAlgorithm: algorithm }).key, generator: 'Rust' };
}

/**
 * The chain's RSA signatures made by WebCrypto, all at once: the core plans
 * what it would sign and buildChain builds the chain again with them (see
 * the crate's `x509::signing` module). Undefined for EC keys, or when WebCrypto
 * can't: then the core signs.
 */
async function presignChain(request) {
  if (!isRsa(request.spec?.keyAlgorithm) || !webCryptoAvailable()) return undefined;
  const { requests, serials } = call('planChainSignatures', request);
  try {
    return { serials, messages: requests.map((r) => r.message), signatures: await rsaSignatures(requests, request.keys) };
  } catch {
    return undefined;
  }
}

const buildPresignedChain = wipingStretched((request) => call('buildChain', request));

/** The batch's ZIP, when this worker is the one writing it (see make/batch.js). */
let archive = null;

function openArchive() {
  if (!archive) throw new Error('No batch ZIP is open in this worker.');
  return archive;
}

export const jobs = {
  ...Object.fromEntries(PASS_THROUGH.map((name) => [name, wipingStretched((request) => call(name, request))])),
  ...Object.fromEntries(CA_SESSION_METHODS.map((name) => [name, ({ session, ...request }) => caSession(session)[name](request)])),

  /** `{ session }` → whether it was open: frees the session and, with it, its CAs' keys. */
  closeCaSession({ session }) {
    const open = caSessions.get(session);
    caSessions.delete(session);
    open?.free();
    return Boolean(open);
  },

  /**
   * `{ spec, keys, nowMs, stretchedCaPassword? }` → a batch's CA (makeBatchCa
   * still takes these as arguments, in this order).
   */
  makeBatchCa: wipingStretched(({ spec, keys, nowMs, stretchedCaPassword }) => bindings.makeBatchCa(spec, keys, nowMs, stretchedCaPassword)),

  /** → `[{ id, tab, sample }]`: the SDK samples in the tabs' order (the core sends them as JSON text). */
  snippetSamples() {
    return JSON.parse(call('snippetSamples'));
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

  /**
   * `{ password }` → the CA key password stretched by WebCrypto, or undefined:
   * then the core checks the rounds and stretches it itself.
   */
  stretchCaPassword({ password }) {
    return stretchPassword(password, call('caKeyPasswordRounds'));
  },

  /** `{ spec, keys, nowMs, stretchedCaPassword? }` → `{ files, chain }`, RSA signed by WebCrypto when it can. */
  async buildChain(request) {
    const presigned = await presignChain(request);
    return buildPresignedChain({ ...request, presigned });
  },

  /**
   * `{ spec, signerCommonName, signerKey, caCertificates, ids, firstIndex, nowMs, buffer? }` →
   * `{ firstIndex, files, csvRows, readmeExample, generator, buffer }`: the devices'
   * keys are made here (RSA by WebCrypto as the spec's keyGenerator says), then signed. The files'
   * contents are views of one `buffer` (the caller's, when the chunk fits, else a new one), so the chunk
   * moves to the archivist as one piece and the buffer can come back for the next chunk.
   */
  async issueDeviceChunk({ spec, signerCommonName, signerKey, caCertificates, ids, firstIndex, nowMs, buffer }) {
    // No keys: the core makes them (EC keys are quick in wasm).
    let keys;
    let generator = 'Rust';
    if (isRsa(spec.keyAlgorithm)) {
      const made = await Promise.all(ids.map(() => makeKey(spec.keyAlgorithm, spec.keyGenerator)));
      keys = made.map((m) => m.key);
      generator = made[0]?.generator ?? generator;
    }
    const chunk = call('issueDeviceChunk', { spec, signerCommonName, signerKey, caCertificates, ids, firstIndex, keys, nowMs });
    for (const key of keys ?? []) key.fill(0);
    signerKey.fill(0);
    const size = chunk.files.reduce((total, file) => total + file.contents.length, 0);
    // A little room over this chunk's size, so the next chunks (a few bytes more or less) fit too.
    const packed = buffer?.byteLength >= size ? buffer : new ArrayBuffer(Math.ceil(size * 1.1));
    let at = 0;
    for (const file of chunk.files) {
      const view = new Uint8Array(packed, at, file.contents.length);
      view.set(file.contents);
      file.contents.fill(0);
      file.contents = view;
      at += view.length;
    }
    return { ...chunk, generator, buffer: packed };
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
    zip.addFiles({ files });
    return zip.takeOutput();
  },

  /** A chunk from issueDeviceChunk → `{ bytes, buffer }`: the ZIP bytes it added, and its buffer (wiped) back for the next chunk. */
  batchArchiveAddChunk(chunk) {
    const open = openArchive();
    open.addChunk(chunk);
    new Uint8Array(chunk.buffer).fill(0);
    return { bytes: open.takeOutput(), buffer: chunk.buffer };
  },

  /** `{ intermediates, requested, readmeTail? }` → `{ bytes, files }`: the ZIP's last bytes (devices.csv, README.txt, directory) and its file count. */
  batchArchiveFinish({ intermediates, requested, readmeTail }) {
    const open = openArchive();
    archive = null;
    try {
      const files = open.fileCount + 2; // and devices.csv, README.txt
      return { bytes: open.finish({ intermediates, requested, readmeTail }), files };
    } finally {
      open.free();
    }
  },
};
