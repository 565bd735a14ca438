// The jobs a pool worker can run: `name(args, { progress }) → result`.
// Each runs inside a worker with the wasm already loaded. Most hand their
// arguments straight to the wasm export of the same name (PASS_THROUGH);
// the rest add WebCrypto or hold state. Call one from the page with
// `pool.run('name', args)`.

import { isRsa, rsaKey, rsaSignatures, stretchPassword, webCryptoAvailable } from './webcrypto.js';

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

/** The export takes the job's whole `args` object. */
const ARGS = null;

/**
 * Jobs that call the wasm export of the same name: the `args` fields in the
 * export's argument order (see the crate's src/binding/ for what each returns).
 */
const PASS_THROUGH = {
  validateChainSpec: ['spec'], // → the number of keys the chain needs
  generateKey: ['algorithm'], // → PKCS#8 DER made by the Rust core
  edgeKeyAlgorithms: ['spec', 'nowMs'],
  makeEdgeChain: ['spec', 'keys', 'nowMs', 'stretched'],
  validateEnrollmentSpec: ['spec'], // → the number of keys the enrollment needs
  makeIndividualEnrollment: ['spec', 'keys', 'nowMs'],
  parseDeviceList: ['text'],
  makeBatchCa: ['spec', 'keys', 'nowMs', 'stretched'],
  zipFiles: ['files'],
  // Bring your own CA. Imported CAs (and their keys) live inside this
  // worker's wasm instance, so these jobs run on a pool of one worker.
  importCa: ARGS,
  forgetCa: ['id'],
  makeVerificationCertificate: ['caId', 'code', 'nowMs'],
  signDevices: ARGS,
  signCsr: ARGS,
  // After a result: its snippets written again for new Sample settings → { files }.
  rewriteSnippets: ['files', 'chain', 'settings'],
  inspect: ARGS,
  preflight: ARGS, // Azure's rules for a device's chain → { device, uploadedCa, ok, rules }
  // Renew and roll over: the expiry view, devices and CAs renewed, a new root.
  expiryReport: ARGS,
  renewDevices: ARGS,
  renewCa: ARGS,
  makeRollover: ARGS,
};

/** A stretched CA key password is good for one build: wiped once used. */
function passThrough(name, fields) {
  return (args) => {
    try {
      return call(name, ...(fields ? fields.map((field) => args[field]) : [args]));
    } finally {
      args?.stretched?.key.fill(0);
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
      return { key: call('generateKey', algorithm), generator: `Rust (WebCrypto failed: ${error.message})` };
    }
  }
  return { key: call('generateKey', algorithm), generator: 'Rust' };
}

/**
 * The chain's RSA signatures made by WebCrypto, all at once: the core plans
 * what it would sign and buildChain builds the chain again with them (see
 * the crate's `x509::signing` module). Undefined for EC keys, or when WebCrypto
 * can't: then the core signs.
 */
async function presignChain(spec, keys, nowMs) {
  if (!isRsa(spec.keyAlgorithm) || !webCryptoAvailable()) return undefined;
  const { requests, serials } = call('planChainSignatures', spec, keys, nowMs);
  try {
    return { serials, messages: requests.map((r) => r.message), signatures: await rsaSignatures(requests, keys) };
  } catch {
    return undefined;
  }
}

const buildPresignedChain = passThrough('buildChain', ['spec', 'keys', 'nowMs', 'stretched', 'presigned']);

/** The batch's ZIP, when this worker is the one writing it (see make/batch.js). */
let archive = null;

function openArchive() {
  if (!archive) throw new Error('No batch ZIP is open in this worker.');
  return archive;
}

export const jobs = {
  ...Object.fromEntries(Object.entries(PASS_THROUGH).map(([name, fields]) => [name, passThrough(name, fields)])),

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

  /** `{ spec, nowMs }` → the key algorithms of Event Grid's clients, in makeEventGrid's order (CA module). */
  eventGridKeyAlgorithms({ spec, nowMs }) {
    return call('eventGridKeyAlgorithms', { ...spec, nowMs }).keyAlgorithms;
  },

  /** `{ spec, keys, nowMs, stretched? }` → `{ files, chain, clients }` (CA module; the export takes one request object). */
  makeEventGrid({ spec, keys, nowMs, stretched }) {
    try {
      return call('makeEventGrid', { ...spec, keys, nowMs, stretchedCaPassword: stretched });
    } finally {
      stretched?.key.fill(0);
    }
  },

  /** `{ spec, keys, nowMs, stretched? }` → `{ files, chain }`, RSA signed by WebCrypto when it can. */
  async buildChain(args) {
    const presigned = await presignChain(args.spec, args.keys, args.nowMs);
    return buildPresignedChain({ ...args, presigned });
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
    const chunk = call('issueDeviceChunk', spec, signerCommonName, signerKey, caCertificates, ids, firstIndex, keys, nowMs);
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
    zip.addFiles(files);
    return zip.takeOutput();
  },

  /** A chunk from issueDeviceChunk → `{ bytes, buffer }`: the ZIP bytes it added, and its buffer (wiped) back for the next chunk. */
  batchArchiveAddChunk(chunk) {
    const open = openArchive();
    open.addChunk(chunk.firstIndex, chunk.files, chunk.csvRows, chunk.readmeExample ?? undefined);
    new Uint8Array(chunk.buffer).fill(0);
    return { bytes: open.takeOutput(), buffer: chunk.buffer };
  },

  /** `{ intermediates, requested, readmeTail? }` → `{ bytes, files }`: the ZIP's last bytes (devices.csv, README.txt, directory) and its file count. */
  batchArchiveFinish({ intermediates, requested, readmeTail }) {
    const open = openArchive();
    archive = null;
    try {
      const files = open.fileCount + 2; // and devices.csv, README.txt
      return { bytes: open.finish(intermediates, requested, readmeTail), files };
    } finally {
      open.free();
    }
  },
};
