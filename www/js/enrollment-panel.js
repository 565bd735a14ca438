// The individual enrollment panel: a self-signed device certificate (and a
// secondary one for the same registration ID, on request), keys made in
// parallel on the pool, then signed in one worker.

import { generateKeys, withGenerators } from './parallel-keys.js';
import { createPanelForm, wholeDays } from './panel-form.js';

const CONTROLS = {
  registrationId: 'enrollment-registration-id',
  keyAlgorithm: 'enrollment-key',
  validityDays: 'enrollment-validity-days',
};

/**
 * Makes the enrollment certificates of `spec` (the core's enrollment spec).
 * @returns {Promise<{files: object[], chain: object[]}>}
 */
export async function makeIndividualEnrollment(pool, spec, { signal, onProgress = () => {} } = {}) {
  onProgress({ phase: 'checking' });
  const count = await pool.run('validateEnrollmentSpec', { spec }, { signal });
  const { keys, generators } = await generateKeys(pool, Array(count).fill(spec.keyAlgorithm), { signal, generator: spec.keyGenerator, onProgress });
  onProgress({ phase: 'signing' });
  const result = await pool.run(
    'makeIndividualEnrollment',
    { spec, keys, nowMs: Date.now() },
    { signal, transfer: keys.map((key) => key.buffer) },
  );
  return withGenerators(result, generators);
}

/** Same dependencies as createEdgePanel (edge-panel.js). */
export function createEnrollmentPanel(form, { pool, settings, run, onCancel }) {
  const control = (id) => form.querySelector(`#${id}`);
  const panel = createPanelForm(form, {
    controls: CONTROLS,
    generate: control('enrollment-generate'),
    cancel: control('enrollment-cancel'),
    onCancel,
    read: () => ({
      ...settings.read(),
      registrationId: control('enrollment-registration-id').value.trim(),
      keyAlgorithm: control('enrollment-key').value,
      validityDays: wholeDays(control('enrollment-validity-days').value),
      withSecondary: control('enrollment-secondary').checked,
    }),
    onGenerate: (spec) =>
      run(panel, (options) => makeIndividualEnrollment(pool, spec, options), {
        title: 'Individual enrollment',
        zipName: 'azure-iot-enrollment-certs.zip',
      }),
  });
  return panel;
}
