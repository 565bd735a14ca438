// Makes a batch: the CA once, then the devices in chunks spread over the
// pool. One more worker (the archivist, a pool of one) holds the batch's ZIP
// and deflates each chunk into it as it arrives; the page keeps the ZIP's
// pieces as Blobs, so no device is held twice. Cancel stops the chunks at
// once and closes the ZIP with what is done.

import { BATCH_CA, makeOnPool } from './pipeline.js';
import { chainSteps, stepsAsText } from './next-steps.js';
import { chunkSize, chunksOf, runChunks } from './chunks.js';

/**
 * @param {{pool: import('../runtime/pool.js').WorkerPool, archivist: import('../runtime/pool.js').WorkerPool}} workers
 * @param {object} spec  the chain settings (see panels/chain-panel.js); its device list is `ids`
 * @param {string[]} ids  the checked registration IDs (parseDeviceList)
 * @param {object} [options]
 * @param {AbortSignal} [options.signal]  before the CA is made it cancels everything; after, it stops the devices and the ZIP keeps those done
 * @param {(progress: object) => void} [options.onProgress]
 * @returns {Promise<{chain: object[], files: object[], zip: Blob, zipFiles: number, made: number, requested: number, cancelled: boolean, failure?: Error}>}
 *   `files` are the CA's (shown on the page); `zipFiles` counts everything in the ZIP
 */
export async function makeBatchOnPool({ pool, archivist }, spec, ids, { signal, onProgress = () => {} } = {}) {
  const requested = ids.length;
  const intermediates = spec.intermediateCns.length;
  // The CA is made as the pipeline makes anything; the first device stands in for the list.
  const settings = { ...spec, devices: ids.slice(0, 1) };
  const nowMs = Date.now();
  const ca = await makeOnPool(pool, BATCH_CA, settings, { signal, onProgress, nowMs });

  const parts = [];
  const keep = (bytes) => {
    if (bytes.byteLength) parts.push(new Blob([bytes]));
  };
  await archivist.run('batchArchiveOpen');
  keep(await archivist.run('batchArchiveAddFiles', { files: ca.files }));

  let generator;
  onProgress({ phase: 'devices', done: 0, total: requested });
  // Lanes, each a chunk at a time: issued on the pool, then written by the archivist. A lane keeps one
  // buffer going round (the worker packs the chunk's files into it, the archivist hands it back once they
  // are in the ZIP), so a batch allocates a few buffers, not one per chunk for the collector to find.
  // Two lanes a worker: one chunk in making while its last one is being written.
  let outcome;
  try {
    outcome = await runChunks(chunksOf(ids, chunkSize(spec.keyAlgorithm)), {
      lanes: 2 * pool.size,
      signal,
      async run({ first, items }, lane, stop) {
        const args = { spec: settings, signerCommonName: ca.signerCommonName, signerKey: ca.signerKey, caCertificates: ca.caCertificates, ids: items, firstIndex: first, nowMs, buffer: lane.buffer };
        const chunk = await pool.run('issueDeviceChunk', args, { signal: stop, transfer: lane.buffer ? [lane.buffer] : [] });
        generator ??= chunk.generator;
        // The archivist takes jobs in order, so the pieces stay in ZIP order.
        const written = await archivist.run('batchArchiveAddChunk', chunk, { transfer: [chunk.buffer] });
        keep(written.bytes);
        lane.buffer = written.buffer;
      },
      onProgress: ({ done, total, secondsLeft }) => onProgress({ phase: 'devices', done, total, secondsLeft }),
    });
  } finally {
    ca.signerKey.fill(0);
  }
  const { done: made, failure } = outcome;
  // README.txt ends with the same next steps the page shows (make/next-steps.js).
  const readmeTail = stepsAsText(chainSteps({ chain: ca.chain, files: ca.files, batchSummary: true }, spec));
  const last = await archivist.run('batchArchiveFinish', { intermediates, requested, readmeTail });
  keep(last.bytes);
  return {
    zipFiles: last.files,
    chain: ca.chain,
    files: ca.files,
    zip: new Blob(parts, { type: 'application/zip' }),
    made,
    requested,
    deviceKeyGenerator: generator,
    cancelled: outcome.cancelled,
    failure,
  };
}
