// Every generating panel's form (the chain, IoT Edge, individual
// enrollment): field errors (via field-errors.js), the Generate / Cancel pair
// with its busy state, the shared settings read into each spec, and the
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
 * A panel's form. Submit reads the panel's fields (`read(control)`) and the
 * shared Formats and Sample settings into one spec and hands
 * `make(spec, options)` to `run`, which runs one generation at a time and
 * shows its progress and the core's errors; while busy, Generate stays
 * focusable (aria-disabled) and Cancel appears.
 * @param {HTMLFormElement} form
 * @param {object} deps  what every panel shares (app.js)
 * @param {{read: () => object}} deps.settings  the shared Formats and Sample settings
 * @param {(panel: object, work: Function, view: object) => Promise<void>} deps.run
 * @param {() => void} deps.onCancel
 * @param {object} panel
 * @param {Record<string, string>} panel.controls  the core's error `.field` → control id
 * @param {string} panel.generate  the Generate button's id
 * @param {string} panel.cancel  the Cancel button's id
 * @param {(control: (id: string) => HTMLElement) => object} panel.read  the panel's own spec fields
 * @param {(spec: object, options: {signal: AbortSignal, onProgress: Function}) => Promise<object>} panel.make
 * @param {(spec: object) => {title: string, zipName: string, caKeyPassword?: string}} panel.view  how the result is shown
 * @param {(spec: object) => Promise<{algorithms: string[], generator?: string, password?: string} | null>} panel.keysNeeded
 *   the keys a press with `spec` would make (for keys made ahead, make/key-stock.js); null when it makes none ahead
 * @param {(spec: object) => Promise<Array<{field: string}>>} panel.problems  every problem the core finds in `spec`
 */
export function createPanelForm(form, { settings, run, onCancel }, { controls, generate, cancel, read, make, view, keysNeeded, problems }) {
  const control = (id) => form.querySelector(`#${id}`);
  const errors = createFieldErrors(form, controls);
  const generateButton = control(generate);
  const cancelButton = control(cancel);
  let busy = false;
  let blocked = false;
  const panel = {
    showFieldError: errors.show,
    clearErrors: errors.clear,
    setBusy(on) {
      busy = on;
      form.setAttribute('aria-busy', String(on));
      generateButton.setAttribute('aria-disabled', String(on));
      cancelButton.hidden = !on;
    },
    /** Another panel is generating: Generate here waits (focusable, aria-disabled). */
    setBlocked(on) {
      blocked = on;
      generateButton.setAttribute('aria-disabled', String(on));
    },
  };
  const readSpec = () => ({ ...settings.read(), ...read(control) });
  /** The keys the form's settings need now; null when the core refuses them (the press will say why). */
  panel.keysNeeded = () => keysNeeded(readSpec()).catch(() => null);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (busy || blocked) return;
    const spec = readSpec();
    // Snippets written again later (new Sample settings) quote the PFX password the files were made with.
    run(panel, (options) => make(spec, options), { ...view(spec), pfxPassword: spec.pfxPassword });
  });
  cancelButton.addEventListener('click', () => onCancel());

  // A field's error goes as soon as the core takes its new value (checked once typing pauses).
  let recheck;
  let turn = 0;
  form.addEventListener('input', () => {
    if (!errors.showing && !settings.showingErrors) return;
    clearTimeout(recheck);
    recheck = setTimeout(async () => {
      const mine = ++turn;
      const found = await problems(readSpec()).catch(() => null);
      if (!found || mine !== turn) return;
      errors.clearFixed(found);
      settings.clearFixed(found);
    }, 250);
  });
  return panel;
}
