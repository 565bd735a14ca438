// What a command reports when it is done: with --json one JSON object on
// stdout (the certificates by role, CN and thumbprints, and where the files
// are); otherwise a few lines for a person.

import { relative } from 'node:path';

/** The chain entries as the summary lists them. */
export function certificates(chain) {
  return chain.map(({ role, commonName, issuerCommonName, keyAlgorithm, notAfter, thumbprintSha1, thumbprintSha256, certificatePath }) =>
    ({ role, commonName, issuerCommonName, keyAlgorithm, notAfter, thumbprintSha1, thumbprintSha256, path: certificatePath }));
}

/**
 * @param {object} summary  `{ command, out?, zip?, files, certificates, …anything the command adds }`
 * @param {boolean} json
 */
export function report(summary, json) {
  if (json) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  const where = summary.out ?? summary.zip;
  const lines = [`${summary.files} file(s) written to ${relative(process.cwd(), where) || '.'}`];
  if (summary.warning) lines.push(`Warning: ${summary.warning}`);
  if (summary.certificates?.length) lines.push(...columns([['Role', 'Common name', 'SHA-1', 'File'], ...summary.certificates.map((c) => [c.role, printable(c.commonName), c.thumbprintSha1, printable(c.path ?? '')])]));
  if (summary.devices !== undefined) lines.push(`  ${summary.devices} device(s); thumbprints in ${summary.devicesCsv}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Rows as columns two spaces apart, each as wide as its widest cell (the last left ragged). */
export function columns(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => [...row[i]].length)));
  return rows.map((row) => `  ${row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i] - [...cell].length))).join('  ')}`.trimEnd());
}

/**
 * A line as a terminal should get it: control characters (a newline in a CN,
 * an escape sequence) and bidirectional marks from other people's files shown
 * as `\x1b` / `\u202e`, never acted on.
 */
export function printable(line) {
  return line.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}
