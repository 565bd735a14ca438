// The chain settings form: reads the fields into the core's ChainSpec shape
// and shows the core's errors next to the field they name. The rules
// themselves live in the core (validateChainSpec); this module only collects
// what the user typed.

import { createFieldErrors } from './field-errors.js';
import { wholeDays } from './panel-form.js';

/** The core's error `.field` → the form control it belongs to. */
const FIELD_CONTROLS = {
  keyAlgorithm: 'key-algorithm',
  rootCn: 'root-cn',
  intermediateCount: 'intermediate-count',
  intermediateCn: 'intermediate-cn',
  devices: 'devices',
  validityDays: 'validity-days',
  keyFormat: 'key-format',
};

/** With several intermediates each name gets a number, from the root down. */
export function intermediateNames(commonName, count) {
  if (count === 1) return [commonName];
  return Array.from({ length: count }, (_, i) => `${commonName} ${i + 1}`);
}

export function createChainForm(form, { onGenerate, onCancel }) {
  const control = (id) => form.querySelector(`#${id}`);
  const count = control('intermediate-count');
  const intermediateCn = control('intermediate-cn');
  const generate = control('generate');
  const cancel = control('cancel');
  let busy = false;

  const syncIntermediates = () => {
    intermediateCn.disabled = count.value === '0';
  };
  count.addEventListener('change', syncIntermediates);
  syncIntermediates();

  // A list file (one ID per line, or CSV) goes into the field as it is, so
  // the line numbers of any problem are the file's.
  const listFile = control('devices-file');
  listFile.addEventListener('change', async () => {
    const [file] = listFile.files;
    if (!file) return;
    control('devices').value = await file.text();
    listFile.value = '';
    control('devices').focus();
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!busy) onGenerate(read());
  });
  cancel.addEventListener('click', () => onCancel());

  function read() {
    return {
      keyAlgorithm: control('key-algorithm').value,
      rootCn: control('root-cn').value,
      intermediateCns: intermediateNames(intermediateCn.value, Number(count.value)),
      // The core expands ranges and CSV and names every bad line (parseDeviceList).
      devicesText: control('devices').value,
      validityDays: wholeDays(control('validity-days').value),
      caKeyPassword: control('ca-key-password').value,
      keyFormat: control('key-format').value,
    };
  }

  const fieldErrors = createFieldErrors(form, FIELD_CONTROLS);

  return {
    /** Shows `message` at the field the core named; false when the field is not on this form. */
    showFieldError(field, message) {
      return fieldErrors.show(field, message);
    },

    clearErrors() {
      fieldErrors.clear();
    },

    /** While busy, Generate stays focusable (aria-disabled) and Cancel appears. */
    setBusy(on) {
      busy = on;
      form.setAttribute('aria-busy', String(on));
      generate.setAttribute('aria-disabled', String(on));
      cancel.hidden = !on;
    },
  };
}
