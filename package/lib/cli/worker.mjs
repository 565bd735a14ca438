// One worker thread of the command's pool, with its own instance of the
// studio's CA module: it makes keys, and issues a batch's devices chunk by
// chunk, writing them itself (a folder) or encoding them as ZIP entries.
// With Node's crypto, a chunk's keys are made and sign here in OpenSSL, which
// also encrypts the PFX files, and the core only builds and writes
// (DeviceBatchSignedOutside).

import { createPrivateKey } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import * as studio from '../ca.js';
import { makeKey, nodeAes256CbcEncrypt, nodeCrypto, nodeKeyPair, nodeSign } from './keygen.mjs';
import { writeFilesUnder } from './files.mjs';
import { encodeEntries } from './zip.mjs';

/** Folders inside --out this worker has checked (not a symlink), each with whether this run made it. */
const checkedDirs = new Map();

/**
 * The batch this worker issues chunks of, kept from chunk to chunk: the core's
 * DeviceBatchSignedOutside (its PFX keys derived once, its signer checked at
 * its first device) and the CA key as a KeyObject (OpenSSL's PKCS#8 decoder
 * is slow). A command runs one batch, so one is kept, known by its signing
 * CA's certificate (no copy of the key is kept to compare).
 */
let kept = { caCertificate: '', batch: undefined, caKeyObject: undefined };
function batchFor({ spec, signerCommonName, signerKey, caCertificates }) {
  const caCertificate = Buffer.from(caCertificates.at(-1)).toString('base64');
  if (kept.caCertificate !== caCertificate) {
    kept.batch?.free();
    kept = {
      caCertificate,
      batch: new studio.DeviceBatchSignedOutside({ spec, signerCommonName, signerKey, caCertificates, aes256CbcEncrypt: nodeAes256CbcEncrypt }),
      caKeyObject: createPrivateKey({ key: Buffer.from(signerKey), format: 'der', type: 'pkcs8' }),
    };
  }
  return kept;
}

function issueSignedInNode(args) {
  const { batch, caKeyObject } = batchFor(args);
  const algorithm = args.spec.keyAlgorithm;
  const pairs = args.ids.map(() => nodeKeyPair(algorithm, { sec1: true }));
  // Handles: the CA's key, then the devices' keys in order.
  const signers = [caKeyObject, ...pairs.map((p) => p.keyObject)];
  const keys = pairs.map((p) => p.der);
  const sign = (handle, message) => nodeSign(algorithm, signers[handle], message);
  const chunk = batch.issueChunk({ ids: args.ids, firstIndex: args.firstIndex, keys, nowMs: args.nowMs, sign });
  for (const key of keys) key.fill(0);
  return chunk;
}

const JOBS = {
  makeKeys({ algorithms, generator }) {
    return algorithms.map((algorithm) => makeKey(algorithm, generator, studio));
  },

  issueChunk({ spec, signerCommonName, signerKey, caCertificates, ids, firstIndex, nowMs, generator, target }) {
    const chunk = nodeCrypto(generator)
      ? issueSignedInNode({ spec, signerCommonName, signerKey, caCertificates, ids, firstIndex, nowMs })
      : studio.issueDeviceChunk({ spec, signerCommonName, signerKey, caCertificates, ids, firstIndex, nowMs });
    const out = { firstIndex, devices: ids.length, csvRows: chunk.csvRows, readmeExample: chunk.readmeExample ?? undefined };
    return placeChunk(chunk.files, target, out);
  },

  /**
   * Some of a renewal plan's devices renewed (renewDeviceChunk) under the CA
   * `ca` names, imported in this worker on its first chunk, and written or
   * encoded as issueChunk's are.
   */
  /** A renewal's --ca files imported ahead, while the main thread reads the devices. */
  importCas(ca) {
    return importedCas(ca).length;
  },

  renewChunk({ ca, request, firstIndex, target }) {
    const chunk = imported.session.renewDeviceChunk({ ...request, caId: importedCa(ca) });
    const out = { firstIndex, devices: request.devices.length, csvRows: chunk.csvRows, readmeEntries: chunk.readmeEntries, renewed: chunk.renewed, chain: chunk.chain };
    return placeChunk(chunk.files, target, out);
  },
};

/** A chunk's files written under the folder (a count in `out`) or encoded as ZIP entries; secret ones wiped after. */
function placeChunk(files, target, out) {
  if (target.kind === 'dir') {
    // Folders the main thread made for this batch hold only the batch's own files.
    for (const folder of target.made) if (!checkedDirs.has(folder)) checkedDirs.set(folder, true);
    writeFilesUnder(target.dir, files, { force: target.force, checked: checkedDirs });
    out.written = files.length;
  } else {
    out.encoded = encodeEntries(files, new Date(target.when));
  }
  for (const file of files) if (file.secret) file.contents.fill(0);
  return out;
}

/**
 * The CAs of a renewal's --ca files, imported into this worker's module once
 * (a command renews under one CA), known by the command's `token` for them:
 * `files` are in memory the threads share; a chunk picks its CA by SHA-1
 * thumbprint.
 */
let imported = { token: '', cas: [], session: null };
function importedCas({ token, files, password }) {
  if (imported.token !== token) {
    imported.session?.free();
    const session = new studio.CaSession();
    const { cas } = session.importCa({ files: files.map(({ name, contents }) => ({ name, contents: new Uint8Array(contents) })), password, nowMs: Date.now() });
    imported = { token, cas, session };
  }
  return imported.cas;
}

function importedCa(ca) {
  const found = importedCas(ca).find((c) => c.thumbprintSha1 === ca.thumbprintSha1);
  if (!found) throw new Error(`the CA ${ca.thumbprintSha1} was not among the CAs this worker imported`);
  return found.id;
}

parentPort.on('message', ({ job, args }) => {
  try {
    const result = JOBS[job](args);
    const transfer = result.encoded ? [result.encoded.bytes.buffer] : [];
    parentPort.postMessage({ result }, transfer);
  } catch (error) {
    // A panic in the core (a RuntimeError from the wasm) leaves this instance
    // unfit for another job: the thread ends, and the pool starts a new one.
    const died = error instanceof WebAssembly.RuntimeError;
    parentPort.postMessage({ error: { message: error.message, field: error.field, flag: error.flag, reason: error.reason }, died });
    if (died) process.exit(1);
  }
});
