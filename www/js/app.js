// Bootstraps the studio: one worker pool for all crypto, then each panel.
// The main thread only draws.

import { JobError, WorkerPool } from './pool.js';
import { studioRuntime } from './runtime.js';
import { createStatus } from './status.js';
import { createChainForm } from './chain-form.js';
import { makeChain } from './chain-maker.js';
import { renderChain } from './chain-view.js';
import { prepareZip, renderFiles, ZIP_NAME } from './files-view.js';
import { renderSnippets } from './snippets-view.js';
import { saveBytes } from './download.js';
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

let running = null;
let zip = null;
let zipName = ZIP_NAME;

const cancelRunning = () => running?.abort(new DOMException('Generation was cancelled.', 'AbortError'));
const settings = createSampleSettings($('chain-form'));
const form = createChainForm($('chain-form'), {
  onGenerate: (spec) => generate({ ...spec, ...settings.read() }),
  onCancel: cancelRunning,
});

function describeProgress({ phase, done, total }) {
  if (phase === 'keys') status.progress(`Making keys: ${done} of ${total}`, done, total);
  else if (phase === 'signing') status.progress('Signing certificates and writing files…');
  else status.progress('Checking the settings…');
}

function generate(spec) {
  return runPanel(form, (options) => makeChain(pool, spec, options), { title: 'Chain', zipName: ZIP_NAME, caKeyPassword: spec.caKeyPassword });
}

function show(result, view = { title: 'Chain', zipName: ZIP_NAME }) {
  $('chain-title').textContent = view.title;
  renderChain($('chain-view'), result.chain, { status });
  renderFiles($('files-view'), result.files);
  renderSnippets($('snippets-view'), result, { status });
  zip = prepareZip(pool, result.files);
  zip.catch(() => {});
  zipName = view.zipName;
  if (view.caKeyPassword !== undefined) caPanel.offerGenerated(zip, view.caKeyPassword);
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
    status.say(`Done: ${result.chain.length} certificates and ${result.files.length} files in ${seconds} s.`);
    const results = $('results');
    if (results.getBoundingClientRect().top < 0) results.scrollIntoView({ block: 'start' });
  } catch (error) {
    if (error.name === 'AbortError') status.say('Cancelled. Anything made before is still below.');
    else if (error.field && (panel.showFieldError(error.field, error.message) || settings.showFieldError(error.field, error.message))) {
      status.say(`Not generated: ${error.message}`);
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
