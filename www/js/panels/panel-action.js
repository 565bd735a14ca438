// What a panel's button does, the same way on every panel: its last result and
// messages go first (nothing stale stays beside a new error), the button shows
// it is busy and ignores presses meanwhile, and an error is shown at the field
// the core names, else in the status area. A panel whose result is worth
// keeping (Inspect) keeps it through a failure, and the status says so.

/** `act(button, errors, what, work, result?, { keepResult? })` for a panel reporting to `status`. */
export function panelAction(status) {
  return async function act(button, errors, what, work, result, { keepResult = false } = {}) {
    if (button.getAttribute('aria-busy') === 'true') return;
    errors.clear();
    if (!keepResult) result?.replaceChildren();
    button.setAttribute('aria-busy', 'true');
    button.setAttribute('aria-disabled', 'true');
    try {
      await work();
    } catch (error) {
      if (!(error.field && errors.show(error.field, error.message))) status.error(`${what}: ${error.message}`);
      const kept = keepResult && result?.hasChildNodes() ? ' The result below is still the one before.' : '';
      status.fail(`${what} failed: ${error.message}${kept}`);
    } finally {
      button.removeAttribute('aria-busy');
      button.removeAttribute('aria-disabled');
    }
  };
}
