// A CA brought to a command as the page takes one: a folder (the tutorial's
// layout, or any folder of PEM / PFX files), a studio ZIP, a PFX or PEM
// files; imported into a CaSession (the CA module's importCa), then chosen by --ca-cn or,
// without it, the one that signs devices (the CA no other imported CA is
// above) — or, for a verification certificate, the root, as the tutorial
// verifies the root.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { passwordOptions } from './args.mjs';
import { UsageError, asUsageError } from './errors.mjs';

export const CA_OPTIONS = {
  ca: { type: 'string', multiple: true, help: 'PATH  the CA: a folder (e.g. the --out of `chain`), a studio ZIP, a PFX, or PEM files (repeatable)' },
  ...passwordOptions('ca-password', 'PASSWORD  of the CA key or PFX (the tutorial\'s is 1234)'),
  'ca-cn': { type: 'string', help: 'CN  which imported CA to use, by common name' },
};

/** Files a folder holds that may be CA material: the tutorial keeps them in certs/ and private/. */
const CA_FILE = /(\.ca\.cert\.pem|\.ca\.key\.pem|intermediate(-\d+)?\.(cert|key)\.pem|\.pfx|\.p12)$/i;

/**
 * A path given to `flag`: `{ files }` for a file (read), `{ folder }` for a
 * folder; a path that can't be read is the user's mistake, named at the flag.
 */
export function fileOrFolder(path, flag) {
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    throw new UsageError(flag, `can't read ${path} (${error.code ?? error.message})`);
  }
  return stat.isDirectory() ? { folder: path } : { files: [{ name: basename(path), contents: readFileSync(path) }] };
}

function filesOf(path, flag) {
  const given = fileOrFolder(path, flag);
  if (given.files) return given.files;
  const found = [];
  for (const sub of ['', 'certs', 'private']) {
    let names;
    try {
      names = readdirSync(join(path, sub));
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      const file = join(path, sub, name);
      if (CA_FILE.test(name) && !/full-chain/.test(name) && statSync(file).isFile()) found.push({ name: join(sub, name), contents: readFileSync(file) });
    }
  }
  if (!found.length) throw new UsageError(flag, `${path} holds no CA files (certs/*.ca.cert.pem, certs/*intermediate*.cert.pem and their keys in private/, or a .pfx)`);
  // A chain's folder holds the CA keys twice: PEM under the CA key password, PFX under the
  // PFX password. With PEM keys there, the PFX copies are left out, so --ca-password opens them all.
  const pemKeys = found.some((f) => f.name.endsWith('.key.pem'));
  return pemKeys ? found.filter((f) => !/\.(pfx|p12)$/i.test(f.name)) : found;
}

/** Reads every file named by `paths` (folders: their CA files). */
export function readFiles(paths, flag) {
  if (!paths?.length) throw new UsageError(flag, 'is needed');
  return paths.flatMap((path) => filesOf(path, flag));
}

/**
 * Imports the CA of --ca (with --ca-password) into `session` (a CaSession) and picks one.
 * @param {'signer'|'root'} prefer  without --ca-cn: the CA that signs devices, or the root
 * @returns {{ ca: object, cas: object[] }}
 */
export function importCa(session, values, prefer = 'signer') {
  const files = readFiles(values.ca, '--ca');
  let cas;
  try {
    ({ cas } = session.importCa({ files, password: values['ca-password'] ?? '1234', nowMs: Date.now() }));
  } catch (error) {
    throw asUsageError(error, { password: '--ca-password', files: '--ca' });
  }
  if (values['ca-cn'] !== undefined) {
    const ca = cas.find((c) => c.commonName === values['ca-cn']);
    if (!ca) throw new UsageError('--ca-cn', `no imported CA is called "${values['ca-cn']}"; the CAs are ${cas.map((c) => `"${c.commonName}"`).join(', ')}`);
    return { ca, cas };
  }
  if (prefer === 'root') return { ca: cas.find((c) => c.role === 'root') ?? cas[0], cas };
  // The lowest CA: the one whose certificate no other imported CA's chain names as its issuer.
  const issuers = new Set(cas.filter((c) => c.role !== 'root').map((c) => c.issuer));
  return { ca: cas.filter((c) => !issuers.has(c.subject)).at(-1) ?? cas.at(-1), cas };
}
