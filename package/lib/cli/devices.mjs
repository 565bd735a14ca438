// Registration IDs from --devices (comma-separated IDs and
// `{001..500}` ranges, the flag repeated as often as wanted) and
// --devices-file (lines or CSV, as the page's "Load a list file"), checked
// by the core (up to 1,000,000, written to disk as they are made); a bad
// line is named with its flag.

import { readFileSync } from 'node:fs';
import { UsageError, asUsageError } from './errors.mjs';

export const DEVICE_OPTIONS = {
  devices: { type: 'string', multiple: true, help: 'IDS  registration IDs: device-01,device-02 or ranges like device-{001..500} (repeatable; default device-01,device-02)' },
  'devices-file': { type: 'string', help: 'FILE  one registration ID per line, or a CSV whose first column holds them' },
};

/** The IDs the flags give, or undefined when neither is set. */
export function deviceIds(studio, values) {
  const ids = [];
  if (values.devices) {
    const text = values.devices.flatMap((v) => v.split(/[,\n]/)).map((id) => id.trim()).filter(Boolean).join('\n');
    if (!text) throw new UsageError('--devices', 'no registration ID given');
    ids.push(...parsed(studio, text, '--devices'));
  }
  if (values['devices-file']) {
    let text;
    try {
      text = readFileSync(values['devices-file'], 'utf8');
    } catch (error) {
      throw new UsageError('--devices-file', `can't read ${values['devices-file']} (${error.code ?? error.message})`);
    }
    ids.push(...parsed(studio, text, '--devices-file'));
  }
  if (!values.devices && !values['devices-file']) return undefined;
  const seen = new Set();
  for (const id of ids) {
    if (seen.has(id)) throw new UsageError(values.devices ? '--devices' : '--devices-file', `registration ID "${id}" is listed twice`);
    seen.add(id);
  }
  return ids;
}

function parsed(studio, text, flag) {
  try {
    return studio.parseLongDeviceList(text);
  } catch (error) {
    throw asUsageError(error, { devices: flag });
  }
}
