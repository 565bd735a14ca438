// Bring your own CA: import a CA (certificate + key, PFX, or a studio ZIP),
// make the proof-of-possession (verification) certificate DPS / IoT Hub ask
// for, sign new devices or an external CSR with it; and inspect / verify any
// certificate, CSR, key, bundle or PFX.
//
// Imported CAs and their keys live in a CaSession inside one worker's wasm
// instance and never come back to this thread, so this panel has its own pool
// of one worker; the panel's session there is SESSION. That
// worker runs the CA panel's wasm module (the main module leaves the import /
// inspect code out), which is fetched only when the panel is first used, so
// the page's Ready time does not wait for it.

import { WorkerPool } from '../runtime/pool.js';
import { caWasmModule } from '../runtime/runtime.js';
import { formatExpiry, roleLabel } from '../views/chain-view.js';
import { prepareZip, renderFiles } from '../views/files-view.js';
import { saveBytes } from '../views/download.js';
import { h } from '../views/dom.js';
import { createFieldErrors } from './field-errors.js';
import { panelAction } from './panel-action.js';
import { lines } from './panel-form.js';
import { signedDevicesSteps, verificationSteps, withStepsInReadme } from '../make/next-steps.js';
import { renderNextSteps } from '../views/next-steps-view.js';

/** The core's error `.field` → the control it belongs to. */
const CA_CONTROLS = {
  files: 'ca-files',
  password: 'ca-password',
  ca: 'ca-list-anchor',
  caId: 'ca-list-anchor',
  verificationCode: 'verification-code',
  devices: 'ca-devices',
  keyAlgorithm: 'ca-devices',
  chain: 'ca-chain',
  csr: 'csr-file',
};
const INSPECT_CONTROLS = {
  files: 'inspect-files', password: 'inspect-password', uploadedCa: 'inspect-uploaded-ca', registrationId: 'inspect-registration-id', eventGrid: 'inspect-event-grid-name',
};

const utf8 = new TextEncoder();

/** This panel's CaSession in the worker (see worker-jobs.js): it holds every CA imported here, each once. */
const SESSION = 'ca-panel';

/** What the user picked, dropped or pasted, as the core's `{ name, contents }` files. */
async function readFiles(input, pasted = '') {
  const files = await Promise.all(
    [...input.files].map(async (file) => ({ name: file.name, contents: new Uint8Array(await file.arrayBuffer()) })),
  );
  if (pasted.trim()) files.push({ name: 'pasted text', contents: utf8.encode(pasted) });
  return files;
}

/** An error the page finds itself, shown at `field` like the core's. */
function problem(field, message) {
  return Object.assign(new Error(message), { field });
}

/** The next steps in the Azure portal, under a result; a step naming one of `files` offers it. */
function nextSteps(steps, status, files) {
  const list = h('div', { class: 'ca-steps' }, h('h4', {}, 'Next steps in the Azure portal'));
  const body = h('div');
  renderNextSteps(body, steps, { status, files });
  list.append(body);
  return list;
}

function filesTable(files) {
  const body = h('tbody');
  renderFiles(body, files);
  return h('div', { class: 'table-scroll' }, h('table', { class: 'files' }, body));
}

function thumbprint(label, value) {
  return h('p', { class: 'thumbprint' }, `${label}: `, h('code', { class: 'mono' }, value));
}

/**
 * A pool that starts its one worker (and the CA module's download) on the
 * first `run`, or earlier on `warm()`.
 * @param {Promise<WebAssembly.Module>} mainModule  the page's; if it fails (no random source), so does this pool
 */
function lazyCaPool({ createWorker, mainModule, status }) {
  let pool = null;
  const start = () => {
    pool ??= new WorkerPool({
      createWorker,
      module: Promise.resolve(mainModule).then(() => caWasmModule()),
      size: 1,
      onWorkerLost: (reason) => status.error(reason),
    });
    return pool;
  };
  return { run: (...args) => start().run(...args), warm: () => void start() };
}

