// The SDK snippet panes: pick a device, then a language tab; each pane shows
// the snippet file and copies it to the clipboard.

import { h, text } from './dom.js';

/** The snippet files the core writes per device: `snippets/<device>.<sample>`. */
const SAMPLES = [
  { id: 'c', language: 'C', sample: 'custom_hsm_example.c' },
  { id: 'java', language: 'Java', sample: 'ProvisioningX509Sample.java' },
];

/** The file stem of a device, as the core names its certificate `certs/<stem>.cert.pem`. */
function deviceStem(entry) {
  return entry.certificatePath.replace(/^certs\//, '').replace(/\.cert\.pem$/, '');
}

export function renderSnippets(container, { files, chain }, { status }) {
  const byPath = new Map(files.map((file) => [file.path, file]));
  const devices = chain
    .filter((entry) => entry.role === 'device')
    .map((entry) => ({
      id: entry.commonName,
      snippets: SAMPLES.map((sample) => ({ ...sample, file: byPath.get(`snippets/${deviceStem(entry)}.${sample.sample}`) }))
        .filter((snippet) => snippet.file),
    }))
    .filter((device) => device.snippets.length);
  if (!devices.length) {
    container.replaceChildren(h('p', {}, 'No snippets were made.'));
    return;
  }
  const samples = SAMPLES.filter((sample) => devices[0].snippets.some((s) => s.id === sample.id));

  const deviceSelect = h('select', { id: 'snippet-device' }, devices.map((device, i) => h('option', { value: i }, device.id)));
  const tabs = samples.map((sample, i) =>
    h('button', {
      type: 'button', role: 'tab', id: `snippet-tab-${sample.id}`, 'aria-controls': `snippet-panel-${sample.id}`,
      'aria-selected': String(i === 0), tabindex: i === 0 ? '0' : '-1',
    }, sample.language, h('span', { class: 'tab-file' }, ` · ${sample.sample}`)),
  );
  const panes = samples.map((sample, i) => {
    const path = h('code', { class: 'snippet-path' });
    const code = h('code', {});
    const copy = h('button', { type: 'button', class: 'small' }, 'Copy');
    const panel = h('div', {
      role: 'tabpanel', id: `snippet-panel-${sample.id}`, 'aria-labelledby': `snippet-tab-${sample.id}`,
      class: 'snippet-pane', hidden: i !== 0,
    }, h('div', { class: 'snippet-bar' }, path, copy), h('pre', { class: 'snippet-code', tabindex: '0', 'aria-label': `${sample.language} snippet` }, code));
    return { sample, panel, path, code, copy };
  });

  function showDevice() {
    const device = devices[Number(deviceSelect.value)] ?? devices[0];
    for (const pane of panes) {
      const snippet = device.snippets.find((s) => s.id === pane.sample.id);
      const body = snippet ? text(snippet.file.contents) : '';
      pane.path.textContent = snippet?.file.path ?? '';
      pane.code.textContent = body;
      pane.copy.setAttribute('aria-label', `Copy ${pane.sample.language} snippet for ${device.id}`);
      pane.copy.onclick = async () => {
        try {
          await navigator.clipboard.writeText(body);
          status.say(`Copied the ${pane.sample.language} snippet for ${device.id}.`);
        } catch (error) {
          status.error(`Could not copy to the clipboard: ${error.message}`);
        }
      };
    }
  }

  function select(index, focus) {
    tabs.forEach((tab, i) => {
      tab.setAttribute('aria-selected', String(i === index));
      tab.tabIndex = i === index ? 0 : -1;
      panes[i].panel.hidden = i !== index;
    });
    if (focus) tabs[index].focus();
  }

  tabs.forEach((tab, i) => {
    tab.addEventListener('click', () => select(i, false));
    tab.addEventListener('keydown', (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (step) select((i + step + tabs.length) % tabs.length, true);
      else if (event.key === 'Home') select(0, true);
      else if (event.key === 'End') select(tabs.length - 1, true);
      else return;
      event.preventDefault();
    });
  });
  deviceSelect.addEventListener('change', showDevice);
  showDevice();

  container.replaceChildren(
    h('div', { class: 'snippet-device' }, h('label', { for: 'snippet-device' }, 'Device'), deviceSelect),
    h('div', { role: 'tablist', 'aria-label': 'Snippet language', class: 'tabs' }, tabs),
    ...panes.map((pane) => pane.panel),
  );
}
