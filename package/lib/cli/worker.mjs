// One worker thread of the command's pool, with its own instance of the
// studio's main module: it makes keys, and issues a batch's devices chunk by
// chunk, writing them itself (a folder) or encoding them as ZIP entries.

import { parentPort } from 'node:worker_threads';
import * as studio from '../index.js';
import { makeKey } from './keygen.mjs';
import { writeFilesUnder } from './output.mjs';
import { encodeEntry } from './zip.mjs';

const madeDirs = new Set();

const JOBS = {
  makeKeys({ algorithms, generator }) {
    return algorithms.map((algorithm) => makeKey(algorithm, generator, studio));
  },

  issueChunk({ spec, signerCommonName, signerKey, caCertificates, ids, firstIndex, nowMs, generator, target }) {
    const keys = generator === 'rust' ? undefined : ids.map(() => makeKey(spec.keyAlgorithm, generator, studio));
    const chunk = studio.issueDeviceChunk(spec, signerCommonName, signerKey, caCertificates, ids, firstIndex, keys, nowMs);
    const out = { firstIndex, devices: ids.length, csvRows: chunk.csvRows, readmeExample: chunk.readmeExample ?? undefined };
    if (target.kind === 'dir') {
      writeFilesUnder(target.dir, chunk.files, madeDirs);
      out.written = chunk.files.length;
    } else {
      const when = new Date(target.when);
      out.entries = chunk.files.map((file) => encodeEntry(file, when));
    }
    for (const file of chunk.files) if (file.secret) file.contents.fill(0);
    return out;
  },
};

parentPort.on('message', ({ job, args }) => {
  try {
    const result = JOBS[job](args);
    const transfer = Array.isArray(result.entries) ? result.entries.map((e) => e.bytes.buffer) : [];
    parentPort.postMessage({ result }, transfer);
  } catch (error) {
    parentPort.postMessage({ error: { message: error.message, field: error.field } });
  }
});
