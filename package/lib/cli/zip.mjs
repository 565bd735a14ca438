// A ZIP written front to back to a file, for any number of entries: each
// entry is deflated and checksummed where it is made (a worker thread), and
// the writer only appends bytes. The central directory goes to a spool file
// as entries arrive and is copied after the last one, so memory stays the
// same whatever the count; ZIP64 records are added once there are more than
// 65,534 entries or the archive passes 4 GiB. Text is deflated at level 1;
// DER, PFX and files under 1 KiB are stored, as the studio's own ZIPs do.
// Checksums are zlib's (Node 20.15 and later). The ZIP is written under a
// temporary name beside it, owner-read-only (it holds private keys), and
// renamed into place when it is whole; every entry's name passes the path
// rule first, so no entry can climb out of the folder it is unpacked in.

import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import * as zlib from 'node:zlib';
import { UnsafePath, openTemporary, pathProblem, placeTemporary, shown, temporaryBeside } from './files.mjs';

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const END64 = 0x06064b50;
const LOCATOR64 = 0x07064b50;
const UTF8_NAMES = 0x0800;
const MAX16 = 0xffff;
const MAX32 = 0xffffffff;
const STORED = 0;
const DEFLATED = 8;

/** MS-DOS date and time of `date` (local time, two-second steps), as ZIP headers hold them. */
function dosDateTime(date) {
  const time = (date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1);
  const day = ((date.getFullYear() - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate();
  return { time, day };
}

/** Level 1; a 4 KiB window (the files are a few KiB): a third less time a file than zlib's 32 KiB, for the same size. */
const DEFLATE = { level: 1, windowBits: 12 };

function storedOrDeflated(path, contents) {
  return path.endsWith('.pfx') || path.endsWith('.cer') || contents.byteLength < 1024 ? STORED : DEFLATED;
}

/**
 * The fields a local header and a central record both hold, in the same
 * order, from "version needed" to the name's length, written at `at`.
 */
function writeEntryFields(buffer, at, meta, nameLength, versionNeeded) {
  buffer.writeUInt16LE(versionNeeded, at);
  buffer.writeUInt16LE(UTF8_NAMES, at + 2);
  buffer.writeUInt16LE(meta.method, at + 4);
  buffer.writeUInt16LE(meta.time, at + 6);
  buffer.writeUInt16LE(meta.day, at + 8);
  buffer.writeUInt32LE(meta.crc, at + 10);
  buffer.writeUInt32LE(meta.compressedSize, at + 14);
  buffer.writeUInt32LE(meta.size, at + 18);
  buffer.writeUInt16LE(nameLength, at + 22);
}

/** A local file header for `meta` (sizes under 4 GiB), then the name. */
function localHeader(meta, name) {
  const header = Buffer.alloc(30 + name.length);
  header.writeUInt32LE(LOCAL, 0);
  writeEntryFields(header, 4, meta, name.length, 20);
  name.copy(header, 30);
  return header;
}

/**
 * Files as consecutive ZIP entries, each checksummed and deflated by zlib:
 * one buffer of local headers and data (its own ArrayBuffer, never Node's
 * shared pool, so a worker transfers it whole), and what the central
 * directory needs of each, with its offset in that buffer.
 */
export function encodeEntries(files, when = new Date()) {
  for (const { path } of files) {
    const problem = pathProblem(path);
    if (problem) throw new UnsafePath(`refused to write the file ${shown(path)}: its path ${problem}; nothing was written`);
  }
  const { time, day } = dosDateTime(when);
  const parts = [];
  const entries = [];
  let size = 0;
  for (const { path, contents, secret } of files) {
    const method = storedOrDeflated(path, contents);
    const data = method === DEFLATED ? zlib.deflateRawSync(contents, DEFLATE) : contents;
    const meta = { path, method, time, day, crc: zlib.crc32(contents), compressedSize: data.byteLength, size: contents.byteLength, mode: secret ? 0o600 : 0o644, at: size };
    const header = localHeader(meta, Buffer.from(path, 'utf8'));
    parts.push(header, data);
    entries.push(meta);
    size += header.length + data.byteLength;
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.byteLength;
  }
  return { bytes, entries };
}

export class ZipFileWriter {
  /**
   * @param {string} path  the ZIP to write; it and its directory are spooled beside it until `finish`.
   * @param {boolean} force  whether `finish` may replace a file already at `path`
   */
  constructor(path, force = false) {
    this.path = path;
    this.force = force;
    this.partPath = temporaryBeside(path);
    this.spoolPath = temporaryBeside(`${path}.directory`);
    this.fd = openTemporary(this.partPath, 0o600);
    this.spool = openTemporary(this.spoolPath, 0o600, 'wx+');
    this.offset = 0;
    this.directorySize = 0;
    this.count = 0;
  }

  #write(bytes) {
    let done = 0;
    while (done < bytes.byteLength) done += writeSync(this.fd, bytes, done, bytes.byteLength - done);
    this.offset += bytes.byteLength;
  }

  /** Entries from `encodeEntries` (made here or in a worker): one write, and one for their directory records. */
  addEncoded({ bytes, entries }) {
    const base = this.offset;
    this.#write(bytes);
    this.#addToDirectory(entries.map((meta) => ({ meta, at: base + meta.at })));
  }

  /**
   * The file at `path` on disk (under 4 GiB; devices.csv of a big batch),
   * stored as `name` and copied a block at a time: one pass for its CRC-32,
   * one to copy it, so it is never held whole.
   */
  addFromDisk(name, path, when) {
    const fd = openSync(path, 'r');
    try {
      const block = Buffer.alloc(1 << 20);
      const eachBlock = (use) => {
        for (let position = 0, read; (read = readSync(fd, block, 0, block.length, position)) > 0; position += read) use(block.subarray(0, read));
      };
      let crc = 0;
      let size = 0;
      eachBlock((bytes) => {
        crc = zlib.crc32(bytes, crc);
        size += bytes.length;
      });
      const meta = { path: name, method: STORED, ...dosDateTime(when), crc, compressedSize: size, size, mode: 0o644 };
      const at = this.offset;
      this.#write(localHeader(meta, Buffer.from(name, 'utf8')));
      eachBlock((bytes) => this.#write(bytes));
      this.#addToDirectory([{ meta, at }]);
    } finally {
      closeSync(fd);
    }
  }

  /** Central directory records of entries written at `at`, spooled in one write. */
  #addToDirectory(written) {
    const records = written.map(({ meta, at }) => {
      const name = Buffer.from(meta.path, 'utf8');
      const zip64 = at >= MAX32;
      const record = Buffer.alloc(46 + name.length + (zip64 ? 12 : 0));
      record.writeUInt32LE(CENTRAL, 0);
      record.writeUInt16LE((3 << 8) | 45, 4); // made by: Unix, spec 4.5
      writeEntryFields(record, 6, meta, name.length, zip64 ? 45 : 20);
      record.writeUInt16LE(zip64 ? 12 : 0, 30);
      record.writeUInt32LE(((0o100000 | meta.mode) << 16) >>> 0, 38);
      record.writeUInt32LE(zip64 ? MAX32 : at, 42);
      name.copy(record, 46);
      if (zip64) {
        const extra = 46 + name.length;
        record.writeUInt16LE(0x0001, extra);
        record.writeUInt16LE(8, extra + 2);
        record.writeBigUInt64LE(BigInt(at), extra + 4);
      }
      return record;
    });
    const block = Buffer.concat(records);
    for (let done = 0; done < block.length; ) done += writeSync(this.spool, block, done, block.length - done);
    this.directorySize += block.length;
    this.count += records.length;
  }

  add(files, when) {
    this.addEncoded(encodeEntries(files, when));
  }

  /** Copies the directory after the entries and writes the end records; returns the ZIP's size. */
  finish() {
    const directoryAt = this.offset;
    const block = Buffer.alloc(1 << 20);
    for (let position = 0; position < this.directorySize; ) {
      const read = readSync(this.spool, block, 0, block.length, position);
      this.#write(block.subarray(0, read));
      position += read;
    }
    closeSync(this.spool);
    unlinkSync(this.spoolPath);
    const needs64 = this.count >= MAX16 || directoryAt >= MAX32 || this.directorySize >= MAX32;
    if (needs64) {
      const end64At = this.offset;
      const end64 = Buffer.alloc(56);
      end64.writeUInt32LE(END64, 0);
      end64.writeBigUInt64LE(44n, 4);
      end64.writeUInt16LE((3 << 8) | 45, 12);
      end64.writeUInt16LE(45, 14);
      end64.writeBigUInt64LE(BigInt(this.count), 24);
      end64.writeBigUInt64LE(BigInt(this.count), 32);
      end64.writeBigUInt64LE(BigInt(this.directorySize), 40);
      end64.writeBigUInt64LE(BigInt(directoryAt), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(LOCATOR64, 0);
      locator.writeBigUInt64LE(BigInt(end64At), 8);
      locator.writeUInt32LE(1, 16);
      this.#write(Buffer.concat([end64, locator]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(END, 0);
    end.writeUInt16LE(Math.min(this.count, MAX16), 8);
    end.writeUInt16LE(Math.min(this.count, MAX16), 10);
    end.writeUInt32LE(Math.min(this.directorySize, MAX32), 12);
    end.writeUInt32LE(Math.min(directoryAt, MAX32), 16);
    this.#write(end);
    closeSync(this.fd);
    placeTemporary('--zip', shown(this.path), this.partPath, this.path, this.force);
    return this.offset;
  }

  /** Gives up: the partial ZIP and its spool are removed. */
  abandon() {
    for (const fd of [this.fd, this.spool]) {
      try {
        closeSync(fd);
      } catch {}
    }
    for (const p of [this.partPath, this.spoolPath]) {
      try {
        unlinkSync(p);
      } catch {}
    }
  }
}