/**
 * @param {HTMLElement} root  the Bring your own CA panel (#ca-panel)
 * @param {object} deps
 * @param {HTMLElement} deps.inspectRoot  the Inspect panel (#inspect-panel), which shares this panel's worker
 * @param {() => object} deps.deviceSettings  the chain form's settings for new devices (key type, validity, formats, sample settings)
 * @param {() => object} deps.settings  the Sample settings (the next steps' commands name the DPS and resource group)
 */
export function createCaPanel(root, { inspectRoot, createWorker, module, status, deviceSettings, settings }) {
  const $ = (id) => root.querySelector(`#${id}`) ?? inspectRoot.querySelector(`#${id}`);
  const pool = lazyCaPool({ createWorker, mainModule: module, status });
  // Someone turning to either panel will likely use it: load the CA module now.
  for (const panel of [root, inspectRoot]) {
    for (const type of ['focusin', 'pointerdown', 'dragenter']) panel.addEventListener(type, pool.warm, { once: true });
  }
  const caErrors = createFieldErrors(root, CA_CONTROLS);
  const inspectErrors = createFieldErrors(inspectRoot, INSPECT_CONTROLS);
  let cas = [];
  let chosenId = null;
  /** The chain last made on the first tab: `{ zip, password, imported }`. */
  let generatedZip = null;
  /** An import under way: what needs a CA waits for it. */
  let importing = Promise.resolve();

  const choice = (ca) => root.querySelector(`#ca-choice-${ca.id}`);
  const selected = () => cas.find((ca) => ca.id === Number(root.querySelector('input[name="ca-choice"]:checked')?.value));

  const act = panelAction(status);

  function renderCas() {
    const list = $('ca-list');
    list.replaceChildren(
      ...cas.map((ca) =>
        h(
          'li',
          { class: 'ca-item' },
          h('input', { type: 'radio', name: 'ca-choice', id: `ca-choice-${ca.id}`, value: ca.id, checked: ca.id === chosenId }),
          h(
            'label',
            { for: `ca-choice-${ca.id}` },
            h('span', { class: 'node-role' }, roleLabel(ca.role)),
            h('span', { class: 'node-cn' }, ca.commonName),
            h('span', { class: 'node-meta' }, `${ca.keyLabel} · expires ${ca.notAfter.slice(0, 10)} · from ${ca.certificateFile}`),
            h('span', { class: 'node-thumb' }, `SHA-1 ${ca.thumbprintSha1}`),
            ca.reachesRoot ? null : h('span', { class: 'hint' }, 'Its root is not among the files: add the rest of the chain when signing devices.'),
          ),
        ),
      ),
    );
    $('ca-actions').hidden = cas.length === 0;
    // With no CA the code field says what to import first.
    const code = $('verification-code');
    $('verification-needs-ca').hidden = cas.length > 0;
    code.setAttribute('aria-describedby', cas.length ? 'verification-code-hint' : 'verification-needs-ca verification-code-hint');
  }

  /** The CA chosen once any import under way is done. */
  async function chosenCa() {
    await importing.catch(() => {});
    const ca = selected();
    if (!ca) throw problem('ca', 'Import a CA first: its certificate and private key, a PFX or a studio ZIP (step 1).');
    return ca;
  }

  async function importFiles(files, password) {
    if (files.length === 0) throw problem('files', 'Choose, drop or paste the CA certificate and its private key (or a PFX, or a studio ZIP).');
    status.progress('Importing the CA…');
    const { cas: imported } = await pool.run('importCa', { session: SESSION, files, password: password || undefined, nowMs: Date.now() });
    // A CA already listed (the same chain used twice) stays listed once: the session kept it once, under its first id.
    const listed = (ca) => cas.find((other) => other.id === ca.id);
    const copies = imported.filter(listed);
    const added = imported.filter((ca) => !listed(ca));
    cas = cas.concat(added);
    // The root is the one the tutorial verifies first; the same chain again leaves the choice made meanwhile.
    chosenId = added.length ? listed(imported.find((ca) => ca.role === 'root') ?? imported[0]).id : (selected()?.id ?? chosenId);
    renderCas();
    const names = (list) => list.map((ca) => `"${ca.commonName}"`).join(' and ');
    status.say(added.length ? `Imported ${names(added)}.` : `${names(copies)} ${copies.length === 1 ? 'is' : 'are'} already listed.`);
    return imported.map(listed);
  }

  $('ca-import').addEventListener('click', (event) =>
    runImport(event.currentTarget, async () => importFiles(await readFiles($('ca-files'), $('ca-paste').value), $('ca-password').value)),
  );

  /** Runs an import on `button`; a press while one is under way joins it. */
  const runImport = (button, work) => {
    if (button.getAttribute('aria-busy') !== 'true') importing = act(button, caErrors, 'Import', work);
    return importing;
  };

  const useGenerated = (button) => {
    const made = generatedZip;
    return runImport(button, async () => {
      made.cas = await importFiles([{ name: 'the generated chain', contents: await made.zip }], made.password);
      made.imported = true;
    });
  };
  $('ca-use-generated').addEventListener('click', (event) => useGenerated(event.currentTarget));

  for (const panel of [root, inspectRoot]) {
    panel.addEventListener('dragover', (event) => event.preventDefault());
    panel.addEventListener('drop', (event) => {
      event.preventDefault();
      const target = panel === inspectRoot ? $('inspect-files') : $('ca-files');
      target.files = event.dataTransfer.files;
      status.say(`${event.dataTransfer.files.length} file(s) ready; press ${target.id === 'inspect-files' ? 'Inspect' : 'Import CA'}.`);
    });
  }

  $('verification-make').addEventListener('click', (event) =>
    act(event.currentTarget, caErrors, 'Verification certificate', async () => {
      const ca = await chosenCa();
      status.progress(`Making the verification certificate with "${ca.commonName}"…`);
      const made = await pool.run('makeVerificationCertificate', { session: SESSION, caId: ca.id, verificationCode: $('verification-code').value.trim(), nowMs: Date.now() });
      const steps = verificationSteps({ ca, made, settings: settings() });
      const files = withStepsInReadme(made.files, steps);
      // A code that is not 48 digits long is made with a warning; without one there is no paragraph.
      $('verification-result').replaceChildren(...[
        h('p', {}, `Signed by "${ca.commonName}" for the code `, h('code', {}, made.commonName), '. Upload the certificate to the portal\'s Verify step.'),
        made.warning ? h('p', { class: 'warning' }, made.warning) : null,
        thumbprint('SHA-1 thumbprint', made.thumbprintSha1),
        nextSteps(steps, status, files),
        filesTable(files),
      ].filter(Boolean));
      status.say(`Verification certificate made (SHA-1 ${made.thumbprintSha1}).`);
    }, $('verification-result')),
  );

  $('ca-sign').addEventListener('click', (event) =>
    act(event.currentTarget, caErrors, 'Signing', async () => {
      const ca = await chosenCa();
      const devices = lines($('ca-devices').value);
      status.progress(`Signing ${devices.length} device(s) with "${ca.commonName}"…`);
      const chain = await readFiles($('ca-chain'));
      // Made like the chain form's devices: its key type, validity, formats and sample settings.
      const signed = await pool.run('signDevices', { ...deviceSettings(), session: SESSION, caId: ca.id, devices, chain, nowMs: Date.now() });
      const steps = signedDevicesSteps({ ca, signed });
      signed.files = withStepsInReadme(signed.files, steps);
      const zip = prepareZip(pool, signed.files);
      zip.catch(() => {});
      $('ca-sign-result').replaceChildren(
        h('div', { class: 'panel-head' }, h('p', {}, `${devices.length} device(s) signed by "${ca.commonName}".`),
          h('button', { type: 'button', class: 'primary', onclick: async () => saveBytes('signed-devices.zip', await zip) }, 'Download ZIP')),
        h('ul', { class: 'signed-devices' }, ...signed.chain.filter((entry) => entry.role === 'device').map((entry) =>
          h('li', {}, h('code', {}, entry.commonName), ` · ${entry.keyLabel} · expires `, h('time', { datetime: entry.notAfter }, formatExpiry(entry.notAfter))))),
        nextSteps(steps, status, signed.files),
        filesTable(signed.files),
      );
      status.say(`Signed ${devices.length} device(s).`);
    }, $('ca-sign-result')),
  );

  $('csr-sign').addEventListener('click', (event) =>
    act(event.currentTarget, caErrors, 'CSR signing', async () => {
      const ca = await chosenCa();
      const [csr] = await readFiles($('csr-file'));
      if (!csr) throw problem('csr', 'Choose a CSR file (.csr.pem or DER).');
      status.progress(`Signing the CSR with "${ca.commonName}"…`);
      const signed = await pool.run('signCsr', { session: SESSION, caId: ca.id, csr, profile: $('csr-profile').value, nowMs: Date.now() });
      $('csr-result').replaceChildren(
        h('p', {}, `Issued "${signed.commonName}" from the request.`),
        thumbprint('SHA-1 thumbprint', signed.thumbprintSha1),
        filesTable(signed.files),
      );
      status.say(`Signed the CSR of "${signed.commonName}".`);
    }, $('csr-result')),
  );

  $('inspect-run').addEventListener('click', (event) =>
    act(event.currentTarget, inspectErrors, 'Inspect', async () => {
      const files = await readFiles($('inspect-files'), $('inspect-paste').value);
      if (files.length === 0) throw problem('files', 'Choose, drop or paste a certificate, CSR, key, bundle or PFX.');
      status.progress('Inspecting…');
      const password = $('inspect-password').value || undefined;
      const nowMs = Date.now();
      // One judgement in the core: the chain verdict, and the Azure preflight when a device certificate is among the files.
      const uploadedCa = await readFiles($('inspect-uploaded-ca'));
      // With a registration ID, Azure Device Registry's rules too, for a device's CSR as well.
      const registrationId = $('inspect-registration-id').value.trim();
      const deviceRegistry = registrationId ? { registrationId } : undefined;
      // An Event Grid client's scheme and registered name add the broker's rules.
      const scheme = $('inspect-event-grid-scheme').value;
      const eventGrid = scheme ? { validation: scheme, authenticationName: $('inspect-event-grid-name').value.trim() } : undefined;
      const report = await pool.run('inspect', { files, uploadedCa, password, nowMs, deviceRegistry, eventGrid });
      const { preflight } = report;
      renderInspection($('inspect-result'), report, preflight);
      status.say(preflight ? `Inspected. Azure preflight: ${preflightCounts(preflight)}.` : 'Inspected.');
      // The result starts below the form (far below on a phone): go there.
      $('inspect-result').scrollIntoView({ block: 'start' });
    }, $('inspect-result'), { keepResult: true }),
  );

  return {
    /** Runs a job only the CA module has (rewriteSnippets) on this panel's pool. */
    run: (...args) => pool.run(...args),

    /** After Generate: offers that chain's CAs for verification certificates and signing. */
    offerGenerated(zip, password) {
      generatedZip = { zip, password, imported: false };
      $('ca-use-generated').hidden = false;
    },

    /** The tab opens: the chain last made, not yet here, is imported with its root chosen. */
    opened() {
      if (generatedZip && !generatedZip.imported) return useGenerated($('ca-use-generated'));
      return importing;
    },

    /** The chain offered is imported (its root chosen, as the tutorial verifies the root) and the code field waits. */
    async verifyGenerated() {
      if (!generatedZip) return;
      await (generatedZip.imported ? importing : useGenerated($('ca-use-generated')));
      // The root, as the tutorial verifies it, whatever was chosen meanwhile.
      const generatedRoot = generatedZip.cas?.find((ca) => ca.role === 'root');
      if (generatedRoot) choice(generatedRoot).checked = true;
      if (selected()) {
        $('verification-code').focus();
        $('verification-code').scrollIntoView({ block: 'center' });
      }
    },
  };
}

