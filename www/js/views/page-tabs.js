// The page's tabs, one per scenario, built from a list of
// `{ id, label, panel }` (app.js): the WAI-ARIA tabs pattern (arrow keys,
// Home / End, aria-selected, aria-controls; automatic activation), and a URL
// hash per tab (`#edge`) that opens it, on load, on reload and when typed.
// A hidden tab keeps everything in it: switching never loses a result.

import { h } from './dom.js';

/**
 * @param {HTMLElement} tablist  an empty element that becomes the tab list
 * @param {Array<{id: string, label: string, panel: string}>} tabs  `panel`: the id of the tab's element
 * @param {object} [options]
 * @param {(id: string) => void} [options.onSelect]  told after a tab opens (and once at the start)
 */
export function createPageTabs(tablist, tabs, { onSelect = () => {} } = {}) {
  const entries = tabs.map((tab) => {
    const panel = document.getElementById(tab.panel);
    const button = h('button', {
      type: 'button', role: 'tab', id: `tab-${tab.id}`, 'aria-controls': tab.panel, class: 'page-tab',
    }, tab.label);
    panel.setAttribute('role', 'tabpanel');
    panel.setAttribute('aria-labelledby', button.id);
    return { ...tab, button, panel };
  });
  tablist.setAttribute('role', 'tablist');
  tablist.replaceChildren(...entries.map((entry) => entry.button));
  let current = null;

  function select(id, { focus = false, updateHash = true } = {}) {
    const chosen = entries.find((entry) => entry.id === id) ?? entries[0];
    for (const entry of entries) {
      const on = entry === chosen;
      entry.button.setAttribute('aria-selected', String(on));
      entry.button.tabIndex = on ? 0 : -1;
      entry.panel.hidden = !on;
    }
    if (focus) chosen.button.focus();
    // replaceState: no scroll to an element, and Back leaves the page as before.
    if (updateHash && location.hash !== `#${chosen.id}`) history.replaceState(null, '', `#${chosen.id}`);
    if (current !== chosen.id) {
      current = chosen.id;
      onSelect(chosen.id);
    }
  }

  entries.forEach((entry, i) => {
    entry.button.addEventListener('click', () => select(entry.id));
    entry.button.addEventListener('keydown', (event) => {
      const last = entries.length - 1;
      const target = { ArrowRight: i === last ? 0 : i + 1, ArrowLeft: i === 0 ? last : i - 1, Home: 0, End: last }[event.key];
      if (target === undefined) return;
      event.preventDefault();
      select(entries[target].id, { focus: true });
    });
  });

  const fromHash = () => location.hash.slice(1);
  window.addEventListener('hashchange', () => select(fromHash(), { updateHash: false }));
  select(fromHash(), { updateHash: entries.some((entry) => entry.id === fromHash()) });

  return {
    select,
    get current() {
      return current;
    },
  };
}
