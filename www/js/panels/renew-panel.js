// Renew and roll over: the expiry view of whatever is dropped (a studio ZIP,
// OpenSSL or certGen.sh files, a PFX), then the chosen devices renewed under
// their CA (keeping their keys or not), a CA renewed with its own key, and a
// rollover to a new root walked step by step.
//
// The CA-module jobs run on the CA panel's worker (`run`): CAs imported there
// stay in that worker's wasm instance, so every later call for them goes to it.

import { formatExpiry, roleLabel } from '../views/chain-view.js';
import { prepareZip, renderFiles } from '../views/files-view.js';
import { basename, saveBytes } from '../views/download.js';
import { h, text } from '../views/dom.js';
import { createFieldErrors } from './field-errors.js';
import { panelAction } from './panel-action.js';
import { wholeDays } from './panel-form.js';

/** The core's error `.field` → the control it belongs to. */
const CONTROLS = {
  files: 'renew-files',
  certificates: 'renew-files',
  keys: 'renew-files',
  password: 'renew-password',
  withinDays: 'renew-within',
  thumbprints: 'renew-chosen',
  ca: 'renew-ca',
  chain: 'renew-ca',
  validityDays: 'renew-days',
  notBeforeMs: 'renew-start',
  notAfterMs: 'renew-start',
  parentCaId: 'renew-ca-target',
  rootCn: 'rollover-root-cn',
  intermediateCn: 'rollover-intermediate-cn',
};

function problem(field, message) {
  return Object.assign(new Error(message), { field });
}

async function readFiles(input) {
  return Promise.all([...input.files].map(async (file) => ({ name: file.name, contents: new Uint8Array(await file.arrayBuffer()) })));
}

function filesTable(files) {
  const body = h('tbody');
  renderFiles(body, files);
  return h('div', { class: 'table-scroll' }, h('table', { class: 'files' }, body));
}

function caOption(ca) {
  return h('option', { value: ca.id }, `${roleLabel(ca.role)} "${ca.commonName}" · ${ca.keyLabel} · until ${ca.notAfter.slice(0, 10)}`);
}

/** Files made by a job, a ZIP of them built at once, and its Download button. */
function filesWithZip(run, files, zipName, label) {
  const zip = prepareZip({ run }, files);
  zip.catch(() => {});
  return [
    h('button', { type: 'button', class: 'primary', 'aria-label': label, onclick: async () => saveBytes(zipName, await zip) }, 'Download ZIP'),
    filesTable(files),
  ];
}

/**
 * @param {HTMLElement} root  the panel (#renew-panel)
 * @param {object} deps
 * @param {(job: string, args: object) => Promise<any>} deps.run  runs a CA-module job on the CA panel's worker
 */