// Failures first, in the status line's counts.
const RULE_STATUS = { failed: 'Failed', 'not-checked': 'Not checked', passed: 'Passed' };

/** `1 failed, 1 not checked, 6 passed`: the counts that are not zero. */
function preflightCounts(preflight) {
  return Object.entries(RULE_STATUS)
    .map(([status, label]) => [preflight.rules.filter((rule) => rule.status === status).length, label.toLowerCase()])
    .filter(([count]) => count > 0)
    .map(([count, label]) => `${count} ${label}`)
    .join(', ');
}

/** Each rule DPS, IoT Hub and IoT Edge 1.1 apply, with what was found and what Azure says when it fails. */
function renderPreflight(preflight) {
  return h(
    'section',
    { class: 'inspect-note', 'aria-labelledby': 'preflight-title' },
    h('h3', { id: 'preflight-title' }, 'Azure preflight'),
    h('p', {}, `Device: ${preflight.device}. `, preflight.uploadedCa ? `Uploaded CA: ${preflight.uploadedCa}.` : 'No uploaded CA given: the rules that need it are not checked.'),
    h(
      'ul',
      { class: 'preflight' },
      ...preflight.rules.map((rule) =>
        h(
          'li',
          { class: rule.status, 'data-rule': rule.id },
          h('p', {}, h('span', { class: 'rule-status' }, `${RULE_STATUS[rule.status]}:`), ' ', rule.title, h('span', { class: 'hint' }, ` (${rule.appliesTo})`)),
          h('p', {}, rule.detail),
          // The error text names its code (401002 …) for each service.
          h('p', { class: 'hint' }, rule.status === 'failed' ? 'Azure says: ' : 'When it fails, Azure says: ', rule.azureError),
        ),
      ),
    ),
  );
}

