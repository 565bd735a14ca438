// What a panel's button does, the same way on every panel: its last result and
// messages go first (nothing stale stays beside a new error), the button shows
// it is busy and ignores presses meanwhile, and an error is shown at the field
// the core names, else in the status area.

/** `act(button, errors, what, work, result?)` for a panel reporting to `status`. */
export function panelAction(status) {
  return async function act(button, errors, what, work, result) {
    if (button.getAttribute('aria-busy') === 'true') return;
    errors.clear();
    result?.replaceChildren();
    button.setAttribute('aria-busy', 'true');
    button.setAttribute('aria-disabled', 'true');
    try {
      await work();
    } catch (error) {
      if (!(error.field && errors.show(error.field, error.message))) status.error(`${what}: ${error.message}`);
      status.fail(`${what} failed: ${error.message}`);
    } finally {
      button.removeAttribute('aria-busy');
      button.removeAttribute('aria-disabled');
    }
  };
}
