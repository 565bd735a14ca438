// Bootstraps the studio: one worker pool for all crypto, then each panel.
// The main thread only draws.

import { JobError, WorkerPool } from './runtime/pool.js';
import { studioRuntime } from './runtime/runtime.js';
import { createStatus } from './views/status.js';
import { renderChain } from './views/chain-view.js';
import { prepareZip, renderFiles, ZIP_NAME } from './views/files-view.js';
import { renderSnippets } from './views/snippets-view.js';
import { saveBytes } from './views/download.js';
import { formatCount } from './views/dom.js';
import { createCaPanel } from './panels/ca-panel.js';
import { createSampleSettings } from './panels/sample-settings.js';
import { createChainPanel } from './panels/chain-panel.js';
import { createEdgePanel } from './panels/edge-panel.js';
import { createEnrollmentPanel } from './panels/enrollment-panel.js';
import { createRenewPanel } from './panels/renew-panel.js';

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

/** The batch ZIP's writer: a pool of one, made at the first batch. */
let archivist = null;
const batchArchivist = () =>
  (archivist ??= new WorkerPool({ createWorker, module: wasmModule, size: 1, onWorkerLost: (reason) => status.error(reason) }));

let running = null;
let zip = null;
let zipName = ZIP_NAME;

const cancelRunning = () => running?.abort(new DOMException('Generation was cancelled.', 'AbortError'));
const settings = createSampleSettings($('chain-form'));

function timeLeft(seconds) {
  if (!Number.isFinite(seconds)) return '';
  return seconds < 60 ? ` · about ${Math.max(1, Math.round(seconds))} s left` : ` · about ${Math.round(seconds / 60)} min left`;
}

function describeProgress({ phase, done, total, secondsLeft }) {
  if (phase === 'keys') status.progress(`Making keys: ${done} of ${total}`, done, total);
  else if (phase === 'devices') status.progress(`Devices: ${formatCount(done)} of ${formatCount(total)}${timeLeft(secondsLeft)}`, done, total);
  else if (phase === 'signing') status.progress('Signing certificates and writing files…');
  else status.progress('Checking the settings…');
}

/** The SDK samples the snippet tabs are for, in tab order: the core owns the list. */
const snippetSamples = pool.run('snippetSamples', {});
snippetSamples.catch(() => {}); // a pool that cannot start says so once, below

/**
 * The result on the page whose snippets follow the Sample settings, with the
 * view it was shown with (a batch's snippets are in its ZIP only: null).
 */
let shown = null;

/** A result's files, snippets and ZIP. */
async function showFiles(result) {
  const samples = await snippetSamples;
  renderFiles($('files-view'), result.files);
  renderSnippets($('snippets-view'), result, { status, samples, emptyNote: result.batchSummary && 'A batch keeps each device\'s snippets in the ZIP, under snippets/.' });
  zip = result.zip ? Promise.resolve(result.zip) : prepareZip(pool, result.files);
  zip.catch(() => {});
}

async function show(result, view = { title: 'Chain', zipName: ZIP_NAME }) {
  $('chain-title').textContent = view.title;
  renderChain($('chain-view'), result.chain, { status });
  $('batch-summary').hidden = !result.batchSummary;
  $('batch-summary').textContent = result.batchSummary ?? '';
  await showFiles(result);
  shown = result.zip ? null : { result, view };
  zipName = view.zipName;
  // A batch's CA files alone are what an import needs, not every device's.
  if (view.caKeyPassword !== undefined) caPanel.offerGenerated(result.zip ? prepareZip(pool, result.files) : zip, view.caKeyPassword);
  $('results').hidden = false;
}

/**
 * New Sample settings after a result: the core writes its snippets again
 * (page and ZIP) from the files already made. No new keys, so a root already
 * uploaded and verified stays valid.
 */
let rewrites = 0;
async function followSampleSettings() {
  if (!shown || running) return;
  const { result, view } = shown;
  const turn = ++rewrites;
  settings.clearErrors();
  try {
    // The PFX files keep the password they were made with; the snippets quote that one.
    // In the CA module (the page's module stays small until a result exists).
    const { files } = await caPanel.run('rewriteSnippets', { files: result.files, chain: result.chain, settings: { ...settings.read(), pfxPassword: view.pfxPassword } });
    if (turn !== rewrites || shown?.result !== result) return; // newer settings, or a new result, meanwhile
    result.files = files;
    await showFiles(result);
    status.say('The snippets follow the new Sample settings; keys and certificates are unchanged.');
  } catch (error) {
    if (!(error.field && settings.showFieldError(error.field, error.message, false))) status.error(error.message);
    status.fail(`The snippets are as before: ${error.message.split('\n')[0]}`);
  }
}
settings.onSampleChange(followSampleSettings);

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
  // One generation at a time: the other panels' buttons say so.
  for (const other of panels) if (other !== panel) other.setBlocked(true);
  const started = performance.now();
  try {
    const result = await work({ signal: running.signal, onProgress: describeProgress });
    await show(result, view);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    status.say(result.outcome ? `${result.outcome} (${seconds} s)` : `Done: ${result.chain.length} certificates and ${result.files.length} files in ${seconds} s.`);
    // The result may start far below the form (on a phone, a screen or more): go there.
    const heading = $('chain-title');
    heading.focus({ preventScroll: true });
    heading.scrollIntoView({ block: 'start' });
  } catch (error) {
    if (error.name === 'AbortError') status.say('Cancelled. Anything made before is still below.');
    else showProblems(panel, error);
  } finally {
    running = null;
    panel.setBusy(false);
    for (const other of panels) if (other !== panel) other.setBlocked(false);
  }
}

/** Every field problem at its field (the first one placed gets focus); any other in the error list. */
function showProblems(panel, error) {
  const problems = error.problems ?? (error.field ? [error] : []);
  const placed = [];
  for (const { field, message } of problems) {
    const focus = placed.length === 0;
    if (panel.showFieldError(field, message, focus) || settings.showFieldError(field, message, focus)) placed.push(message);
    else status.error(message);
  }
  if (placed.length === 0) {
    status.fail('Not generated.');
    if (problems.length === 0) status.error(error.message);
    return;
  }
  // Each whole message is at its field; a list of problems keeps only its first line here.
  const more = placed.length > 1 ? ` (and ${placed.length - 1} more, each at its field)` : '';
  status.fail(`Not generated: ${placed[0].split('\n')[0]}${more}`);
}

const panelDeps = { pool, settings, run: runPanel, onCancel: cancelRunning };
const panels = [
  createChainPanel($('chain-form'), { ...panelDeps, archivist: batchArchivist, status }),
  createEdgePanel($('edge-form'), panelDeps),
  createEnrollmentPanel($('enrollment-form'), panelDeps),
];
const [chainPanel] = panels;
const caPanel = createCaPanel($('ca-panel'), {
  createWorker,
  module: wasmModule,
  status,
  deviceSettings: () => ({ ...settings.read(), ...chainPanel.deviceSettings() }),
});
// Renew and roll over: CA-module jobs on the CA panel's worker, where imported CAs live.
createRenewPanel($('renew-panel'), { run: caPanel.run, status });

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
    status.fail('The studio cannot run in this browser.');
    status.error(error.message);
    $('generate').setAttribute('aria-disabled', 'true');
  },
);