export function createRenewPanel(root, { run, status }) {
  const $ = (id) => root.querySelector(`#${id}`);
  const errors = createFieldErrors(root, CONTROLS);
  let files = [];
  let password = '';
  let cas = [];
  let rollover = null;

  const runAction = panelAction(status);
  const act = (button, what, work, result, fieldErrors = errors) => runAction(button, fieldErrors, what, work, result);

  const chosen = () => [...root.querySelectorAll('#renew-expiry input[type="checkbox"]:checked')].map((box) => box.value);
  /** A CA from the files or made by the rollover: both live in the same worker. */
  const caById = (id) => [...cas, ...(rollover?.cas ?? [])].find((ca) => ca.id === Number(id));
  const nowMs = () => Date.now();

  function renderReport(report) {
    const rows = report.certificates.map((row) => {
      const flag = row.expired ? 'expired' : row.flagged ? `within ${report.withinDays} days` : '';
      const pick = row.renewable
        ? h('input', { type: 'checkbox', value: row.thumbprintSha1, 'aria-label': `Renew ${row.commonName}` })
        : null;
      return h(
        'tr',
        { class: row.flagged ? 'flagged' : null },
        h('td', {}, pick),
        h('td', {}, roleLabel(row.role)),
        h('td', {}, h('code', {}, row.commonName), h('span', { class: 'description' }, row.file)),
        h('td', { class: 'num' }, h('time', { datetime: row.notAfter }, formatExpiry(row.notAfter))),
        h('td', { class: 'num' }, String(row.daysLeft)),
        h('td', {}, flag ? h('span', { class: 'badge' }, flag) : ''),
      );
    });
    const head = h('thead', {}, h('tr', {}, ...['Renew', 'Role', 'Common name', 'Ends', 'Days left', 'Flag'].map((name) => h('th', { scope: 'col' }, name))));
    $('renew-expiry').replaceChildren(
      h('p', {}, `${report.certificates.length} certificate(s), soonest end first; ${report.flagged} end within ${report.withinDays} days${report.expired ? ` (${report.expired} already ended)` : ''}.`),
      h('div', { class: 'table-scroll' }, h('table', { class: 'files expiry', 'aria-label': 'Expiry' }, head, h('tbody', {}, ...rows))),
    );
  }

  function renderCas() {
    const signers = [...cas].reverse(); // the lowest CA signs devices
    $('renew-ca').replaceChildren(...signers.map(caOption));
    $('renew-ca-target').replaceChildren(...cas.map(caOption));
    const top = cas.find((ca) => ca.role === 'root') ?? cas[0];
    const lowest = signers[0];
    if (top && !$('rollover-root-cn').value) {
      const year = new Date().getUTCFullYear();
      $('rollover-root-cn').value = `${top.commonName} ${year}`;
      $('rollover-intermediate-cn').value = `${lowest.role === 'root' ? 'Intermediate' : lowest.commonName} ${year}`;
      $('rollover-key').value = top.keyAlgorithm;
    }
    $('renew-actions').hidden = false;
  }

  /** The CAs among the same files, imported so they can sign; a failure only leaves renewing without them. */
  async function importCas() {
    const previous = cas;
    cas = []; // nothing signs with the last files' CAs while these are read
    renderCas();
    await Promise.all(previous.map((ca) => run('forgetCa', { id: ca.id })));
    try {
      ({ cas } = await run('importCa', { files, password: password || undefined, nowMs: nowMs() }));
    } catch (error) {
      if (error.field === 'password') throw error;
      status.error(`No CA to sign with among these files (${error.message}) Add the CA's certificate and key to renew devices here.`);
    }
    renderCas();
  }

  async function showReport() {
    const report = await run('expiryReport', { files, password: password || undefined, withinDays: wholeDays($('renew-within').value), nowMs: nowMs() });
    renderReport(report);
    return report;
  }

  $('renew-read').addEventListener('click', (event) =>
    act(event.currentTarget, 'Expiry', async () => {
      files = await readFiles($('renew-files'));
      password = $('renew-password').value;
      if (files.length === 0) throw problem('files', 'Choose or drop the ZIP or the certificate files.');
      status.progress('Reading the certificates…');
      const report = await showReport();
      // New CA keys get the password the old ones have, unless another is typed.
      if (!$('rollover-password').value) $('rollover-password').value = password;
      await importCas();
      status.say(`${report.certificates.length} certificate(s) read; ${report.flagged} end within ${report.withinDays} days.`);
    }, $('renew-expiry')),
  );

  // Another N: the same files flagged again (ticked devices stay ticked).
  $('renew-within').addEventListener('change', () => {
    if (files.length === 0) return;
    const ticked = new Set(chosen());
    act($('renew-read'), 'Expiry', async () => {
      const report = await showReport();
      for (const box of root.querySelectorAll('#renew-expiry input[type="checkbox"]')) box.checked = ticked.has(box.value);
      status.say(`${report.flagged} of ${report.certificates.length} certificate(s) end within ${report.withinDays} days.`);
    }, $('renew-expiry'));
  });

  root.addEventListener('dragover', (event) => event.preventDefault());
  root.addEventListener('drop', (event) => {
    event.preventDefault();
    $('renew-files').files = event.dataTransfer.files;
    status.say(`${event.dataTransfer.files.length} file(s) ready; press Show expiry.`);
  });

  /** Renews the ticked devices under `caId` with the form's key choice, validity and start. */
  async function renewChosen(caId, target, zipName) {
    const thumbprints = chosen();
    if (thumbprints.length === 0) throw problem('thumbprints', 'Tick the devices to renew in the expiry table.');
    if (!caById(caId)) throw problem('ca', 'No CA to sign with: add the CA\'s certificate and key to the files, then press Show expiry.');
    const start = $('renew-start').value;
    status.progress(`Renewing ${thumbprints.length} device(s) under "${caById(caId).commonName}"…`);
    const renewal = await run('renewDevices', {
      caId: Number(caId),
      certificates: files,
      password: password || undefined,
      thumbprints,
      keepKeys: $('renew-keys').value === 'keep',
      validityDays: wholeDays($('renew-days').value),
      notBeforeMs: start ? Date.parse(start) : undefined,
      nowMs: nowMs(),
    });
    const head = h('tr', {}, ...['Device', 'Old SHA-1', 'New SHA-1', 'New end', 'Key'].map((name) => h('th', { scope: 'col' }, name)));
    target.replaceChildren(
      h('div', { class: 'table-scroll' }, h('table', { class: 'files renewed', 'aria-label': 'Old and new thumbprints' }, h('thead', {}, head), h('tbody', {}, ...renewal.renewed.map((row) =>
        h('tr', {}, h('td', {}, h('code', {}, row.registrationId)), h('td', { class: 'mono' }, row.oldThumbprintSha1), h('td', { class: 'mono' }, row.newThumbprintSha1),
          h('td', {}, formatExpiry(row.newNotAfter)), h('td', {}, row.sameKey ? 'the same' : 'new')))))),
      ...filesWithZip(run, renewal.files, zipName, `Download ${zipName}`),
    );
    status.say(`Renewed ${renewal.renewed.length} device(s): old → new thumbprints in renewed.csv.`);
  }

  $('renew-devices').addEventListener('click', (event) =>
    act(event.currentTarget, 'Renewal', () => renewChosen($('renew-ca').value, $('renew-result'), 'renewed-devices.zip'), $('renew-result')),
  );

  $('renew-ca-run').addEventListener('click', (event) =>
    act(event.currentTarget, 'CA renewal', async () => {
      const ca = caById($('renew-ca-target').value);
      if (!ca) throw problem('parentCaId', 'No CA with its key among the files.');
      const parent = ca.role === 'root' ? undefined : cas.find((other) => other.subject === ca.issuer && other.id !== ca.id);
      status.progress(`Renewing "${ca.commonName}" with its own key…`);
      const renewed = await run('renewCa', { caId: ca.id, parentCaId: parent?.id, validityDays: wholeDays($('renew-ca-days').value), nowMs: nowMs() });
      cas = cas.map((other) => (other.id === ca.id ? renewed.ca : other));
      renderCas();
      const readme = renewed.files.find((file) => file.path === 'README.txt');
      $('renew-ca-result').replaceChildren(
        h('pre', { class: 'mono readme' }, text(readme.contents)),
        ...filesWithZip(run, renewed.files, 'renewed-ca.zip', 'Download renewed-ca.zip'),
      );
      status.say(`"${ca.commonName}" renewed until ${renewed.ca.notAfter.slice(0, 10)}: upload it in place of the old one and verify it again.`);
    }, $('renew-ca-result')),
  );

  /** Each step of the plan, with what the page does for it. */
  function stepAction(step, made, planErrors) {
    const signer = made.cas.at(-1);
    if (step.id === 'upload') {
      const rootFile = made.files.find((file) => file.path === made.chain[0].certificatePath);
      return h('div', { class: 'actions' },
        h('button', { type: 'button', onclick: () => saveBytes(basename(rootFile.path), rootFile.contents) }, 'Download the new root certificate'),
        ...filesWithZip(run, made.files, 'rollover-new-ca.zip', 'Download rollover-new-ca.zip'));
    }
    if (step.id === 'verify') {
      // The root, as the plan verifies it; an intermediate too when the group names it instead.
      const which = h('select', { id: 'rollover-verify-ca' }, ...made.cas.map(caOption));
      const result = h('div', { id: 'rollover-verify-result', class: 'ca-result', 'aria-live': 'polite' });
      const button = h('button', { type: 'button', class: 'primary' }, 'Make the verification certificate');
      button.addEventListener('click', () => act(button, 'Verification certificate', async () => {
        const ca = caById(which.value);
        status.progress(`Making the verification certificate with "${ca.commonName}"…`);
        const cert = await run('makeVerificationCertificate', { caId: ca.id, code: $('rollover-code').value.trim(), nowMs: nowMs() });
        result.replaceChildren(...[h('p', {}, `Signed by "${ca.commonName}" for the code `, h('code', {}, cert.commonName), `, SHA-1 ${cert.thumbprintSha1}.`),
          cert.warning ? h('p', { class: 'warning' }, cert.warning) : null, filesTable(cert.files)].filter(Boolean));
        status.say(`Verification certificate for "${ca.commonName}" made (SHA-1 ${cert.thumbprintSha1}).`);
      }, result, planErrors));
      return h('div', {},
        h('div', { class: 'field-row' },
          h('div', { class: 'field' }, h('label', { for: 'rollover-verify-ca' }, 'Certificate to verify'), which),
          h('div', { class: 'field' }, h('label', { for: 'rollover-code' }, 'Verification code from the portal'),
            h('input', { type: 'text', id: 'rollover-code', spellcheck: 'false', autocomplete: 'off' }),
            h('p', { id: 'rollover-code-error', class: 'field-error', hidden: true }))),
        button, result);
    }
    if (step.id === 'reissue') {
      const result = h('div', { id: 'rollover-reissue-result', class: 'ca-result', 'aria-live': 'polite' });
      const button = h('button', { type: 'button', class: 'primary' }, 'Re-issue the chosen devices under the new CA');
      button.addEventListener('click', () => act(button, 'Re-issue', () => renewChosen(signer.id, result, 'reissued-devices.zip'), result));
      return h('div', {}, h('p', { class: 'hint' }, 'The devices ticked in the expiry table, with the key choice, validity and start of step 2.'), button, result);
    }
    return null;
  }

  $('rollover-make').addEventListener('click', (event) =>
    act(event.currentTarget, 'Rollover', async () => {
      const old = cas.find((ca) => ca.role === 'root') ?? cas[0];
      status.progress('Making the new root and intermediate…');
      const made = await run('makeRollover', {
        oldCaId: old?.id,
        keyAlgorithm: $('rollover-key').value,
        rootCn: $('rollover-root-cn').value.trim(),
        intermediateCns: [$('rollover-intermediate-cn').value.trim()],
        validityDays: wholeDays($('rollover-days').value),
        caKeyPassword: $('rollover-password').value,
        nowMs: nowMs(),
      });
      await Promise.all((rollover?.cas ?? []).map((ca) => run('forgetCa', { id: ca.id })));
      rollover = made;
      const list = h('ol', { class: 'rollover-plan', 'aria-label': 'Rollover plan' });
      const planErrors = createFieldErrors(list, { verificationCode: 'rollover-code' });
      list.append(...made.steps.map((step) =>
        h('li', { id: `rollover-step-${step.id}` }, h('h4', {}, step.title), h('p', {}, step.detail), stepAction(step, made, planErrors))));
      $('rollover-result').replaceChildren(list);
      status.say(`New root "${made.cas[0].commonName}" and intermediate made: follow the plan's ${made.steps.length} steps.`);
    }, $('rollover-result')),
  );
}
