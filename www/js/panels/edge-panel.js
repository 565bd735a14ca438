// The IoT Edge panel: the certificates of iotedge's certGen.sh (device CA,
// identity, and a server certificate when DNS names are given), made by the
// pipeline (make/pipeline.js).

import { EDGE_CHAIN, makeOnPool, problemsOf } from '../make/pipeline.js';
import { createPanelForm, lines, wholeDays } from './panel-form.js';

const CONTROLS = {
  deviceName: 'edge-device-name',
  dnsNames: 'edge-dns-names',
  caKeyAlgorithm: 'edge-ca-key',
  leafKeyAlgorithm: 'edge-leaf-key',
  validityDays: 'edge-validity-days',
  caKeyPassword: 'edge-ca-key-password',
};

/**
 * @param {HTMLFormElement} form  the panel's form (#edge-form)
 * @param {object} deps  the pool, and what createPanelForm (panel-form.js) takes
 * @param {import('../runtime/pool.js').WorkerPool} deps.pool
 */
export function createEdgePanel(form, deps) {
  return createPanelForm(form, deps, {
    controls: CONTROLS,
    generate: 'edge-generate',
    cancel: 'edge-cancel',
    read: (control) => ({
      deviceName: control('edge-device-name').value.trim(),
      dnsNames: lines(control('edge-dns-names').value),
      caKeyAlgorithm: control('edge-ca-key').value,
      leafKeyAlgorithm: control('edge-leaf-key').value,
      validityDays: wholeDays(control('edge-validity-days').value),
      caKeyPassword: control('edge-ca-key-password').value,
      iotEdge11: control('edge-iotedge11').checked,
    }),
    make: (spec, options) => makeOnPool(deps.pool, EDGE_CHAIN, spec, options),
    keysNeeded: async (spec) => ({
      algorithms: await EDGE_CHAIN.keyAlgorithms(deps.pool, spec, { nowMs: Date.now() }),
      generator: spec.keyGenerator,
      password: spec.caKeyPassword,
    }),
    problems: (spec) => problemsOf(deps.pool, EDGE_CHAIN, spec),
    view: () => ({ title: 'IoT Edge chain', zipName: 'azure-iot-edge-certs.zip' }),
  });
}
