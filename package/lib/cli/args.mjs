// Flags: node:util parseArgs (strict), with every mistake reported as a
// UsageError naming the flag in the studio's own words. Flags are named like
// the spec fields they set (keyAlgorithm → --key-algorithm); what a flag
// leaves out is the tutorial's default. A password comes from its flag, a
// file (its `-file` twin) or an environment variable, so it need not be on
// the command line.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UsageError } from './errors.mjs';
import { TUTORIAL } from './defaults.mjs';

export const KEY_ALGORITHMS = ['rsa-2048', 'rsa-3072', 'rsa-4096', 'ec-p256', 'ec-p384'];

/** Output and reporting flags every making command takes. */
export const OUTPUT_OPTIONS = {
  out: { type: 'string', help: 'DIR  write the files in the tutorial\'s folder layout (certs/, private/, csr/, snippets/)' },
  zip: { type: 'string', help: 'FILE  write the files into one ZIP' },
  force: { type: 'boolean', help: 'replace files already in --out, or a --zip that exists (a symlink is never written through, even so)' },
  json: { type: 'boolean', help: 'print the result summary (roles, CNs, thumbprints, paths) as JSON on stdout' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

/** The environment variable a password flag reads: --ca-key-password → CERT_STUDIO_CA_KEY_PASSWORD. */
export const passwordVariable = (name) => `CERT_STUDIO_${name.toUpperCase().replaceAll('-', '_')}`;

/**
 * A password flag, its `-file` twin and its environment variable: `help` is
 * the flag's (`PASSWORD  what it opens`).
 */
export function passwordOptions(name, help) {
  return {
    [name]: { type: 'string', password: true, help: `${help}; or --${name}-file, or $${passwordVariable(name)}` },
    [`${name}-file`]: { type: 'string', help: `FILE  the same password read from FILE (- reads standard input; one trailing newline is dropped)` },
  };
}

/** Key generation flags. */
export const KEY_OPTIONS = {
  'key-generator': { type: 'string', help: 'node|rust  who makes the keys and signs a batch\'s devices: Node\'s crypto (OpenSSL; the default) or the studio\'s Rust core' },
  workers: { type: 'string', help: 'N  worker threads (default: one per core)' },
};

/** How device files are written (the page's PFX and Sample settings). */
export const DEVICE_FILE_OPTIONS = {
  'key-format': { type: 'string', help: 'pkcs8|traditional  device key PEM (default pkcs8)' },
  'pfx-profile': { type: 'string', help: 'modern|legacy  PFX encryption (default modern)' },
  ...passwordOptions('pfx-password', `PASSWORD  of the PFX files (default ${TUTORIAL.pfxPassword})`),
  'id-scope': { type: 'string', help: 'SCOPE  DPS ID scope quoted by the snippets' },
  'hub-name': { type: 'string', help: 'NAME  IoT hub name quoted by the snippets' },
  folder: { type: 'string', help: 'PATH  where the snippets say the files are' },
  'dps-name': { type: 'string', help: 'NAME  DPS instance for the enrollment commands' },
  'resource-group': { type: 'string', help: 'NAME  resource group for the enrollment commands' },
  'not-before': { type: 'string', help: 'TIME  certificates start then (ISO 8601) instead of now' },
  'not-after': { type: 'string', help: 'TIME  certificates end then (ISO 8601) instead of after --validity-days' },
};

/** Edits from `a` to `b`: insertions, deletions, substitutions and swaps of neighbours (`devcies` → `devices` is 1). */
export function editDistance(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The flag of `options` nearest to `name`, when it is near enough to be what was meant. */
export function nearestFlag(name, options) {
  const ranked = Object.keys(options).map((flag) => ({ flag, distance: editDistance(name, flag) })).sort((x, y) => x.distance - y.distance);
  const best = ranked[0];
  return best && best.distance <= Math.max(1, Math.min(2, Math.floor(name.length / 3))) ? `--${best.flag}` : undefined;
}

/** What is wrong with `argv`, in the studio's words, from parseArgs' tokens (read without its strict checks). */
function argumentMistake(argv, options, config, positionals) {
  const { tokens } = parseArgs({ args: argv, options: config, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind === 'positional' && !positionals) {
      return new UsageError(JSON.stringify(token.value), 'is not a flag or a value of one (flags take the form --name value)', ' ');
    }
    if (token.kind !== 'option') continue;
    const option = options[token.name];
    if (!option) {
      const near = nearestFlag(token.name, options);
      return new UsageError(token.rawName, `is not a flag of this command${near ? `; did you mean ${near}?` : ' (see --help)'}`, ' ');
    }
    if (option.type === 'string' && (token.value === undefined || (!token.inlineValue && token.value.startsWith('-')))) {
      const what = option.help.includes('  ') ? ` (${option.help.split('  ')[0]})` : '';
      const hint = token.value === undefined ? ''
        : token.value.startsWith('--') || Object.values(options).some((o) => o.short && `-${o.short}` === token.value) ? `, not the flag ${token.value} after it`
        : `; to give one that starts with "-", write ${token.rawName}=${token.value}`;
      return new UsageError(token.rawName, `needs a value${what}${hint}`, ' ');
    }
    if (option.type === 'boolean' && token.value !== undefined) return new UsageError(token.rawName, `takes no value (got "${token.value}")`, ' ');
  }
  return undefined;
}

/**
 * Parses `argv` against `options` (each `{ type, multiple?, short?, password?, help }`);
 * a password flag is filled from its `-file` twin or environment variable.
 */
export function parse(argv, options, { positionals = false } = {}) {
  const config = Object.fromEntries(Object.entries(options).map(([name, { type, multiple, short }]) => [name, withoutUnset({ type, multiple, short })]));
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: config, strict: true, allowPositionals: positionals });
  } catch (error) {
    if (!String(error.code).startsWith('ERR_PARSE_ARGS')) throw error;
    throw argumentMistake(argv, options, config, positionals) ?? new UsageError('(arguments)', error.message);
  }
  if (!parsed.values.help) {
    const fromStdin = Object.keys(options).filter((name) => parsed.values[`${name}-file`] === '-' && options[name].password);
    if (fromStdin.length > 1) throw new UsageError(`--${fromStdin[1]}-file`, `reads standard input, as --${fromStdin[0]}-file does: standard input can give only one password`);
    for (const [name, option] of Object.entries(options)) if (option.password) resolvePassword(parsed.values, name);
  }
  return parsed;
}

