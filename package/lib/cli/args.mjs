// Flags: node:util parseArgs (strict), with every mistake reported as a
// UsageError naming the flag. Flags are named like the spec fields they set
// (keyAlgorithm → --key-algorithm); what a flag leaves out is the tutorial's default.

import { parseArgs } from 'node:util';
import { UsageError } from './errors.mjs';

export const KEY_ALGORITHMS = ['rsa-2048', 'rsa-3072', 'rsa-4096', 'ec-p256', 'ec-p384'];

/** Output and reporting flags every making command takes. */
export const OUTPUT_OPTIONS = {
  out: { type: 'string', help: 'DIR  write the files in the tutorial\'s folder layout (certs/, private/, csr/, snippets/)' },
  zip: { type: 'string', help: 'FILE  write the files into one ZIP' },
  json: { type: 'boolean', help: 'print the result summary (roles, CNs, thumbprints, paths) as JSON on stdout' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

/** Key generation flags. */
export const KEY_OPTIONS = {
  'key-generator': { type: 'string', help: 'node|rust  who makes the keys and signs a batch\'s devices: Node\'s crypto (OpenSSL; the default) or the studio\'s Rust core' },
  workers: { type: 'string', help: 'N  worker threads (default: one per core)' },
};

/** How device files are written (the page's PFX and Sample settings). */
export const DEVICE_FILE_OPTIONS = {
  'key-format': { type: 'string', help: 'pkcs8|traditional  device key PEM (default pkcs8)' },
  'pfx-profile': { type: 'string', help: 'modern|legacy  PFX encryption (default modern)' },
  'pfx-password': { type: 'string', help: 'PASSWORD  of the PFX files (default 1234)' },
  'id-scope': { type: 'string', help: 'SCOPE  DPS ID scope quoted by the snippets' },
  'hub-name': { type: 'string', help: 'NAME  IoT hub name quoted by the snippets' },
  folder: { type: 'string', help: 'PATH  where the snippets say the files are' },
  'dps-name': { type: 'string', help: 'NAME  DPS instance for the enrollment commands' },
  'resource-group': { type: 'string', help: 'NAME  resource group for the enrollment commands' },
  'not-before': { type: 'string', help: 'TIME  certificates start then (ISO 8601) instead of now' },
  'not-after': { type: 'string', help: 'TIME  certificates end then (ISO 8601) instead of after --validity-days' },
};

function flagOfParseError(error) {
  return error.message.match(/'(-[^' ]+)/)?.[1] ?? error.message.match(/--[a-z0-9-]+/)?.[0] ?? '(arguments)';
}

/** Parses `argv` against `options` (each `{ type, multiple?, short?, help }`). */
export function parse(argv, options, { positionals = false } = {}) {
  const config = Object.fromEntries(Object.entries(options).map(([name, { type, multiple, short }]) => [name, withoutUnset({ type, multiple, short })]));
  try {
    return parseArgs({ args: argv, options: config, strict: true, allowPositionals: positionals });
  } catch (error) {
    if (!String(error.code).startsWith('ERR_PARSE_ARGS')) throw error;
    const flag = flagOfParseError(error);
    const reason = error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? 'is not a flag of this command (see --help)'
      : error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' ? 'unexpected argument (flags take the form --name value)'
      : error.message.replace(/^Option '[^']+' /, '');
    throw new UsageError(flag, reason);
  }
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

/** The help text of a command: its usage line, what it does, its flags. */
export function helpText(usage, about, ...groups) {
  const lines = [`Usage: ${usage}`, '', about, ''];
  for (const options of groups) {
    for (const [name, { help, short }] of Object.entries(options)) {
      const [arg, ...rest] = help.split('  ');
      const flag = `${short ? `-${short}, ` : ''}--${name}${rest.length ? ` ${arg}` : ''}`;
      lines.push(`  ${flag.padEnd(30)} ${rest.length ? rest.join('  ') : help}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
