// Shows the core's errors next to the control they name: the message goes in
// the control's `<id>-error` note, which the control then describes
// (aria-describedby) and marks invalid; the control gets focus.

function setDescribedBy(input, errorId, on) {
  const ids = (input.getAttribute('aria-describedby') || '').split(/\s+/).filter((id) => id && id !== errorId);
  if (on) ids.push(errorId);
  if (ids.length) input.setAttribute('aria-describedby', ids.join(' '));
  else input.removeAttribute('aria-describedby');
}

/**
 * @param {ParentNode} root  where the controls live
 * @param {Record<string, string>} controls  the core's error `.field` → control id
 */
export function createFieldErrors(root, controls) {
  const control = (id) => root.querySelector(`#${id}`);
  /** The fields whose errors are on screen. */
  const shown = new Set();
  const hide = (id) => {
    const input = control(id);
    const note = control(`${id}-error`);
    note.hidden = true;
    note.textContent = '';
    input.removeAttribute('aria-invalid');
    setDescribedBy(input, note.id, false);
  };
  return {
    /** Shows `message` at the field the core named (focused unless told not to); false when the field is not here. */
    show(field, message, focus = true) {
      const id = Object.hasOwn(controls, field) ? controls[field] : null;
      if (!id) return false;
      const input = control(id);
      const note = control(`${id}-error`);
      note.textContent = message;
      note.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      setDescribedBy(input, note.id, true);
      if (focus) input.focus();
      shown.add(field);
      return true;
    },

    clear() {
      for (const id of Object.values(controls)) hide(id);
      shown.clear();
    },

    /** True while any error is on screen. */
    get showing() {
      return shown.size > 0;
    },

    /** The errors of fields no longer among `problems` ([{ field }], the core's reading of the values now) go. */
    clearFixed(problems) {
      const still = new Set(problems.map((problem) => problem.field));
      for (const field of shown) {
        if (still.has(field)) continue;
        shown.delete(field);
        // Two fields may share a control (the renewal's files); it stays marked while either is wrong.
        if (![...shown].some((other) => controls[other] === controls[field])) hide(controls[field]);
      }
    },
  };
}
