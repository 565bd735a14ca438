// Every password field gets a Show toggle: typed characters hidden by
// default (a CA key password should not sit readable on a shared screen),
// shown while the toggle is pressed. The toggle is a real button with
// aria-pressed, beside the field it controls.

import { h } from './dom.js';

/** Wraps each `input[type=password]` under `root` with its Show toggle. */
export function addPasswordToggles(root) {
  for (const input of root.querySelectorAll('input[type="password"]')) {
    const toggle = h('button', { type: 'button', class: 'password-toggle', 'aria-pressed': 'false', 'aria-controls': input.id }, 'Show');
    toggle.addEventListener('click', () => {
      const show = toggle.getAttribute('aria-pressed') !== 'true';
      toggle.setAttribute('aria-pressed', String(show));
      input.type = show ? 'text' : 'password';
    });
    const wrapper = h('div', { class: 'password-field' });
    input.replaceWith(wrapper);
    wrapper.append(input, toggle);
  }
}
