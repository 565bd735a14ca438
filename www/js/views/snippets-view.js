// The SDK snippet panes: pick a device (or certificate), then a sample's tab;
// each pane shows the snippet file and copies it to the clipboard.

import { h, text } from './dom.js';

/**
 * A placeholder the core writes for an empty Sample setting, like
 * `<your-id-scope>` (not `<your-enrollment-group>`: a name chosen in the portal).
 */
const PLACEHOLDER = /<your-(id-scope|hub-name|certificate-folder|dps-name|resource-group)>/;

/**
 * Per snippet view (one per tab's results): the sample and device last
 * chosen, kept when the snippets are written again (say, after filling the ID scope).
 */
const choices = new WeakMap();

/**
 * The sample a snippet file is for, and its stem (a registration ID, or the
 * IoT Edge device's file stem): files are `snippets/<stem>.<sample>`, with
 * `samples` from the core (snippetSamples). A file of a sample the list does
 * not know still shows, under its own name.
 */
function sampleOf(name, samples) {
  const known = samples.find((s) => name.endsWith(`.${s.sample}`));
  const rest = name.slice(name.indexOf('.') + 1);
  const sample = known ?? { id: rest, tab: rest, sample: rest };
  // `language` names the snippet in messages: the tab's words without the dot.
  return { sample: { ...sample, language: sample.tab.replace(' · ', ' ') }, stem: name.slice(0, -(sample.sample.length + 1)) };
}

/** The snippet files grouped by stem, in file order: [{ id, snippets: [{ ...sample, file, body }] }]. */
function groupSnippets(files, samples) {
  const groups = new Map();
  for (const file of files) {
    if (!file.path.startsWith('snippets/')) continue;
    const { sample, stem } = sampleOf(file.path.slice('snippets/'.length), samples);
    if (!groups.has(stem)) groups.set(stem, { id: stem, snippets: [] });
    groups.get(stem).snippets.push({ ...sample, file, body: text(file.contents) });
  }
  // A snippet for several certificates (the enrollment's PowerShell for
  // `<id>-primary` and `<id>-secondary`) shows with each of them.
  const all = [...groups.values()];
  for (const group of all) {
    const ids = new Set(group.snippets.map((s) => s.id));
    const members = all.filter((other) => other.id.startsWith(`${group.id}-`));
    if (members.length && members.every((other) => other.snippets.every((s) => !ids.has(s.id)))) {
      for (const other of members) other.snippets.push(...group.snippets);
      groups.delete(group.id);
    }
  }
  // The core's tab order; unknown samples after the known ones.
  const order = (snippet) => {
    const index = samples.findIndex((s) => s.id === snippet.id);
    return index < 0 ? samples.length : index;
  };
  for (const group of groups.values()) group.snippets.sort((a, b) => order(a) - order(b));
  // Devices before what is for all of them (the enrollment group's commands): by first tab, else in file order.
  return [...groups.values()].sort((a, b) => order(a.snippets[0]) - order(b.snippets[0]));
}

/**
 * @param {HTMLElement} container
 * @param {{files: object[]}} result
 * @param {object} options
 * @param {Array<{id: string, tab: string, sample: string}>} options.samples  the core's snippetSamples()
 * @param {string} [options.idPrefix]  before every id, so each tab's view has its own
 */
export function renderSnippets(container, { files }, { status, samples, emptyNote = 'No snippets were made.', idPrefix = '' }) {
  if (!choices.has(container)) choices.set(container, { sample: null, device: null });
  const chosen = choices.get(container);
  const devices = groupSnippets(files, samples);
  if (!devices.length) {
    container.replaceChildren(h('p', {}, emptyNote));
    return;
  }
  const placeholders = devices.some((device) => device.snippets.some((s) => PLACEHOLDER.test(s.body)));
  const deviceSelect = h('select', { id: `${idPrefix}snippet-device` },
    devices.map((device, i) => h('option', { value: i, selected: device.id === chosen.device }, device.id)));
  const tablist = h('div', { role: 'tablist', 'aria-label': 'Snippet', class: 'tabs' });
  const panes = h('div', {});
  let selected = chosen.sample ?? devices[0].snippets[0].id;

  function pane(snippet, device, tab) {
    const copy = h('button', { type: 'button', class: 'small', 'aria-label': `Copy ${snippet.language} snippet for ${device.id}` }, 'Copy');
    copy.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(snippet.body);
        status.say(`Copied the ${snippet.language} snippet for ${device.id}.`);
      } catch (error) {
        status.error(`Could not copy to the clipboard: ${error.message}`);
      }
    });
    return h(
      'div',
      { role: 'tabpanel', id: `${idPrefix}snippet-panel-${snippet.id}`, 'aria-labelledby': tab.id, class: 'snippet-pane', hidden: snippet.id !== selected },
      h('div', { class: 'snippet-bar' }, h('code', { class: 'snippet-path' }, snippet.file.path), copy),
      h('pre', { class: 'snippet-code', tabindex: '0', 'aria-label': `${snippet.language} snippet` }, h('code', {}, snippet.body)),
    );
  }

  function showDevice() {
    const device = devices[Number(deviceSelect.value)] ?? devices[0];
    chosen.device = device.id;
    if (!device.snippets.some((s) => s.id === selected)) selected = device.snippets[0].id;
    const tabs = device.snippets.map((snippet) =>
      h('button', {
        type: 'button', role: 'tab', id: `${idPrefix}snippet-tab-${snippet.id}`, 'aria-controls': `${idPrefix}snippet-panel-${snippet.id}`,
        'aria-selected': String(snippet.id === selected), tabindex: snippet.id === selected ? '0' : '-1', title: snippet.sample,
      }, snippet.tab),
    );
    const panels = device.snippets.map((snippet, i) => pane(snippet, device, tabs[i]));

    function select(index, focus) {
      selected = device.snippets[index].id;
      chosen.sample = selected;
      tabs.forEach((tab, i) => {
        tab.setAttribute('aria-selected', String(i === index));
        tab.tabIndex = i === index ? 0 : -1;
        panels[i].hidden = i !== index;
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
    tablist.replaceChildren(...tabs);
    panes.replaceChildren(...panels);
  }

  deviceSelect.addEventListener('change', showDevice);
  showDevice();

  container.replaceChildren(...[
    placeholders
      ? h('p', { class: 'hint placeholder-hint' }, 'Values such as ', h('code', {}, '<your-id-scope>'),
        ' are placeholders: fill in the Sample settings and the snippets, here and in the ZIP, follow (same keys and certificates).')
      : null,
    devices.length > 1
      ? h('div', { class: 'snippet-device' }, h('label', { for: `${idPrefix}snippet-device` }, 'Device'), deviceSelect)
      : null,
    tablist,
    panes,
  ].filter(Boolean));
}
