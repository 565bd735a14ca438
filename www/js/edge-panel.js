// The IoT Edge panel: the certificates of iotedge's certGen.sh (device CA,
// identity, and a server certificate when DNS names are given). The keys are
// made in parallel on the pool, then one worker signs the chain.

import { caKeysAndPassword, keyBuffers, withGenerators } from './parallel-keys.js';
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
 * Makes the IoT Edge chain of `spec` (the core's edge spec).
 * @returns {Promise<{files: object[], chain: object[]}>}
 */
export async function makeEdgeChain(pool, spec, { signal, onProgress = () => {} } = {}) {
  onProgress({ phase: 'checking' });
  const nowMs = Date.now();
  const algorithms = await pool.run('edgeKeyAlgorithms', { spec, nowMs }, { signal });
  const { keys, generators, stretched } = await caKeysAndPassword(pool, algorithms, spec, { signal, onProgress });
  onProgress({ phase: 'signing' });
  const result = await pool.run('makeEdgeChain', { spec, keys, nowMs, stretched }, { signal, transfer: keyBuffers(keys, stretched) });
  return withGenerators(result, generators);
}

/**
 * @param {HTMLFormElement} form  the panel's form (#edge-form)
 * @param {object} deps
 * @param {import('./pool.js').WorkerPool} deps.pool
 * @param {{read: () => object}} deps.settings  the shared Formats and Sample settings
 * @param {(panel: object, work: Function, view: {title: string, zipName: string}) => Promise<void>} deps.run
 * @param {() => void} deps.onCancel
 */
export function createEdgePanel(form, { pool, settings, run, onCancel }) {
  const control = (id) => form.querySelector(`#${id}`);
  const panel = createPanelForm(form, {
    controls: CONTROLS,
    generate: control('edge-generate'),
    cancel: control('edge-cancel'),
    onCancel,
    read: () => ({
      ...settings.read(),
      deviceName: control('edge-device-name').value.trim(),
      dnsNames: lines(control('edge-dns-names').value),
      caKeyAlgorithm: control('edge-ca-key').value,
      leafKeyAlgorithm: control('edge-leaf-key').value,
      validityDays: wholeDays(control('edge-validity-days').value),
      caKeyPassword: control('edge-ca-key-password').value,
      iotEdge11: control('edge-iotedge11').checked,
    }),
    onGenerate: (spec) =>
      run(panel, (options) => makeEdgeChain(pool, spec, options), {
        title: 'IoT Edge chain',
        zipName: 'azure-iot-edge-certs.zip',
      }),
  });
  return panel;
}
