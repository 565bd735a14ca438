// Bootstraps the studio: one worker pool for all crypto, then each panel.
// The main thread only draws.

import { JobError, WorkerPool } from './runtime/pool.js';
import { caWasmModule, studioRuntime } from './runtime/runtime.js';
import { createStatus } from './views/status.js';
import { prepareZip } from './views/files-view.js';
import { createResultView } from './views/result-view.js';
import { createPageTabs } from './views/page-tabs.js';
import { addPasswordToggles } from './views/password-toggle.js';
import { formatCount } from './views/dom.js';
import { createKeyStock } from './make/key-stock.js';
import { chainSteps, deviceRegistrySteps, edgeSteps, enrollmentSteps, eventGridSteps, iotOperationsSteps } from './make/next-steps.js';
import { createAzurePanels } from './panels/azure-panels.js';
import { createCaPanel } from './panels/ca-panel.js';
import { createSampleSettings } from './panels/sample-settings.js';
import { createChainPanel } from './panels/chain-panel.js';
import { createEdgePanel } from './panels/edge-panel.js';
import { createEnrollmentPanel } from './panels/enrollment-panel.js';
import { createEventGridPanel } from './panels/event-grid-panel.js';
import { createRenewPanel } from './panels/renew-panel.js';
import { BUILD } from '../pkg/build-info.js';

const $ = (id) => document.getElementById(id);
addPasswordToggles(document);

// The source this page (and its offline file) was built from: what a download is checked against.
$('build-info').textContent = `cert-studio ${BUILD.version}, built from commit ${BUILD.commit}`;

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

/** Event Grid's exports are in the CA module (the main one has no room): its own pool, started when the tab first needs it. */
let eventGridWorkers = null;
const eventGridPool = {
  run: (...args) => (eventGridWorkers ??= new WorkerPool({
    createWorker, module: Promise.resolve(wasmModule).then(() => caWasmModule()), onWorkerLost: (reason) => status.error(reason),
  })).run(...args),
};
/** The Event Grid result's snippet tabs, by file name (snippets/<client>.<sample>). */
const EVENT_GRID_SAMPLES = Promise.resolve([
  { id: 'mosquitto', tab: 'mosquitto_pub', sample: 'mosquitto_pub.sh' },
  { id: 'paho', tab: 'Python paho-mqtt', sample: 'paho_client.py' },
  { id: 'event-grid-az', tab: 'Event Grid · az', sample: 'az-cli.sh' },
]);

let running = null;

const cancelRunning = () => running?.abort(new DOMException('Generation was cancelled.', 'AbortError'));
const settings = createSampleSettings($('shared-settings'));

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

/** One results area per generating tab: a result stays there when another tab makes one. */
const views = {
  chain: createResultView($('chain-output'), {
    idPrefix: '', pool, samples: snippetSamples, status, steps: chainSteps,
    actions: { 'verify-root': { label: 'Make the root\'s verification certificate', run: () => verifyGeneratedRoot() } },
  }),
  edge: createResultView($('edge-output'), { idPrefix: 'edge-', pool, samples: snippetSamples, status, steps: edgeSteps }),
  enrollment: createResultView($('enrollment-output'), { idPrefix: 'enrollment-', pool, samples: snippetSamples, status, steps: enrollmentSteps }),
  'event-grid': createResultView($('event-grid-output'), { idPrefix: 'event-grid-', pool, samples: EVENT_GRID_SAMPLES, status, steps: eventGridSteps }),
  'iot-operations': createResultView($('aio-output'), { idPrefix: 'aio-', pool, samples: snippetSamples, status, steps: iotOperationsSteps }),
  'device-registry': createResultView($('adr-output'), { idPrefix: 'adr-', pool, samples: snippetSamples, status, steps: deviceRegistrySteps }),
};

async function show(panel, result, view) {
  const zip = await views[panel.owner].show(result, view, settings.read());
  // The chain's CAs go to Bring your own CA; a batch's CA files alone are what an import needs, not every device's.
  if (view.caKeyPassword !== undefined) caPanel.offerGenerated(result.zip ? prepareZip(pool, result.files) : zip, view.caKeyPassword);
}