/** Sets `values[name]` from whichever one of flag, file and environment variable gives the password. */
function resolvePassword(values, name) {
  const fileFlag = `${name}-file`;
  const variable = passwordVariable(name);
  // An empty variable is an unset one, as shells treat it.
  const fromEnvironment = process.env[variable] || undefined;
  const given = [values[name] !== undefined && `--${name}`, values[fileFlag] !== undefined && `--${fileFlag}`, fromEnvironment !== undefined && `$${variable}`].filter(Boolean);
  if (given.length > 1) throw new UsageError(`--${name}`, `is given twice, by ${given.join(' and ')}: give the password one way`, ' ');
  if (fromEnvironment !== undefined) values[name] = fromEnvironment;
  if (values[fileFlag] === undefined) return;
  const path = values[fileFlag];
  let text;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    throw new UsageError(`--${fileFlag}`, `can't read ${path === '-' ? 'standard input' : path} (${error.code ?? error.message})`);
  }
  text = text.replace(/\r?\n$/, '');
  if (text === '') throw new UsageError(`--${fileFlag}`, `${path === '-' ? 'standard input' : path} holds no password (for none, give --${name} "")`);
  values[name] = text;
  delete values[fileFlag];
}

/** An optional integer flag in [min, max]. */
export function integer(values, name, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) {
  const text = values[name];
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new UsageError(`--${name}`, `"${text}" is not a whole number from ${min} to ${max}`);
  return Number(text);
}

/** An optional date flag, as milliseconds since 1970. */
export function instant(values, name) {
  const text = values[name];
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new UsageError(`--${name}`, `"${text}" is not a date and time (ISO 8601, e.g. 2026-01-31T00:00:00Z)`);
  return ms;
}

export function oneOf(values, name, choices) {
  const text = values[name];
  if (text !== undefined && !choices.includes(text)) throw new UsageError(`--${name}`, `"${text}" is not one of ${choices.join(', ')}`);
  return text;
}

/** The device-file settings of DEVICE_FILE_OPTIONS as spec fields (unset ones left out). */
export function deviceFileSettings(values) {
  const spec = {
    keyFormat: values['key-format'],
    pfxProfile: values['pfx-profile'],
    pfxPassword: values['pfx-password'],
    idScope: values['id-scope'],
    hubName: values['hub-name'],
    folder: values.folder,
    dpsName: values['dps-name'],
    resourceGroup: values['resource-group'],
    notBeforeMs: instant(values, 'not-before'),
    notAfterMs: instant(values, 'not-after'),
  };
  return withoutUnset(spec);
}

export function withoutUnset(object) {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined));
}

/** Spec fields the device-file flags set, for naming the flag behind a core error. */
export const DEVICE_FILE_FLAGS = { notBeforeMs: '--not-before', notAfterMs: '--not-after', validity: '--validity-days' };

/**
 * The help text of a command: its usage line, what it does, its flags and
 * examples (each `[what it does, the command line]`).
 */
export function helpText({ usage, about, examples }, ...groups) {
  const rows = groups.flatMap((options) => Object.entries(options).map(([name, { help, short }]) => {
    const [arg, ...rest] = help.split('  ');
    return [`${short ? `-${short}, ` : ''}--${name}${rest.length ? ` ${arg}` : ''}`, rest.length ? rest.join('  ') : help];
  }));
  const width = Math.max(...rows.map(([flag]) => flag.length));
  const lines = [`Usage: ${usage}`, '', about, '', 'Flags:', ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`)];
  lines.push('', 'Examples:');
  for (const [what, command] of examples) lines.push(`  # ${what}`, `  ${command}`, '');
  return `${lines.join('\n')}`;
}
