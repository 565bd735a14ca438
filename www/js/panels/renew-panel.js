// Renew and roll over: the expiry view of whatever is dropped (a studio ZIP,
// OpenSSL or certGen.sh files, a PFX), then the chosen devices renewed under
// their CA (keeping their keys or not), a CA renewed with its own key, and a
// rollover to a new root walked step by step.
//
// The CA-module jobs run on the CA panel's worker (`run`): CAs imported there
// stay in a CaSession in that worker's wasm instance, so every later call for
// them goes to it. Each reading of the files opens a new session; the last
// one is closed (its keys dropped) unless the rollover shown was made in it.

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
  caId: 'renew-ca',
  chain: 'renew-ca',
  validityDays: 'renew-days',
  notBeforeMs: 'renew-start',
  notAfterMs: 'renew-start',
  parentCaId: 'renew-ca-target',
  rootCn: 'rollover-root-cn',
  intermediateCn: 'rollover-intermediate-cn',
};

const DAY_MS = 86_400_000;

/** A CA as its session knows it, with `ref`, its name among every CA here (ids are per session). */
const inSession = (session) => (ca) => ({ ...ca, session, ref: `${session}/${ca.id}` });
const PASSWORD_HINT = 'Needed to renew with encrypted CA keys, and to open a PFX; a studio ZIP\'s dates need none.';

