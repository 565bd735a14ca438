// A batch to disk, as the page makes one: the CA once, then the devices in
// chunks across the worker threads, each worker writing its chunk (a folder)
// or encoding it as ZIP entries this thread appends. At most two chunks per
// worker are under way, and devices.csv is written in the list's order as
// chunks arrive, so memory stays flat whatever the count.

import { closeSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { openTemporary, placeTemporary, shown, temporaryBeside } from './files.mjs';

/**
 * Devices per chunk: a few tenths of a second of work, so progress is smooth
 * and messages few. (200 P-256 devices a chunk were no faster than 100, and
 * held 50 MB more.)
 */
const CHUNK_DEVICES = { 'ec-p256': 100, 'ec-p384': 50, 'rsa-2048': 8, 'rsa-3072': 4, 'rsa-4096': 2 };

const DEVICES_CSV = 'devices.csv';
const README = 'README.txt';

/**
 * devices.csv written front to back: rows of chunks that finish early wait
 * until the chunks before them are in. It is spooled to a temporary file
 * (beside the ZIP, or in the folder) that a folder gets renamed into place
 * and a ZIP copies at the end.
 */
class DevicesCsv {
  constructor(path, header) {
    this.path = path;
    this.fd = openTemporary(path, 0o644);
    writeSync(this.fd, header);
    this.next = 0;
    this.waiting = new Map();
  }

  add(firstIndex, devices, rows) {
    this.waiting.set(firstIndex, { devices, rows });
    for (let ready; (ready = this.waiting.get(this.next)); ) {
      this.waiting.delete(this.next);
      writeSync(this.fd, ready.rows);
      this.next += ready.devices;
    }
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
  const csv = new DevicesCsv(csvPath, summary.devicesCsvHeader);
  const size = CHUNK_DEVICES[spec.keyAlgorithm] ?? 1;
  const target = output.workerTarget();
  const started = Date.now();
  let made = 0;
  let readmeExample;
  let nextFirst = 0;
  const issueNext = async () => {
    while (nextFirst < ids.length) {
      const firstIndex = nextFirst;
      nextFirst += size;
      const chunkIds = ids.slice(firstIndex, firstIndex + size);
      const chunk = await pool.run('issueChunk', {
        spec: { ...spec, devices: chunkIds.slice(0, 1) },
        signerCommonName: ca.signerCommonName,
        signerKey: ca.signerKey,
        caCertificates: ca.caCertificates,
        ids: chunkIds,
        firstIndex,
        nowMs,
        generator,
        target,
      });
      output.addWritten(chunk);
      csv.add(chunk.firstIndex, chunk.devices, chunk.csvRows);
      if (chunk.readmeExample) readmeExample = chunk.readmeExample;
      made += chunk.devices;
      const rate = made / Math.max(0.001, (Date.now() - started) / 1000);
      progress.update(`Devices: ${made} of ${ids.length} (${Math.round(rate)}/s, about ${Math.ceil((ids.length - made) / rate)} s left)`);
    }
  };
  try {
    // Two chunks per worker in flight: one running, one waiting, none piling up.
    await Promise.all(Array.from({ length: pool.size * 2 }, issueNext));
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
