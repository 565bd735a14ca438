// One worker thread of the command's pool, with its own instance of the
// studio's CA module: it makes keys, and issues a batch's devices chunk by
// chunk, writing them itself (a folder) or encoding them as ZIP entries.
// With Node's crypto, a chunk's keys are made and sign here in OpenSSL, which
// also encrypts the PFX files, and the core only builds and writes
// (issueDeviceChunkSignedOutside).

import { createPrivateKey } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import * as studio from '../ca.js';
import { makeKey, nodeAes256CbcEncrypt, nodeCrypto, nodeKeyPair, nodeSign } from './keygen.mjs';
import { writeFilesUnder } from './output.mjs';
import { encodeEntries } from './zip.mjs';

const madeDirs = new Set();

/** The batch's CA key as a KeyObject, read once per worker (OpenSSL's PKCS#8 decoder is slow). */
let caSigner = { pkcs8: '', keyObject: undefined };
function caKeyObject(signerKey) {
  const pkcs8 = Buffer.from(signerKey).toString('base64');
  if (caSigner.pkcs8 !== pkcs8) caSigner = { pkcs8, keyObject: createPrivateKey({ key: Buffer.from(signerKey), format: 'der', type: 'pkcs8' }) };
  return caSigner.keyObject;
}

function issueSignedInNode({ spec, signerCommonName, signerKey, caCertificates, ids, firstIndex, nowMs }) {
  const algorithm = spec.keyAlgorithm;
  const pairs = ids.map(() => nodeKeyPair(algorithm, { sec1: true }));
  // Handles: the devices' keys in order, then the CA's.
  const signers = [...pairs.map((p) => p.keyObject), caKeyObject(signerKey)];
  const keys = pairs.map((p) => p.der);
  const sign = (handle, message) => nodeSign(algorithm, signers[handle], message);
  const chunk = studio.issueDeviceChunkSignedOutside(spec, signerCommonName, signerKey, caCertificates, ids, firstIndex, keys, nowMs, sign, nodeAes256CbcEncrypt);
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
      : studio.issueDeviceChunk(spec, signerCommonName, signerKey, caCertificates, ids, firstIndex, undefined, nowMs);
    const out = { firstIndex, devices: ids.length, csvRows: chunk.csvRows, readmeExample: chunk.readmeExample ?? undefined };
    if (target.kind === 'dir') {
      writeFilesUnder(target.dir, chunk.files, madeDirs);
      out.written = chunk.files.length;
    } else {
      const when = new Date(target.when);
      out.encoded = encodeEntries(chunk.files, when);
    }
    for (const file of chunk.files) if (file.secret) file.contents.fill(0);
    return out;
  },
};

parentPort.on('message', ({ job, args }) => {
  try {
    const result = JOBS[job](args);
    const transfer = result.encoded ? [result.encoded.bytes.buffer] : [];
    parentPort.postMessage({ result }, transfer);
  } catch (error) {
    parentPort.postMessage({ error: { message: error.message, field: error.field } });
  }
});
