// The forms of the panels that came after the chain form (and the shared
// settings): the core's field errors shown next to their controls (each error
// `.field` maps to a control id; the message goes in `<id>-error` beside it),
// and the Generate / Cancel pair with its busy state.

function setDescribedBy(input, errorId, on) {
  const ids = (input.getAttribute('aria-describedby') || '').split(/\s+/).filter((id) => id && id !== errorId);
  if (on) ids.push(errorId);
  if (ids.length) input.setAttribute('aria-describedby', ids.join(' '));
  else input.removeAttribute('aria-describedby');
}

/** `controls`: the core's field name → the id of its control under `root`. */
export function createFieldErrors(root, controls) {
  const control = (id) => root.querySelector(`#${id}`);
  return {
    /** Shows `message` at the field; false when the field is not one of these. */
    show(field, message) {
      const id = Object.hasOwn(controls, field) ? controls[field] : null;
      if (!id) return false;
      const input = control(id);
      const note = control(`${id}-error`);
      note.textContent = message;
      note.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      setDescribedBy(input, note.id, true);
      input.focus();
      return true;
    },

    clear() {
      for (const id of Object.values(controls)) {
        const input = control(id);
        const note = control(`${id}-error`);
        note.hidden = true;
        note.textContent = '';
        input.removeAttribute('aria-invalid');
        setDescribedBy(input, note.id, false);
      }
    },
  };
}

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
