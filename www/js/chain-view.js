// The picture of the chain: root → intermediates → devices, each with its
// common name, key type and expiry.

import { h } from './dom.js';

const ROLE_LABELS = { root: 'Root CA', intermediate: 'Intermediate CA', device: 'Device' };

function formatExpiry(iso) {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function node(entry) {
  return h(
    'div',
    { class: `node node-${entry.role}` },
    h('span', { class: 'node-role' }, ROLE_LABELS[entry.role] ?? entry.role),
    h('span', { class: 'node-cn' }, entry.commonName),
    h(
      'span',
      { class: 'node-meta' },
      h('span', {}, entry.keyLabel),
      ' · expires ',
      h('time', { datetime: entry.notAfter }, formatExpiry(entry.notAfter)),
    ),
    h('span', { class: 'node-thumb', title: 'SHA-1 thumbprint' }, `SHA-1 ${entry.thumbprintSha1}`),
  );
}

export function renderChain(list, chain) {
  const cas = chain.filter((entry) => entry.role !== 'device');
  const devices = chain.filter((entry) => entry.role === 'device');
  list.replaceChildren(
    ...cas.map((entry) => h('li', { class: 'chain-step' }, node(entry))),
    h(
      'li',
      { class: 'chain-step chain-devices' },
      h('ul', { class: 'device-nodes', 'aria-label': `${devices.length} device certificate${devices.length === 1 ? '' : 's'}` },
        devices.map((entry) => h('li', {}, node(entry)))),
    ),
  );
}
