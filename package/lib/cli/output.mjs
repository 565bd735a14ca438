// Where a command's files go: `--out DIR` (the tutorial's folder layout) or
// `--zip FILE`. Small results are written here; a batch's device chunks are
// written by the worker that made them (a folder) or arrive encoded (a ZIP).

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from './errors.mjs';
import { ZipFileWriter } from './zip.mjs';

/** Writes `files` under `dir` (private keys owner-read-only); directories are made once. */
export function writeFilesUnder(dir, files, madeDirs = new Set()) {
  for (const file of files) {
    const path = join(dir, file.path);
    const parent = dirname(path);
    if (!madeDirs.has(parent)) {
      mkdirSync(parent, { recursive: true });
      madeDirs.add(parent);
    }
    writeFileSync(path, file.contents, { mode: file.secret ? 0o600 : 0o644 });
  }
}

/** The `--out` / `--zip` pair of flags, checked: exactly one is needed. */
export function outputTarget(values) {
  if (values.out && values.zip) throw new UsageError('--zip', 'give --out DIR or --zip FILE, not both');
  if (!values.out && !values.zip) throw new UsageError('--out', 'say where the files go: --out DIR (the tutorial\'s folder layout) or --zip FILE');
  return values.out ? { kind: 'dir', dir: resolve(values.out) } : { kind: 'zip', file: resolve(values.zip) };
}

export class Output {
  constructor(target) {
    this.target = target;
    this.fileCount = 0;
    if (target.kind === 'dir') {
      mkdirSync(target.dir, { recursive: true });
      this.madeDirs = new Set();
    } else {
      mkdirSync(dirname(target.file), { recursive: true });
      this.zip = new ZipFileWriter(target.file);
      this.when = new Date();
    }
  }

  /** Files made in this thread. */
  addFiles(files) {
    if (this.zip) this.zip.add(files, this.when);
    else writeFilesUnder(this.target.dir, files, this.madeDirs);
    this.fileCount += files.length;
  }

  /** A file already on disk at `path` (a spool), added to the ZIP as `name` without reading it whole. */
  addFromDisk(name, path) {
    this.zip.addFromDisk(name, path, this.when);
    this.fileCount++;
  }

  /** Entries a worker encoded (ZIP, from encodeEntries), or a count of files a worker wrote (folder). */
  addWritten({ encoded, written }) {
    if (encoded) this.zip.addEncoded(encoded);
    this.fileCount += encoded ? encoded.entries.length : written;
  }

  /** What the worker writing a chunk needs to know. */
  workerTarget() {
    return this.target.kind === 'dir' ? { kind: 'dir', dir: this.target.dir } : { kind: 'zip', when: this.when.getTime() };
  }

  close() {
    if (this.zip) this.zipBytes = this.zip.finish();
    return this.target.kind === 'dir' ? this.target.dir : this.target.file;
  }

  abandon() {
    this.zip?.abandon();
  }
}
