// The status area: one polite live line with an optional determinate progress
// bar, and an assertive list of errors that stay until dismissed, so no error
// from a worker is ever lost.

import { h } from './dom.js';

export function createStatus({ line, bar, errors }) {
  return {
    /** A plain message; hides the bar. */
    say(message) {
      line.textContent = message;
      line.classList.remove('failed');
      bar.hidden = true;
    },

    /** Something asked for was not done: said in the error style. */
    fail(message) {
      this.say(message);
      line.classList.add('failed');
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
