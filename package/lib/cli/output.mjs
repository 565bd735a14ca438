// Where a command's files go: `--out DIR` (the tutorial's folder layout) or
// `--zip FILE`. Nothing is made on disk until the first file is written, and
// every file is checked before it is (files.mjs): a refused command leaves no
// trace. Small results are written here; a batch's device chunks are written
// by the worker that made them (a folder) or arrive encoded (a ZIP).

import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './errors.mjs';
import { checkFileTarget, checkWritable, deviceFilesIn, writeFilesUnder } from './files.mjs';
import { ZipFileWriter } from './zip.mjs';

/** The `--out` / `--zip` pair of flags, checked: exactly one is needed, and a --zip that exists only with --force. */
export function outputTarget(values) {
  if (values.out && values.zip) throw new UsageError('--zip', 'give --out DIR or --zip FILE, not both');
  if (!values.out && !values.zip) throw new UsageError('--out', 'say where the files go: --out DIR (the tutorial\'s folder layout) or --zip FILE');
  const force = Boolean(values.force);
  if (values.out) return { kind: 'dir', dir: resolve(values.out), force };
  const file = resolve(values.zip);
  checkFileTarget('--zip', file, force);
  return { kind: 'zip', file, force };
}

export class Output {
  constructor(target) {
    this.target = target;
    this.fileCount = 0;
    // Folders inside --out already checked (not a symlink), each with whether this run made it.
    this.checked = new Map();
    this.when = new Date();
  }

  /** The ZIP, made at its first entry. */
  get #zip() {
    if (!this.zip) {
      mkdirSync(dirname(this.target.file), { recursive: true });
      this.zip = new ZipFileWriter(this.target.file, this.target.force);
    }
    return this.zip;
  }

  /**
   * Before a batch writes anything: the CA's files, devices.csv, README.txt
   * and every device's files must be free to write (or --force).
   */
  claimBatch(caFiles, extraPaths, ids) {
    if (this.target.kind !== 'dir') return;
    const paths = [...caFiles.map((f) => f.path), ...extraPaths];
    const folders = [...new Set(paths.map((p) => dirname(p)))];
    checkWritable(this.target.dir, [...paths, ...deviceFilesIn(this.target.dir, folders, ids)], { force: this.target.force, checked: this.checked });
  }

  /**
   * Before devices are written in chunks: `extraPaths` and every file of the
   * devices `ids` in `folders` must be free to write (or --force).
   */
  claimDevices(folders, extraPaths, ids) {
    if (this.target.kind !== 'dir') return;
    checkWritable(this.target.dir, [...extraPaths, ...deviceFilesIn(this.target.dir, folders, ids)], { force: this.target.force, checked: this.checked });
  }

  /** Files made in this thread: the whole list checked, then written. */
  addFiles(files) {
    if (this.target.kind === 'zip') this.#zip.add(files, this.when);
    else writeFilesUnder(this.target.dir, files, { force: this.target.force, checked: this.checked });
    this.fileCount += files.length;
  }

  /** A file already on disk at `path` (a spool), added to the ZIP as `name` without reading it whole. */
  addFromDisk(name, path) {
    this.#zip.addFromDisk(name, path, this.when);
    this.fileCount++;
  }

  /** Entries a worker encoded (ZIP, from encodeEntries), or a count of files a worker wrote (folder). */
  addWritten({ encoded, written }) {
    if (encoded) this.#zip.addEncoded(encoded);
    this.fileCount += encoded ? encoded.entries.length : written;
  }

  /** What the worker writing a chunk needs to know. */
  workerTarget() {
    if (this.target.kind === 'zip') return { kind: 'zip', when: this.when.getTime() };
    const made = [...this.checked].filter(([, fresh]) => fresh).map(([folder]) => folder);
    return { kind: 'dir', dir: this.target.dir, force: this.target.force, made };
  }

  close() {
    if (this.target.kind === 'zip') this.zipBytes = this.#zip.finish();
    return this.target.kind === 'dir' ? this.target.dir : this.target.file;
  }

  abandon() {
    this.zip?.abandon();
  }
}
