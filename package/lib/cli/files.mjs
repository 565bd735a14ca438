// Every file a command writes goes through here. A path from the core is
// checked before anything is written (relative, `/`-separated, no `..`, no
// empty or `.` segment, no control character, no drive letter), and once
// resolved it must stay inside --out. Nothing is written through a symlink,
// nothing that exists is replaced without --force, and each file is written
// to a temporary name in its folder and renamed into place, so a reader never
// sees half a key.

import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { UsageError } from './errors.mjs';

/** Why `path` can't be written under a folder, or undefined when it can. */
export function pathProblem(path) {
  if (typeof path !== 'string' || path === '') return 'is empty';
  // C0 and C1 controls, line separators, and the bidirectional marks that make a name read as another.
  if (/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/.test(path)) return 'holds a control character';
  if (path.includes('\\')) return 'holds a backslash (paths are /-separated)';
  if (path.startsWith('/')) return 'starts with / (paths are relative)';
  if (/^[A-Za-z]:/.test(path)) return 'starts with a drive letter (paths are relative)';
  const segments = path.split('/');
  if (segments.some((s) => s === '')) return 'has an empty segment';
  if (segments.some((s) => s === '.')) return 'has a "." segment';
  if (segments.some((s) => s === '..')) return 'has a ".." segment';
  return undefined;
}

/** A path shown with its control characters escaped, so a message can't be forged by a newline. */
export function shown(path) {
  return JSON.stringify(String(path));
}

export class UnsafePath extends Error {}

const withSep = (dir) => (dir.endsWith(sep) ? dir : dir + sep);

/** `dir`/`path`, after the path rule, and checked to stay inside `dir`. */
export function inside(dir, path) {
  const problem = pathProblem(path);
  if (problem) throw new UnsafePath(`refused to write the file ${shown(path)}: its path ${problem}; nothing was written`);
  const full = resolve(dir, path);
  if (!full.startsWith(withSep(dir))) {
    throw new UnsafePath(`refused to write the file ${shown(path)}: it resolves outside the output folder; nothing was written`);
  }
  return full;
}

/** (Without an exception for a missing file: a third of the cost, paid once a file.) */
const lstatOrUndefined = (path) => lstatSync(path, { throwIfNoEntry: false });

/**
 * The folders between `dir` and `full` (exclusive of `dir`), each checked not
 * to be a symlink or a file. `checked` maps each folder checked to whether
 * this run made it (then no file in it needs looking for: all are its own).
 */
function checkFolders(dir, full, checked) {
  const folders = [];
  for (let folder = dirname(full); folder !== dir && folder.startsWith(withSep(dir)); folder = dirname(folder)) folders.unshift(folder);
  for (const folder of folders) {
    if (checked.has(folder)) continue;
    const stat = lstatOrUndefined(folder);
    if (stat?.isSymbolicLink()) throw new UsageError('--out', `its folder ${shown(relative(dir, folder))} is a symlink; the studio never writes through one, even with --force; nothing was written`);
    if (stat && !stat.isDirectory()) throw new UsageError('--out', `holds a file ${shown(relative(dir, folder))} where a folder is needed; nothing was written`);
    if (stat) checked.set(folder, false);
  }
}

/**
 * Whether `full` may be written: never a symlink, and an existing file only
 * with `force`. `what` names it in the message, after the flag.
 */
function checkTarget(flag, what, full, force) {
  const stat = lstatOrUndefined(full);
  if (!stat) return;
  if (stat.isSymbolicLink()) throw new UsageError(flag, `${what} is a symlink; the studio never writes through one, even with --force; nothing was written`);
  if (stat.isDirectory()) throw new UsageError(flag, `${what} is a folder where a file is to be written; nothing was written`);
  if (!force) throw new UsageError(flag, `${what} already exists and this command would replace it; nothing was written (--force replaces it)`);
}

/**
 * Checks every file of `paths` before any is written: the path rule, inside
 * `dir`, no symlink on the way, and (without `force`) none there already.
 */
export function checkWritable(dir, paths, { force = false, checked = new Map() } = {}) {
  for (const path of paths) {
    const full = inside(dir, path);
    checkFolders(dir, full, checked);
    if (checked.get(dirname(full)) !== true) checkTarget('--out', shown(path), full, force);
  }
}

/** Temporary names: random for this thread, then counted (random bytes a file cost as much as writing it). */
const temporaryPrefix = randomBytes(6).toString('hex');
let temporaryCount = 0;

/** A new file's name beside `full`, for writing it before it is renamed into place. */
export function temporaryBeside(full) {
  return join(dirname(full), `.${basename(full)}.${temporaryPrefix}-${temporaryCount++}.tmp`);
}

/** Opens a new temporary file: 'wx' creates it here (O_EXCL never follows a symlink) and never opens an existing one. */
export function openTemporary(temporary, mode, flags = 'wx') {
  return openSync(temporary, flags, mode);
}

/** Renames a finished temporary file to `full`, checked at the last moment like every target. */
export function placeTemporary(flag, what, temporary, full, force) {
  checkTarget(flag, what, full, force);
  renameSync(temporary, full);
}

/** Writes `bytes` to a new temporary file beside `full` and renames it over `full`. */
export function writeAtomically(full, bytes, mode) {
  const temporary = temporaryBeside(full);
  const fd = openTemporary(temporary, mode);
  try {
    for (let done = 0; done < bytes.byteLength; ) done += writeSync(fd, bytes, done, bytes.byteLength - done);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temporary);
    throw error;
  }
  closeSync(fd);
  renameSync(temporary, full);
}

/**
 * Writes `files` under `dir` (secret ones owner-read-only): the whole list is
 * checked first, so a bad path or a file in the way means nothing is written.
 * `checked` remembers folders already checked or made (a worker writes many chunks).
 */
export function writeFilesUnder(dir, files, { force = false, checked = new Map() } = {}) {
  checkWritable(dir, files.map((f) => f.path), { force, checked });
  for (const file of files) {
    const full = inside(dir, file.path);
    const parent = dirname(full);
    if (!checked.has(parent)) {
      mkdirSync(parent, { recursive: true });
      checkFolders(dir, full, checked);
      checked.set(parent, true);
    }
    // A rename replaces a symlink planted since the check, never writes through it.
    writeAtomically(full, file.contents, file.secret ? 0o600 : 0o644);
  }
}

/** A file target (--zip FILE): never a symlink; an existing file only with `force`. */
export function checkFileTarget(flag, file, force) {
  checkTarget(flag, shown(file), file, force);
}

/**
 * The files a batch's devices would replace in `dir`: a device's files are
 * `<stem>.…` and `<stem>-full-chain.…` (stem: the registration ID with `:` as
 * `_`) in the folders the CA's files go to. Read from the folder as it is,
 * so a batch into a new or unrelated folder costs one listing.
 */
export function deviceFilesIn(dir, folders, ids) {
  const stems = new Set(ids.map((id) => id.replaceAll(':', '_')));
  const found = [];
  for (const folder of folders) {
    let names;
    try {
      names = readdirSync(join(dir, folder));
    } catch {
      continue;
    }
    for (const name of names) {
      const chained = name.indexOf('-full-chain.');
      const candidates = chained > 0 ? [name.slice(0, chained)] : [];
      for (let dot = name.indexOf('.'); dot > 0; dot = name.indexOf('.', dot + 1)) candidates.push(name.slice(0, dot));
      if (candidates.some((stem) => stems.has(stem))) found.push(folder === '.' ? name : `${folder}/${name}`);
    }
  }
  return found;
}
