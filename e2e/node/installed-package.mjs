// The npm package as a user gets it: dist/cert-studio-<version>.tgz (`make
// package`) installed with `npm install --offline` into an empty project in
// a temporary folder; its `cert-studio` command and what runs it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const version = readFileSync(join(REPO, 'crate/Cargo.toml'), 'utf8').match(/^version = "([^"]+)"/m)[1];
export const TARBALL = join(REPO, 'dist', `cert-studio-${version}.tgz`);

/** A new project in a temporary folder with the tarball installed: `{ project, cli }`. */
export function installPackage(prefix) {
  assert.ok(existsSync(TARBALL), `${TARBALL} is missing: run \`make package\` first`);
  const project = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'uses-cert-studio', private: true, type: 'module' }));
  const install = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', TARBALL], { cwd: project, encoding: 'utf8', timeout: 120_000 });
  assert.equal(install.status, 0, `npm install --offline of the tarball failed:\n${install.stdout}${install.stderr}`);
  return { project, cli: join(project, 'node_modules/.bin/cert-studio') };
}

/** A tool nobody here wrote (openssl, python3); its absence is a setup mistake, said so. */
export function tool(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20, ...options });
  assert.ok(!result.error, `${command} is needed by this test but could not run (${result.error?.message}): run tools/install.sh test`);
  return result;
}

/**
 * Every entry under `dir` (recursively, symlinks not followed) with its
 * type, mode, size and modification time: two equal listings mean nothing
 * was written, replaced or made.
 */
export function listing(dir) {
  const entries = [];
  const walk = (sub) => {
    for (const name of readdirSync(join(dir, sub)).sort()) {
      const path = sub ? `${sub}/${name}` : name;
      const stat = lstatSync(join(dir, path));
      const kind = stat.isSymbolicLink() ? 'link' : stat.isDirectory() ? 'dir' : 'file';
      entries.push(`${path} ${kind} ${(stat.mode & 0o777).toString(8)} ${stat.size} ${stat.mtimeMs}`);
      if (kind === 'dir') walk(path);
    }
  };
  walk('');
  return entries;
}
