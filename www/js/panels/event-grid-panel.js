// The Event Grid panel: clients of an Event Grid namespace's MQTT broker, the
// intermediate to upload (none for thumbprint clients), and the az script,
// made by the pipeline (make/pipeline.js) on a pool of the CA module.

import { EVENT_GRID, makeOnPool, problemsOf } from '../make/pipeline.js';
import { createPanelForm, lines, wholeDays } from './panel-form.js';

const CONTROLS = {
  validation: 'eg-validation',
  clients: 'eg-clients',
  keyAlgorithm: 'eg-key',
  caCertificateName: 'eg-ca-name',
  namespace: 'eg-namespace',
  mqttHostname: 'eg-mqtt-hostname',
  caKeyPassword: 'eg-ca-key-password',
  validityDays: 'eg-validity-days',
};

/**
 * @param {HTMLFormElement} form  the panel's form (#event-grid-form)
 * @param {object} deps  what createPanelForm (panel-form.js) takes, and `pool`: a pool of the CA module
 */
export function createEventGridPanel(form, deps) {
  const control = (id) => form.querySelector(`#${id}`);
  // The CA name and password matter only with a CA: thumbprint clients are self-signed.
  const showCaFields = () => {
    const withCa = control('eg-validation').value !== 'thumbprint';
    for (const id of ['eg-ca-fields']) control(id).hidden = !withCa;
  };
  control('eg-validation').addEventListener('change', showCaFields);
  showCaFields();
  return createPanelForm(form, deps, {
    controls: CONTROLS,
    generate: 'eg-generate',
    cancel: 'eg-cancel',
    read: (control) => ({
      validation: control('eg-validation').value,
      clients: lines(control('eg-clients').value),
      keyAlgorithm: control('eg-key').value,
      caCertificateName: control('eg-ca-name').value.trim(),
      namespace: control('eg-namespace').value.trim(),
      mqttHostname: control('eg-mqtt-hostname').value.trim(),
      caKeyPassword: control('eg-ca-key-password').value,
      validityDays: wholeDays(control('eg-validity-days').value),
    }),
    make: (spec, options) => makeOnPool(deps.pool, EVENT_GRID, spec, options),
    keysNeeded: async (spec) => ({
      algorithms: await EVENT_GRID.keyAlgorithms(deps.pool, spec, { nowMs: Date.now() }),
      generator: spec.keyGenerator,
      password: spec.validation === 'thumbprint' ? '' : spec.caKeyPassword,
    }),
    problems: (spec) => problemsOf(deps.pool, EVENT_GRID, spec),
    view: () => ({ title: 'Event Grid MQTT clients', zipName: 'event-grid-mqtt-certs.zip' }),
  });
}
