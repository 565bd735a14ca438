// The Formats and Sample settings groups of the chain form. Every panel's
// spec takes these same fields (PFX profile and password, and what the SDK
// snippets are filled with), so each panel reads them here and their errors
// show here.

import { createFieldErrors } from './field-errors.js';

const CONTROLS = {
  keyGenerator: 'key-generator',
  pfxProfile: 'pfx-profile',
  pfxPassword: 'pfx-password',
  idScope: 'id-scope',
  hubName: 'hub-name',
  folder: 'cert-folder',
  dpsName: 'dps-name',
  resourceGroup: 'resource-group',
};

export function createSampleSettings(root) {
  const errors = createFieldErrors(root, CONTROLS);
  return {
    /** The shared spec fields; an empty text field stays a placeholder in the snippets. */
    read() {
      return Object.fromEntries(
        Object.entries(CONTROLS).map(([field, id]) => {
          const value = root.querySelector(`#${id}`).value;
          return [field, field === 'pfxPassword' ? value : value.trim()];
        }),
      );
    },
    /** Calls `listener` once typing in the Sample settings pauses. */
    onSampleChange(listener) {
      let timer;
      root.querySelector('#sample-settings-group').addEventListener('input', () => {
        clearTimeout(timer);
        timer = setTimeout(listener, 500);
      });
    },
    showFieldError: errors.show,
    clearErrors: errors.clear,
    clearFixed: errors.clearFixed,
    get showingErrors() {
      return errors.showing;
    },
  };
}
