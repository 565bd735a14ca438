// The individual enrollment panel: a self-signed device certificate (and a
// secondary one for the same registration ID, on request), made by the
// pipeline (make/pipeline.js).

import { INDIVIDUAL_ENROLLMENT, makeOnPool, problemsOf } from '../make/pipeline.js';
import { createPanelForm, wholeDays } from './panel-form.js';

const CONTROLS = {
  registrationId: 'enrollment-registration-id',
  keyAlgorithm: 'enrollment-key',
  validityDays: 'enrollment-validity-days',
};

/** Same dependencies as createEdgePanel (edge-panel.js). */
export function createEnrollmentPanel(form, deps) {
  return createPanelForm(form, deps, {
    controls: CONTROLS,
    generate: 'enrollment-generate',
    cancel: 'enrollment-cancel',
    read: (control) => ({
      registrationId: control('enrollment-registration-id').value.trim(),
      keyAlgorithm: control('enrollment-key').value,
      validityDays: wholeDays(control('enrollment-validity-days').value),
      withSecondary: control('enrollment-secondary').checked,
    }),
    make: (spec, options) => makeOnPool(deps.pool, INDIVIDUAL_ENROLLMENT, spec, options),
    keysNeeded: async (spec) => ({ algorithms: await INDIVIDUAL_ENROLLMENT.keyAlgorithms(deps.pool, spec, {}), generator: spec.keyGenerator }),
    problems: (spec) => problemsOf(deps.pool, INDIVIDUAL_ENROLLMENT, spec),
    view: () => ({ title: 'Individual enrollment', zipName: 'azure-iot-enrollment-certs.zip' }),
  });
}
