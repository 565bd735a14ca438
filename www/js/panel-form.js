// The forms of the panels that came after the chain form: field errors (via
// field-errors.js), the Generate / Cancel pair with its busy state, and the
// small readers every form shares.

import { createFieldErrors } from './field-errors.js';

/** One entry per line; blank lines and stray spaces at either end are ignored. */
export function lines(text) {
  return text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
}

/** The core takes a whole number of days; anything else becomes 0 so the core names the rule. */
export function wholeDays(text) {
  const value = Number(text.trim());
  return Number.isInteger(value) && value >= 0 && value <= 0xffffffff ? value : 0;
}

/**
 * A panel's form: submit reads the spec and hands it to `onGenerate`; while
 * busy, Generate stays focusable (aria-disabled) and Cancel appears.
 */
export function createPanelForm(form, { controls, read, generate, cancel, onGenerate, onCancel }) {
  const errors = createFieldErrors(form, controls);
  let busy = false;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!busy) onGenerate(read());
  });
  cancel.addEventListener('click', () => onCancel());
  return {
    showFieldError: errors.show,
    clearErrors: errors.clear,
    setBusy(on) {
      busy = on;
      form.setAttribute('aria-busy', String(on));
      generate.setAttribute('aria-disabled', String(on));
      cancel.hidden = !on;
    },
  };
}
