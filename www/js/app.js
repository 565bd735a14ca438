// Bootstraps the studio: one worker pool for all crypto, then each panel.
// The main thread only draws.

import { WorkerPool } from './pool.js';
import { createStatus } from './status.js';
import { createChainForm } from './chain-form.js';
import { makeChain } from './chain-maker.js';
import { renderChain } from './chain-view.js';
import { prepareZip, renderFiles, ZIP_NAME } from './files-view.js';
import { renderSnippets } from './snippets-view.js';
import { saveBytes } from './download.js';
import { createCaPanel } from './ca-panel.js';

const $ = (id) => document.getElementById(id);

const status = createStatus({ line: $('status-text'), bar: $('status-progress'), errors: $('errors') });
window.addEventListener('error', (event) => status.error(`Unexpected error: ${event.message}`));
window.addEventListener('unhandledrejection', (event) => status.error(`Unexpected error: ${event.reason?.message ?? event.reason}`));

/** Compiled once here and shared, so each worker only instantiates it. */
async function compileWasm() {
  const url = new URL('../pkg/cert_studio_bg.wasm', import.meta.url);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.pathname} answered ${response.status}`);
  return WebAssembly.compileStreaming(response);
}

const createWorker = () => new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'studio-worker' });
const wasmModule = compileWasm();
const pool = new WorkerPool({ createWorker, module: wasmModule, onWorkerLost: (reason) => status.error(reason) });
const caPanel = createCaPanel($('ca-panel'), { createWorker, module: wasmModule, status });

let running = null;
let zip = null;

const form = createChainForm($('chain-form'), {
  onGenerate: generate,
  onCancel: () => running?.abort(new DOMException('Generation was cancelled.', 'AbortError')),
});

function describeProgress({ phase, done, total }) {
  if (phase === 'keys') status.progress(`Making keys: ${done} of ${total}`, done, total);
  else if (phase === 'signing') status.progress('Signing certificates and writing files…');
  else status.progress('Checking the settings…');
}

async function generate(spec) {
  form.clearErrors();
  running = new AbortController();
  form.setBusy(true);
  const started = performance.now();
  try {
    const result = await makeChain(pool, spec, { signal: running.signal, onProgress: describeProgress });
    show(result, spec);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    status.say(`Done: ${result.chain.length} certificates and ${result.files.length} files in ${seconds} s.`);
  } catch (error) {
    if (error.name === 'AbortError') status.say('Cancelled. Anything made before is still below.');
    else if (error.field && form.showFieldError(error.field, error.message)) status.say(`Not generated: ${error.message}`);
    else {
      status.say('Not generated.');
      status.error(error.message);
    }
  } finally {
    running = null;
    form.setBusy(false);
  }
}

function show(result, spec) {
  renderChain($('chain-view'), result.chain);
  renderFiles($('files-view'), result.files);
  renderSnippets($('snippets-view'), result, { status });
  zip = prepareZip(pool, result.files);
  zip.catch(() => {});
  caPanel.offerGenerated(zip, spec.caKeyPassword);
  $('results').hidden = false;
}

$('download-zip').addEventListener('click', async () => {
  if (!zip) return;
  try {
    saveBytes(ZIP_NAME, await zip);
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