/** `2026-12-31`, as the warnings give a day. */
const day = (ms) => new Date(ms).toISOString().slice(0, 10);

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
  return h('option', { value: ca.ref }, `${roleLabel(ca.role)} "${ca.commonName}" · ${ca.keyLabel} · until ${ca.notAfter.slice(0, 10)}`);
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
  let cas = [];
  /** The password the CAs above were opened with (null: none opened); why none, when none. */
  let casPassword = null;
  let caProblem = null;
  /** The files' reading under way: renewing waits for it. */
  let reading = Promise.resolve();
  let rollover = null;
  /** The session the files' CAs are in (see worker-jobs.js), and how many were opened. */
  let session = null;
  let sessions = 0;

  const runAction = panelAction(status);
  const act = (button, what, work, result, fieldErrors = errors) => runAction(button, fieldErrors, what, work, result);

  const chosen = () => [...root.querySelectorAll('#renew-expiry input[type="checkbox"]:checked')].map((box) => box.value);
  /** A CA from the files or made by the rollover: both live in this panel's session. */
  const caByRef = (ref) => [...cas, ...(rollover?.cas ?? [])].find((ca) => ca.ref === ref);
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

  /** The earliest end among `ca` and the CAs above it known here: what it signs verifies until then at most. */
  function chainEnd(ca) {
    const known = [...cas, ...(rollover?.cas ?? [])];
    let earliest = ca;
    const seen = new Set();
    for (let current = ca; current && !seen.has(current.ref);) {
      seen.add(current.ref);
      if (Date.parse(current.notAfter) < Date.parse(earliest.notAfter)) earliest = current;
      current = known.find((other) => other.subject === current.issuer && !seen.has(other.ref));
    }
    return earliest;
  }

  /** Said when devices signed by `ca` would end at `endMs`, after `ca` (or a CA above it) ends; else null. */
  function outlives(ca, endMs, startMs) {
    const limit = chainEnd(ca);
    const limitMs = Date.parse(limit.notAfter);
    if (endMs <= limitMs) return null;
    const most = Math.floor((limitMs - startMs) / DAY_MS);
    const shorter = most >= 1 ? `, or renew for at most ${most} days` : '';
    return `They would end on ${day(endMs)}, after "${limit.commonName}" ends on ${day(limitMs)}: from then on they no longer verify. `
      + `Renew that CA first (3 below)${shorter}.`;
  }

  /** The live warning under Validity: the days asked against the chosen CA's end. */
  function checkValidity() {
    const warning = $('renew-days-warning');
    const ca = caByRef($('renew-ca').value);
    const days = wholeDays($('renew-days').value);
    const start = $('renew-start').value ? Date.parse($('renew-start').value) : nowMs();
    const said = ca && days > 0 ? outlives(ca, start + days * DAY_MS, start) : null;
    warning.textContent = said ?? '';
    warning.hidden = !said;
  }
  for (const id of ['renew-days', 'renew-start']) $(id).addEventListener('input', checkValidity);
  $('renew-ca').addEventListener('change', checkValidity);

  /** The password note: the dates never need it; renewing does when the CA keys are encrypted. */
  function sayPasswordNeeded(needed) {
    const hint = $('renew-password-hint');
    hint.textContent = needed ? 'The CA keys among these files are encrypted: enter their password to renew. The expiry dates need none.' : PASSWORD_HINT;
    hint.classList.toggle('needed', needed);
  }

  /**
   * The CAs among the same files, imported with `withPassword` so they can
   * sign. Quiet: without a CA (or its password) only renewing waits, and the
   * panel says what it needs where it is needed.
   */
  async function importCas(withPassword) {
    cas = []; // nothing signs with the last files' CAs while these are read
    casPassword = null;
    renderCas();
    // The last files' CAs go with their session, keys and all (kept while the rollover shown needs it).
    const last = session;
    session = `renew-${++sessions}`;
    if (last && rollover?.session !== last) await run('closeCaSession', { session: last });
    try {
      const imported = await run('importCa', { session, files, password: withPassword || undefined, nowMs: nowMs() });
      cas = imported.cas.map(inSession(session));
      casPassword = withPassword;
      caProblem = null;
      // New CA keys get the password the old ones have, unless another is typed.
      if (withPassword && !$('rollover-password').value) $('rollover-password').value = withPassword;
    } catch (error) {
      caProblem = { password: error.field === 'password', message: error.message };
    }
    sayPasswordNeeded(Boolean(caProblem?.password));
    const note = $('renew-ca-hint');
    note.hidden = !caProblem;
    note.textContent = !caProblem ? '' : caProblem.password
      ? 'Enter the password of the CA keys above to sign with them.'
      : `No CA with its key among these files (${caProblem.message}) Add the CA's certificate and key to the files to renew here.`;
    renderCas();
    checkValidity();
  }

  async function showReport() {
    const report = await run('expiryReport', { files, password: $('renew-password').value || undefined, withinDays: wholeDays($('renew-within').value), nowMs: nowMs() });
    renderReport(report);
    return report;
  }

  /** Files arrived (chosen or dropped): the expiry table at once, then the CAs that can sign. */
  function readArrived() {
    reading = act($('renew-files'), 'Expiry', async () => {
      files = await readFiles($('renew-files'));
      if (files.length === 0) throw problem('files', 'Choose or drop the ZIP or the certificate files.');
      status.progress('Reading the certificates…');
      const report = await showReport();
      const read = `${report.certificates.length} certificate(s) read; ${report.flagged} end within ${report.withinDays} days.`;
      status.say(read);
      await importCas($('renew-password').value);
      if (caProblem?.password) status.say(`${read} Enter the CA key password to renew.`);
    }, $('renew-expiry'));
    return reading;
  }
  $('renew-files').addEventListener('change', readArrived);

  // A password typed after the files: the CAs are opened with it once typing pauses.
  let passwordTimer;
  $('renew-password').addEventListener('input', () => {
    clearTimeout(passwordTimer);
    passwordTimer = setTimeout(() => {
      if (files.length === 0 || casPassword === $('renew-password').value) return;
      // Files that could not be read without it (a PFX) are read again whole.
      if (!$('renew-expiry').hasChildNodes()) readArrived();
      else reading = reading.then(() => importCas($('renew-password').value));
    }, 400);
  });

  // Another N: the same files flagged again (ticked devices stay ticked).
  $('renew-within').addEventListener('change', () => {
    if (files.length === 0) return;
    const ticked = new Set(chosen());
    act($('renew-within'), 'Expiry', async () => {
      const report = await showReport();
      for (const box of root.querySelectorAll('#renew-expiry input[type="checkbox"]')) box.checked = ticked.has(box.value);
      status.say(`${report.flagged} of ${report.certificates.length} certificate(s) end within ${report.withinDays} days.`);
    }, $('renew-expiry'));
  });

  // The whole panel takes dropped files, and shows it while they are dragged over it.
  let dragDepth = 0;
  const dragging = (on) => root.classList.toggle('dragging', on);
  root.addEventListener('dragenter', (event) => {
    if (!event.dataTransfer?.types.includes('Files')) return;
    dragDepth++;
    dragging(true);
  });
  root.addEventListener('dragleave', () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (dragDepth === 0) dragging(false);
  });
  root.addEventListener('dragover', (event) => event.preventDefault());
  root.addEventListener('drop', (event) => {
    event.preventDefault();
    dragDepth = 0;
    dragging(false);
    if (!event.dataTransfer.files.length) return;
    $('renew-files').files = event.dataTransfer.files;
    readArrived();
  });

  /** Renews the ticked devices under the CA `signer()` names, with the form's key choice, validity and start. */
  async function renewChosen(signer, target, zipName) {
    const thumbprints = chosen();
    if (thumbprints.length === 0) throw problem('thumbprints', 'Tick the devices to renew in the expiry table.');
    // The CAs opened with the password now typed (the last import may have had another).
    await reading;
    if (casPassword !== $('renew-password').value && (caProblem?.password || cas.length === 0)) await importCas($('renew-password').value);
    const ca = caByRef(signer());
    if (!ca) {
      if (caProblem?.password) throw problem('password', 'Enter the password of the CA keys among these files to renew (the expiry dates needed none).');
      throw problem('ca', `No CA to sign with${caProblem ? ` (${caProblem.message})` : ''}: add the CA's certificate and key to the files.`);
    }
    const start = $('renew-start').value;
    status.progress(`Renewing ${thumbprints.length} device(s) under "${ca.commonName}"…`);
    const renewal = await run('renewDevices', {
      session: ca.session,
      caId: ca.id,
      certificates: files,
      password: $('renew-password').value || undefined,
      thumbprints,
      keepKeys: $('renew-keys').value === 'keep',
      validityDays: wholeDays($('renew-days').value),
      notBeforeMs: start ? Date.parse(start) : undefined,
      nowMs: nowMs(),
    });
    const latest = Math.max(...renewal.renewed.map((row) => Date.parse(row.newNotAfter)));
    const outlived = outlives(ca, latest, start ? Date.parse(start) : nowMs());
    const head = h('tr', {}, ...['Device', 'Old SHA-1', 'New SHA-1', 'New end', 'Key'].map((name) => h('th', { scope: 'col' }, name)));
    target.replaceChildren(...[
      outlived ? h('p', { class: 'warning' }, `Renewed as asked, but past their CA: ${outlived}`) : null,
      h('div', { class: 'table-scroll' }, h('table', { class: 'files renewed', 'aria-label': 'Old and new thumbprints' }, h('thead', {}, head), h('tbody', {}, ...renewal.renewed.map((row) =>
        h('tr', {}, h('td', {}, h('code', {}, row.registrationId)), h('td', { class: 'mono' }, row.oldThumbprintSha1), h('td', { class: 'mono' }, row.newThumbprintSha1),
          h('td', {}, formatExpiry(row.newNotAfter)), h('td', {}, row.sameKey ? 'the same' : 'new')))))),
      ...filesWithZip(run, renewal.files, zipName, `Download ${zipName}`),
    ].filter(Boolean));
    status.say(`Renewed ${renewal.renewed.length} device(s): old → new thumbprints in renewed.csv.${outlived ? ' They outlive their CA: see the warning.' : ''}`);
  }

  $('renew-devices').addEventListener('click', (event) =>
    act(event.currentTarget, 'Renewal', () => renewChosen(() => $('renew-ca').value, $('renew-result'), 'renewed-devices.zip'), $('renew-result')),
  );

  $('renew-ca-run').addEventListener('click', (event) =>
    act(event.currentTarget, 'CA renewal', async () => {
      await reading;
      const ca = caByRef($('renew-ca-target').value);
      if (!ca && caProblem?.password) throw problem('password', 'Enter the password of the CA keys among these files to renew a CA.');
      if (!ca) throw problem('parentCaId', 'No CA with its key among the files.');
      const parent = ca.role === 'root' ? undefined : cas.find((other) => other.subject === ca.issuer && other.ref !== ca.ref);
      status.progress(`Renewing "${ca.commonName}" with its own key…`);
      const renewed = await run('renewCa', { session: ca.session, caId: ca.id, parentCaId: parent?.id, validityDays: wholeDays($('renew-ca-days').value), nowMs: nowMs() });
      cas = cas.map((other) => (other.ref === ca.ref ? inSession(ca.session)(renewed.ca) : other));
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
        const ca = caByRef(which.value);
        status.progress(`Making the verification certificate with "${ca.commonName}"…`);
        const cert = await run('makeVerificationCertificate', { session: ca.session, caId: ca.id, verificationCode: $('rollover-code').value.trim(), nowMs: nowMs() });
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
      button.addEventListener('click', () => act(button, 'Re-issue', () => renewChosen(() => signer.ref, result, 'reissued-devices.zip'), result));
      return h('div', {}, h('p', { class: 'hint' }, 'The devices ticked in the expiry table, with the key choice, validity and start of step 2.'), button, result);
    }
    return null;
  }

  $('rollover-make').addEventListener('click', (event) =>
    act(event.currentTarget, 'Rollover', async () => {
      const old = cas.find((ca) => ca.role === 'root') ?? cas[0];
      status.progress('Making the new root and intermediate…');
      // The new CAs join the session of the CA they replace.
      const madeIn = old?.session ?? session ?? `renew-${++sessions}`;
      const made = await run('makeRollover', {
        session: madeIn,
        oldCaId: old?.id,
        keyAlgorithm: $('rollover-key').value,
        rootCn: $('rollover-root-cn').value.trim(),
        intermediateCns: [$('rollover-intermediate-cn').value.trim()],
        validityDays: wholeDays($('rollover-days').value),
        caKeyPassword: $('rollover-password').value,
        nowMs: nowMs(),
      });
      made.cas = made.cas.map(inSession(madeIn));
      const replaced = rollover?.session;
      rollover = { ...made, session: madeIn };
      if (replaced && replaced !== madeIn && replaced !== session) await run('closeCaSession', { session: replaced });
      const list = h('ol', { class: 'rollover-plan', 'aria-label': 'Rollover plan' });
      const planErrors = createFieldErrors(list, { verificationCode: 'rollover-code' });
      list.append(...made.steps.map((step) =>
        h('li', { id: `rollover-step-${step.id}` }, h('h4', {}, step.title), h('p', {}, step.detail), stepAction(step, made, planErrors))));
      $('rollover-result').replaceChildren(list);
      status.say(`New root "${made.cas[0].commonName}" and intermediate made: follow the plan's ${made.steps.length} steps.`);
    }, $('rollover-result')),
  );
}
