// A batch to disk, as the page makes one: the CA once, then the devices in
// chunks across the worker threads, each worker writing its chunk (a folder)
// or encoding it as ZIP entries this thread appends. At most two chunks per
// worker are under way, and devices.csv is written in the list's order as
// chunks arrive, so memory stays flat whatever the count.

import { closeSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { chunkSize, chunksOf, runChunks } from '../shared/chunks.js';
import { openTemporary, placeTemporary, shown, temporaryBeside } from './files.mjs';

const DEVICES_CSV = 'devices.csv';
const README = 'README.txt';

/**
 * A text file written front to back from chunks that finish in any order
 * (devices.csv, a renewal's renewed.csv and README.txt): a chunk's text
 * waits until the chunks before it are in. It is spooled to a temporary
 * file (beside the ZIP, or in the folder) that a folder gets renamed into
 * place and a ZIP copies at the end.
 */
export class OrderedSpool {
  constructor(path, header) {
    this.path = path;
    this.fd = openTemporary(path, 0o644);
    writeSync(this.fd, header);
    this.next = 0;
    this.waiting = new Map();
  }

  /** `text` of the chunk of `count` items starting at `firstIndex`. */
  add(firstIndex, count, text) {
    this.waiting.set(firstIndex, { count, text });
    for (let ready; (ready = this.waiting.get(this.next)); ) {
      this.waiting.delete(this.next);
      writeSync(this.fd, ready.text);
      this.next += ready.count;
    }
  }

  /** The last text, after every chunk. */
  end(text) {
    writeSync(this.fd, text);
  }

  close() {
    closeSync(this.fd);
  }
}

/**
 * @param {object} context  `{ studio (the CA module), pool, progress, output, generator }`
 * @param {object} spec  the chain settings; `ids` replace its devices
 * @param {string[]} ids
 * @param {{ ca: object, nowMs: number }} made  the batch's CA from makeBatchCa
 * @returns {Promise<{ made: number, fileCount: number, devicesCsv: string }>}
 */
export async function writeBatch({ studio, pool, progress, output, generator }, spec, ids, { ca, nowMs }) {
  output.claimBatch(ca.files, [DEVICES_CSV, README], ids);
  output.addFiles(ca.files);
  const intermediates = ca.chain.filter((c) => c.role === 'intermediate').length;
  const summary = studio.batchSummary(ca.files, undefined, intermediates, 0, ids.length);
  const csvTarget = output.target.kind === 'dir' ? join(output.target.dir, DEVICES_CSV) : `${output.target.file}.${DEVICES_CSV}`;
  const csvPath = temporaryBeside(csvTarget);
  const csv = new OrderedSpool(csvPath, summary.devicesCsvHeader);
  const target = output.workerTarget();
  let readmeExample;
  let outcome;
  try {
    // Two chunks per worker in flight: one running, one waiting, none piling up.
    outcome = await runChunks(chunksOf(ids, chunkSize(spec.keyAlgorithm)), {
      lanes: pool.size * 2,
      run: ({ first, items }) =>
        pool.run('issueChunk', {
          spec: { ...spec, devices: items.slice(0, 1) },
          signerCommonName: ca.signerCommonName,
          signerKey: ca.signerKey,
          caCertificates: ca.caCertificates,
          ids: items,
          firstIndex: first,
          nowMs,
          generator,
          target,
        }),
      done: (_, chunk) => {
        output.addWritten(chunk);
        csv.add(chunk.firstIndex, chunk.devices, chunk.csvRows);
        if (chunk.readmeExample) readmeExample = chunk.readmeExample;
      },
      onProgress: ({ done, total, perSecond, secondsLeft }) => progress.update(`Devices: ${done} of ${total} (${Math.round(perSecond)}/s, about ${Math.ceil(secondsLeft)} s left)`),
    });
    if (outcome.failure) throw outcome.failure;
  } catch (error) {
    // A ZIP is abandoned by the caller, and its CSV spool with it; a folder keeps what was written.
    csv.close();
    try {
      if (output.target.kind === 'dir') placeTemporary('--out', shown(DEVICES_CSV), csvPath, csvTarget, output.target.force);
      else unlinkSync(csvPath);
    } catch {
      unlinkSync(csvPath);
    }
    throw error;
  } finally {
    ca.signerKey.fill(0);
  }
  const made = outcome.done;
  csv.close();
  const readme = studio.batchSummary(ca.files, readmeExample, intermediates, made, ids.length).readme;
  if (output.target.kind === 'zip') {
    output.addFromDisk(DEVICES_CSV, csvPath);
    unlinkSync(csvPath);
  } else {
    placeTemporary('--out', shown(DEVICES_CSV), csvPath, csvTarget, output.target.force);
    output.fileCount++;
  }
  output.addFiles([{ path: README, contents: new TextEncoder().encode(readme), secret: false }]);
  progress.done();
  return { made, devicesCsv: 'devices.csv' };
}
