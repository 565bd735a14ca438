// The chain panel: the tutorial's root → intermediates → devices. The rules
// live in the core (parseDeviceList, validateChainSpec); this module collects
// what the user typed. Up to LARGEST_SHOWN_CHAIN devices the chain is shown
// file by file; more are made as a batch, straight into one ZIP.

import { makeOnPool, problemsOf, TUTORIAL_CHAIN, withEveryProblem } from '../make/pipeline.js';
import { makeBatchOnPool } from '../make/batch.js';
import { formatBytes, formatCount } from '../views/dom.js';
import { ZIP_NAME } from '../views/files-view.js';
import { createPanelForm, wholeDays } from './panel-form.js';

/** The core's error `.field` → the form control it belongs to. */
const CONTROLS = {
  keyAlgorithm: 'key-algorithm',
  rootCn: 'root-cn',
  intermediateCount: 'intermediate-count',
  intermediateCn: 'intermediate-cn',
  devices: 'devices',
  validityDays: 'validity-days',
  keyFormat: 'key-format',
};

/** Above this many devices the chain is made as a batch (files straight into the ZIP). */
const LARGEST_SHOWN_CHAIN = 20;

/** With several intermediates each name gets a number, from the root down. */
function intermediateNames(commonName, total) {
  if (total === 1) return [commonName];
  return Array.from({ length: total }, (_, i) => `${commonName} ${i + 1}`);
}

/** A batch's result as the page shows it: the CA drawn, the devices summed up, the ZIP ready. */
function describeBatch(batch, status) {
  const made = formatCount(batch.made);
  const requested = formatCount(batch.requested);
  const generator = batch.deviceKeyGenerator ? ` Device keys made by ${batch.deviceKeyGenerator}.` : '';
  let summary = `${made} device certificates are in the ZIP (${formatBytes(batch.zip.size)}), each with its files and snippets; devices.csv lists them with their thumbprints.${generator}`;
  let outcome = `Done: a batch of ${made} devices.`;
  if (batch.failure) {
    summary = `Stopped after ${made} of ${requested} devices: ${batch.failure.message} The ZIP holds the ${made} made. ${summary}`;
    outcome = `Stopped after ${made} of ${requested} devices; the ZIP holds those made.`;
    status.error(batch.failure.message);
  } else if (batch.cancelled) {
    summary = `Cancelled after ${made} of ${requested} devices. ${summary}`;
    outcome = `Cancelled after ${made} of ${requested} devices; the ZIP holds the ${made} made.`;
  }
  return { ...batch, batchSummary: summary, outcome };
}

/**
 * @param {HTMLFormElement} form  the chain form (#chain-form)
 * @param {object} deps  as createEdgePanel's (edge-panel.js), and:
 * @param {() => import('../runtime/pool.js').WorkerPool} deps.archivist  the batch ZIP's writer, a pool of one
 * @param {{error: (message: string) => void}} deps.status
 */
export function createChainPanel(form, deps) {
  const { pool, archivist, status } = deps;
  const control = (id) => form.querySelector(`#${id}`);
  const intermediateCount = control('intermediate-count');
  const intermediateCn = control('intermediate-cn');

  const syncIntermediates = () => {
    intermediateCn.disabled = intermediateCount.value === '0';
  };
  intermediateCount.addEventListener('change', syncIntermediates);
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

  async function make({ devicesText, ...spec }, options) {
    options.onProgress({ phase: 'checking' });
    const { devices } = await pool.run('parseDeviceList', { devices: devicesText }, { signal: options.signal }).catch(async (error) => {
      // The other fields' problems too, all at once.
      throw await withEveryProblem(error, pool, TUTORIAL_CHAIN, spec, options);
    });
    if (devices.length <= LARGEST_SHOWN_CHAIN) return makeOnPool(pool, TUTORIAL_CHAIN, { ...spec, devices }, options);
    return describeBatch(await makeBatchOnPool({ pool, archivist: archivist() }, spec, devices, options), status);
  }

  const panel = createPanelForm(form, deps, {
    controls: CONTROLS,
    generate: 'generate',
    cancel: 'cancel',
    read: () => ({
      ...panel.deviceSettings(),
      rootCn: control('root-cn').value,
      intermediateCns: intermediateNames(intermediateCn.value, Number(intermediateCount.value)),
      // The core expands ranges and CSV and names every bad line (parseDeviceList).
      devicesText: control('devices').value,
      caKeyPassword: control('ca-key-password').value,
    }),
    make,
    // A batch makes its CA's keys only after the list is read: nothing ahead.
    keysNeeded: async ({ devicesText, ...spec }) => {
      const { devices } = await pool.run('parseDeviceList', { devices: devicesText });
      if (devices.length > LARGEST_SHOWN_CHAIN) return null;
      const algorithms = await TUTORIAL_CHAIN.keyAlgorithms(pool, { ...spec, devices }, {});
      return { algorithms, generator: spec.keyGenerator, password: spec.caKeyPassword };
    },
    problems: async ({ devicesText, ...spec }) => {
      const list = await pool.run('parseDeviceList', { devices: devicesText }).then(() => [], (error) => (error.field ? [error] : []));
      return [...list, ...(await problemsOf(pool, TUTORIAL_CHAIN, spec))];
    },
    // Its CAs are offered to the Bring your own CA panel.
    view: (spec) => ({ title: 'Chain', zipName: ZIP_NAME, caKeyPassword: spec.caKeyPassword }),
  });
  /** What devices signed elsewhere (Bring your own CA) take from this form, as its own devices do. */
  panel.deviceSettings = () => ({
    keyAlgorithm: control('key-algorithm').value,
    validityDays: wholeDays(control('validity-days').value),
    keyFormat: control('key-format').value,
  });
  return panel;
}
