// The status area: one polite live line with an optional determinate progress
// bar, and an assertive list of errors that stay until dismissed, so no error
// from a worker is ever lost. The line speaks of the tab on screen: each tab
// keeps its last line, shown again when it opens (work under way keeps its
// progress in view whatever the tab).

import { h } from './dom.js';

export function createStatus({ line, bar, errors }) {
  let current = null;
  /** Each tab's last line: { message, failed }. */
  const lines = new Map();
  const show = ({ message, failed }) => {
    line.textContent = message;
    line.classList.toggle('failed', failed);
    bar.hidden = true;
  };
  return {
    /** A plain message of the tab on screen (or of `tab`); hides the bar. */
    say(message, tab = current) {
      lines.set(tab, { message, failed: false });
      show(lines.get(tab));
    },

    /** Something asked for was not done: said in the error style. */
    fail(message, tab = current) {
      lines.set(tab, { message, failed: true });
      show(lines.get(tab));
    },

    /** Tab `id` is on screen: its last line, else `prompt` (when given). */
    showTab(id, prompt) {
      current = id;
      if (!bar.hidden) return;
      if (lines.has(id)) show(lines.get(id));
      else if (prompt) this.say(prompt);
    },

    /** Work in progress: a determinate bar when `total` is known. */
    progress(message, done, total) {
      line.textContent = message;
      line.classList.remove('failed');
      bar.hidden = false;
      if (total) {
        bar.max = total;
        bar.value = done;
      } else {
        bar.removeAttribute('value');
      }
      bar.setAttribute('aria-label', message);
    },

    error(message) {
      const item = h('li', { class: 'error' }, h('span', { class: 'error-text' }, message));
      item.append(
        h('button', { type: 'button', class: 'quiet', 'aria-label': 'Dismiss this error', onclick: () => item.remove() }, 'Dismiss'),
      );
      errors.append(item);
    },
  };
}
