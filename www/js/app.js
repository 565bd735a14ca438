// Bootstraps the studio: one worker pool for all crypto, then each panel.
// The main thread only draws.

import { JobError, WorkerPool } from './pool.js';
import { studioRuntime } from './runtime.js';
import { createStatus } from './status.js';
import { createChainForm } from './chain-form.js';
import { makeChain } from './chain-maker.js';
import { makeBatch } from './batch-maker.js';
import { renderChain } from './chain-view.js';
import { prepareZip, renderFiles, ZIP_NAME } from './files-view.js';
import { renderSnippets } from './snippets-view.js';
import { saveBytes } from './download.js';
import { formatBytes } from './dom.js';
import { createCaPanel } from './ca-panel.js';
import { createSampleSettings } from './sample-settings.js';
import { createEdgePanel } from './edge-panel.js';
import { createEnrollmentPanel } from './enrollment-panel.js';

const $ = (id) => document.getElementById(id);

const status = createStatus({ line: $('status-text'), bar: $('status-progress'), errors: $('errors') });
window.addEventListener('error', (event) => status.error(`Unexpected error: ${event.message}`));
window.addEventListener('unhandledrejection', (event) => status.error(`Unexpected error: ${event.reason?.message ?? event.reason}`));

// No random source, no studio: without crypto.getRandomValues every job
// fails with this sentence (each worker also asks the core, checkRandomSource).
const NO_RANDOM = 'This browser offers no secure random numbers (crypto.getRandomValues); the studio refuses to make keys without them.';
const runtime = studioRuntime();
const createWorker = runtime.createWorker;
const wasmModule = typeof globalThis.crypto?.getRandomValues === 'function' ? runtime.module : Promise.reject(new JobError({ message: NO_RANDOM }));
const pool = new WorkerPool({ createWorker, module: wasmModule, onWorkerLost: (reason) => status.error(reason) });
const caPanel = createCaPanel($('ca-panel'), { createWorker, module: wasmModule, status });

/** The batch ZIP's writer: a pool of one, made at the first batch. */
let archivist = null;
/** Above this many devices the chain is made as a batch (files straight into the ZIP). */
const LARGEST_SHOWN_CHAIN = 20;

let running = null;
let zip = null;
let zipName = ZIP_NAME;

const cancelRunning = () => running?.abort(new DOMException('Generation was cancelled.', 'AbortError'));
const settings = createSampleSettings($('chain-form'));
const form = createChainForm($('chain-form'), {
  onGenerate: (spec) => generate({ ...spec, ...settings.read() }),
  onCancel: cancelRunning,
});

const count = new Intl.NumberFormat('en');

function timeLeft(seconds) {
  if (!Number.isFinite(seconds)) return '';
  return seconds < 60 ? ` · about ${Math.max(1, Math.round(seconds))} s left` : ` · about ${Math.round(seconds / 60)} min left`;
}

function describeProgress({ phase, done, total, secondsLeft }) {
  if (phase === 'keys') status.progress(`Making keys: ${done} of ${total}`, done, total);
  else if (phase === 'devices') status.progress(`Devices: ${count.format(done)} of ${count.format(total)}${timeLeft(secondsLeft)}`, done, total);
  else if (phase === 'signing') status.progress('Signing certificates and writing files…');
  else status.progress('Checking the settings…');
}

function generate({ devicesText, ...spec }) {
  return runPanel(
    form,
    async (options) => {
      options.onProgress({ phase: 'checking' });
      const devices = await pool.run('parseDeviceList', { text: devicesText }, { signal: options.signal });
      if (devices.length <= LARGEST_SHOWN_CHAIN) return makeChain(pool, { ...spec, devices }, options);
      archivist ??= new WorkerPool({ createWorker, module: wasmModule, size: 1, onWorkerLost: (reason) => status.error(reason) });
      return describeBatch(await makeBatch({ pool, archivist }, spec, devices, options));
    },
    { title: 'Chain', zipName: ZIP_NAME, caKeyPassword: spec.caKeyPassword },
  );
}

/** A batch's result as the page shows it: the CA drawn, the devices summed up, the ZIP ready. */
function describeBatch(batch) {
  const made = count.format(batch.made);
  const requested = count.format(batch.requested);
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

function show(result, view = { title: 'Chain', zipName: ZIP_NAME }) {
  $('chain-title').textContent = view.title;
  renderChain($('chain-view'), result.chain, { status });
  $('batch-summary').hidden = !result.batchSummary;
  $('batch-summary').textContent = result.batchSummary ?? '';
  renderFiles($('files-view'), result.files);
  renderSnippets($('snippets-view'), result, { status, emptyNote: result.batchSummary && 'A batch keeps each device\'s snippets in the ZIP, under snippets/.' });
  zip = result.zip ? Promise.resolve(result.zip) : prepareZip(pool, result.files);
  zip.catch(() => {});
  zipName = view.zipName;
  // A batch's CA files alone are what an import needs, not every device's.
  if (view.caKeyPassword !== undefined) caPanel.offerGenerated(result.zip ? prepareZip(pool, result.files) : zip, view.caKeyPassword);
  $('results').hidden = false;
}

/**
 * Runs a generating panel (the chain form, IoT Edge, individual enrollment):
 * one generation at a time, progress in the status line, field errors next
 * to the panel's fields or the shared settings.
 */
async function runPanel(panel, work, view) {
  if (running) {
    status.say('Still generating: wait for it or press Cancel first.');
    return;
  }
  panel.clearErrors();
  settings.clearErrors();
  running = new AbortController();
  panel.setBusy(true);
  const started = performance.now();
  try {
    const result = await work({ signal: running.signal, onProgress: describeProgress });
    show(result, view);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    status.say(result.outcome ? `${result.outcome} (${seconds} s)` : `Done: ${result.chain.length} certificates and ${result.files.length} files in ${seconds} s.`);
    const results = $('results');
    if (results.getBoundingClientRect().top < 0) results.scrollIntoView({ block: 'start' });
  } catch (error) {
    if (error.name === 'AbortError') status.say('Cancelled. Anything made before is still below.');
    else if (error.field && (panel.showFieldError(error.field, error.message) || settings.showFieldError(error.field, error.message))) {
      // The whole message is at its field; a list of problems keeps only its first line here.
      status.say(`Not generated: ${error.message.split('\n')[0]}`);
    } else {
      status.say('Not generated.');
      status.error(error.message);
    }
  } finally {
    running = null;
    panel.setBusy(false);
  }
}

const panelDeps = { pool, settings, run: runPanel, onCancel: cancelRunning };
createEdgePanel($('edge-form'), panelDeps);
createEnrollmentPanel($('enrollment-form'), panelDeps);

$('download-zip').addEventListener('click', async () => {
  if (!zip) return;
  try {
    saveBytes(zipName, await zip);
  } catch (error) {
    status.error(`The ZIP could not be made: ${error.message}`);
  }
});

pool.ready.then(
  () => status.say('Ready. Adjust the settings or keep the tutorial defaults, then press Generate.'),
  (error) => {
    status.say('The studio cannot run in this browser.');
    status.error(error.message);
    $('generate').setAttribute('aria-disabled', 'true');
  },
);
