// The picture of the chain: root → intermediates → the certificates they
// sign (devices, or IoT Edge's device CA, identity and server; or the
// self-signed enrollment certificates), each with its common name, key type,
// expiry and thumbprints.

import { h } from './dom.js';

const ROLE_LABELS = {
  root: 'Root CA',
  intermediate: 'Intermediate CA',
  device: 'Device',
  'edge-ca': 'IoT Edge device CA',
  'edge-identity': 'IoT Edge identity',
  'edge-server': 'IoT Edge server',
  primary: 'Primary (self-signed)',
  secondary: 'Secondary (self-signed)',
  client: 'MQTT client',
};
const CHAIN_CAS = new Set(['root', 'intermediate']);

/** How the page names a certificate's role (the core's `role` id). */
export function roleLabel(role) {
  return ROLE_LABELS[role] ?? role;
}

/** An ISO time as the page shows expiry: `2026-12-31 23:59 UTC`. */
export function formatExpiry(iso) {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** A thumbprint as the portal wants it, with a button that copies it. */
function thumbprint(kind, value, entry, status) {
  const owner = `${roleLabel(entry.role)} ${entry.commonName}`;
  const copy = h('button', { type: 'button', class: 'copy-thumb', 'aria-label': `Copy ${kind} thumbprint of ${owner}` }, 'Copy');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(value);
      status?.say(`Copied the ${kind} thumbprint of ${owner}.`);
    } catch (error) {
      status?.error(`Could not copy to the clipboard: ${error.message}`);
    }
  });
  return h('div', { class: 'thumb' }, h('dt', {}, kind), h('dd', {}, h('code', { class: 'thumb-value' }, value), copy));
}

function node(entry, status) {
  return h(
    'div',
    { class: `node node-${entry.role}` },
    h('span', { class: 'node-role' }, roleLabel(entry.role)),
    h('span', { class: 'node-cn' }, entry.commonName),
    h(
      'span',
      { class: 'node-meta' },
      h('span', {}, entry.keyLabel),
      entry.keyGenerator ? h('span', { class: 'node-generator' }, ` (${entry.keyGenerator})`) : null,
      ' · expires ',
      h('time', { datetime: entry.notAfter }, formatExpiry(entry.notAfter)),
    ),
    h(
      'dl',
      { class: 'node-thumbs' },
      thumbprint('SHA-1', entry.thumbprintSha1, entry, status),
      entry.thumbprintSha256 ? thumbprint('SHA-256', entry.thumbprintSha256, entry, status) : null,
    ),
  );
}

export function renderChain(list, chain, { status } = {}) {
  const cas = chain.filter((entry) => CHAIN_CAS.has(entry.role));
  const leaves = chain.filter((entry) => !CHAIN_CAS.has(entry.role));
  const noun = leaves.every((entry) => entry.role === 'device') ? 'device certificate' : 'certificate';
  list.replaceChildren(
    ...cas.map((entry) => h('li', { class: 'chain-step' }, node(entry, status))),
    h(
      'li',
      { class: 'chain-step chain-devices' },
      h('ul', { class: 'device-nodes', 'aria-label': `${leaves.length} ${noun}${leaves.length === 1 ? '' : 's'}` },
        leaves.map((entry) => h('li', {}, node(entry, status)))),
    ),
  );
}