/**
 * New Sample settings after a result: the core writes the snippets of every
 * tab's result again (page and ZIP) from the files already made. No new keys,
 * so a root already uploaded and verified stays valid. A batch's are in its ZIP.
 */
let rewrites = 0;
async function followSampleSettings() {
  if (running) return;
  const turn = ++rewrites;
  settings.clearErrors();
  const sample = settings.read();
  let rewritten = 0;
  try {
    for (const [owner, view] of Object.entries(views)) {
      // Event Grid's snippets quote none of the Sample settings.
      if (owner === 'event-grid') continue;
      const shown = view.shown;
      if (!shown || shown.result.zip) continue;
      const { result } = shown;
      // The PFX files keep the password they were made with; the snippets quote that one.
      // In the CA module (the page's module stays small until a result exists).
      const { files } = await caPanel.run('rewriteSnippets', { files: result.files, chain: result.chain, settings: { ...sample, pfxPassword: shown.view.pfxPassword } });
      if (turn !== rewrites) return; // newer settings meanwhile
      if (view.shown?.result !== result) continue; // a new result meanwhile
      await view.refresh(files, sample);
      rewritten++;
    }
    if (rewritten) status.say('The snippets follow the new Sample settings; keys and certificates are unchanged.');
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
  keyStock.hold(true);
  panel.setBusy(true);
  // One generation at a time: the other panels' buttons say so.
  for (const other of panels) if (other !== panel) other.setBlocked(true);
  const started = performance.now();
  try {
    const result = await work({ signal: running.signal, onProgress: describeProgress, keysAhead: keysAheadFor(panel.owner) });
    await show(panel, result, view);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    status.say(result.outcome ? `${result.outcome} (${seconds} s)` : `Done: ${result.chain.length} certificates and ${result.files.length} files in ${seconds} s.`, panel.owner);
    // The result may start far below the form (on a phone, a screen or more): go there.
    const heading = views[panel.owner].heading();
    heading.focus({ preventScroll: true });
    heading.scrollIntoView({ block: 'start' });
  } catch (error) {
    if (error.name === 'AbortError') status.say('Cancelled. Anything made before is still below.');
    else showProblems(panel, error);
  } finally {
    running = null;
    keyStock.hold(false);
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
  Object.assign(createChainPanel($('chain-form'), { ...panelDeps, archivist: batchArchivist, status }), { owner: 'chain' }),
  Object.assign(createEdgePanel($('edge-form'), panelDeps), { owner: 'edge' }),
  Object.assign(createEnrollmentPanel($('enrollment-form'), panelDeps), { owner: 'enrollment' }),
  Object.assign(createEventGridPanel($('event-grid-form'), { ...panelDeps, pool: eventGridPool }), { owner: 'event-grid' }),
];
const [chainPanel] = panels;
const caPanel = createCaPanel($('ca-panel'), {
  inspectRoot: $('inspect-panel'),
  createWorker,
  module: wasmModule,
  status,
  deviceSettings: () => ({ ...settings.read(), ...chainPanel.deviceSettings() }),
  settings: () => settings.read(),
});
// Renew and roll over: CA-module jobs on the CA panel's worker, where imported CAs live.
createRenewPanel($('renew-panel'), { run: caPanel.run, status });
// IoT Operations and Device Registry: their bindings are in the CA module too.
panels.push(...createAzurePanels($, { ...panelDeps, caRun: caPanel.run }));

/**
 * Keys made ahead (make/key-stock.js) for each generating tab once opened:
 * its settings are read again whenever they change, and the status area says
 * when the current tab's keys are ready.
 */
let currentTab = null;
const keyStock = createKeyStock(pool, { onChange: (owner) => owner === currentTab && describeKeysAhead() });
const keysAheadFor = (owner) => ({ take: (need, options) => keyStock.take(owner, need, options) });
const opened = new Set();
const keyCounts = (algorithms) => {
  const counts = new Map();
  for (const algorithm of algorithms) counts.set(algorithm, (counts.get(algorithm) ?? 0) + 1);
  return [...counts].map(([algorithm, n]) => `${n} × ${algorithm.replace('rsa-', 'RSA ').replace('ec-p', 'P-')}`).join(', ');
};
function describeKeysAhead() {
  const line = $('keys-ahead');
  const { state, algorithms } = keyStock.state(currentTab);
  line.hidden = state === 'none';
  if (state === 'ready') line.textContent = `Keys ready for the next press (${keyCounts(algorithms)}).`;
  else if (state === 'making') line.textContent = `Making keys ahead for the next press (${keyCounts(algorithms)})…`;
}
let planTurn = 0;
async function planKeys() {
  const turn = ++planTurn;
  // A pool that cannot start says so once (below); nothing is made ahead.
  if (!(await pool.ready.then(() => true, () => false))) return;
  for (const panel of panels) {
    if (!opened.has(panel.owner)) continue;
    const need = await panel.keysNeeded();
    if (turn !== planTurn) return; // settings changed meanwhile: the newer reading wins
    keyStock.want(panel.owner, need);
  }
}
let planTimer;
const planSoon = () => {
  clearTimeout(planTimer);
  planTimer = setTimeout(planKeys, 300);
};
for (const panel of ['chain-form', 'edge-form', 'enrollment-form', 'event-grid-form']) {
  for (const type of ['input', 'change']) $(panel).addEventListener(type, planSoon);
}

/** From the chain's next steps: the CA tab, the chain just made imported with its root chosen, the code field focused. */
async function verifyGeneratedRoot() {
  tabs.select('ca');
  await caPanel.verifyGenerated();
}

// The list of tabs; a new scenario's tab is one more entry (its panel: the element's id;
// its prompt: the status line's first words there).
const TABS = [
  { id: 'chain', label: 'DPS group / IoT Hub chain', panel: 'chain-tab', prompt: 'Ready. Adjust the settings or keep the tutorial defaults, then press Generate.' },
  { id: 'edge', label: 'IoT Edge', panel: 'edge-tab', prompt: 'Ready. Name the IoT Edge device, then press Make IoT Edge certificates.' },
  { id: 'enrollment', label: 'Individual enrollment', panel: 'enrollment-tab', prompt: 'Ready. Enter the registration ID, then press Make enrollment certificates.' },
  { id: 'event-grid', label: 'Event Grid MQTT', panel: 'event-grid-tab', prompt: 'Ready. List the clients and choose the validation scheme, then press Make Event Grid certificates.' },
  { id: 'iot-operations', label: 'IoT Operations broker', panel: 'iot-operations-tab', prompt: 'Ready. Name the MQTT clients, then press Make broker client certificates.' },
  { id: 'device-registry', label: 'Device Registry', panel: 'device-registry-tab', prompt: 'Ready. Make your root, sign the policy\'s CSR with it, or make device CSRs.' },
  { id: 'ca', label: 'Bring your own CA', panel: 'ca-panel', prompt: 'Ready. Import the CA (or make a chain on the first tab), then paste the portal\'s verification code.' },
  { id: 'renew', label: 'Renew and roll over', panel: 'renew-panel', prompt: 'Ready. Drop a studio ZIP or certificate files on this panel to see what ends when.' },
  { id: 'inspect', label: 'Inspect', panel: 'inspect-panel', prompt: 'Ready. Choose, drop or paste a certificate, CSR, key, bundle or PFX, then press Inspect.' },
];
let ready = false;
const promptOf = (id) => TABS.find((tab) => tab.id === id).prompt;
const shared = $('shared-settings');
const tabs = createPageTabs($('page-tabs'), TABS, {
  onSelect: (id) => {
    currentTab = id;
    // The Formats and Sample settings are one set of controls, shown in every tab that uses them.
    const slot = document.getElementById(TABS.find((tab) => tab.id === id).panel).querySelector('.shared-settings-slot');
    if (slot && shared.parentElement !== slot) slot.append(shared);
    if (panels.some((panel) => panel.owner === id) && !opened.has(id)) {
      opened.add(id);
      planSoon();
    }
    describeKeysAhead();
    status.showTab(id, ready ? promptOf(id) : null);
    // The chain just made is imported there, its root chosen, before anyone asks.
    if (id === 'ca') caPanel.opened();
  },
});

pool.ready.then(
  () => {
    ready = true;
    status.say(promptOf(tabs.current));
  },
  (error) => {
    status.fail('The studio cannot run in this browser.');
    status.error(error.message);
    $('generate').setAttribute('aria-disabled', 'true');
  },
);