function renderInspection(target, report, preflight) {
  const sections = [];
  const verdict = (ok, text) => h('p', { class: ok ? 'verdict ok' : 'verdict bad' }, text);
  if (report.chain) {
    // The summary is the first problem: list only the others under it.
    const more = report.chain.problems.filter((p) => p.message !== report.chain.summary);
    sections.push(
      verdict(report.chain.ok, report.chain.summary),
      more.length ? h('ul', { class: 'problems' }, ...more.map((p) => h('li', {}, p.message))) : null,
    );
  }
  if (preflight) sections.push(renderPreflight(preflight));
  if (report.unreadable.length) {
    sections.push(
      h('section', { class: 'inspect-note' }, h('h3', {}, 'Parts that could not be read'),
        h('ul', { class: 'problems unreadable' }, ...report.unreadable.map((reason) => h('li', {}, reason)))),
    );
  }
  for (const cert of report.certificates) {
    sections.push(
      h(
        'article',
        { class: 'inspected' },
        h('h3', {}, cert.subject || '(empty subject)', h('span', { class: 'hint' }, ` — ${cert.file}`)),
        h(
          'dl',
          { class: 'fields' },
          ...[
            ['Issuer', cert.issuer],
            ['Serial', cert.serial + (cert.serialDecimal ? ` (${cert.serialDecimal})` : '')],
            ['openssl x509 -serial', `serial=${cert.serialHex}`],
            ['Not before', cert.notBefore.text],
            ['Not after', cert.notAfter.text + (cert.validNow ? '' : ' — not valid now')],
            ['Public key', cert.publicKey.summary],
            ['Signature', cert.signatureAlgorithm],
            ['SHA-1', cert.thumbprintSha1],
            ['SHA-256', cert.thumbprintSha256],
          ].flatMap(([k, v]) => [h('dt', {}, k), h('dd', { class: 'mono' }, v)]),
        ),
        h(
          'ul',
          { class: 'extensions' },
          ...cert.extensions.map((e) =>
            h('li', {}, h('strong', {}, e.name), e.critical ? h('span', { class: 'badge' }, 'critical') : null,
              h('pre', { class: 'mono' }, e.lines.join('\n'))),
          ),
        ),
      ),
    );
  }
  for (const csr of report.requests) {
    sections.push(
      h('article', { class: 'inspected' }, h('h3', {}, `CSR: ${csr.subject}`, h('span', { class: 'hint' }, ` — ${csr.file}`)),
        h('p', {}, `${csr.publicKey.summary}; ${csr.signatureAlgorithm}; signature ${csr.signatureValid ? 'valid' : `INVALID (${csr.signatureProblem})`}.`)),
    );
  }
  for (const key of report.keys) {
    const match = report.certificates.length ? verdict(key.matchingCertificates.length > 0, key.matchSummary) : h('p', {}, key.matchSummary);
    sections.push(h('article', { class: 'inspected' }, h('h3', {}, `Private key — ${key.file}`), h('p', {}, `${key.publicKey.summary}.`), match));
  }
  target.replaceChildren(...sections.filter(Boolean));
}
