// One generating tab's results (the chain, IoT Edge, individual enrollment):
// the picture of the chain, the next steps in the Azure portal, every file
// with Download ZIP, and the SDK snippets. Each tab has its own, so a result
// stays when another tab makes one; ids start with the tab's prefix.

import { renderChain } from './chain-view.js';
import { prepareZip, renderFiles } from './files-view.js';
import { renderSnippets } from './snippets-view.js';
import { renderNextSteps } from './next-steps-view.js';
import { saveBytes } from './download.js';
import { h } from './dom.js';
import { withStepsInReadme } from '../make/next-steps.js';

/** The results area's markup, empty and hidden until the first result. */
function layout(p) {
  return h(
    'div',
    { id: `${p}results`, class: 'results', hidden: true },
    // What to do first, in view as the result opens: the ZIP, then the portal's steps.
    h('section', { id: `${p}result-panel`, class: 'panel result-head', 'aria-labelledby': `${p}result-title` },
      h('div', { class: 'panel-head' },
        h('h2', { id: `${p}result-title`, tabindex: '-1' }, 'Result'),
        h('button', { type: 'button', id: `${p}download-zip`, class: 'primary' }, 'Download ZIP')),
      h('p', { id: `${p}result-summary`, class: 'hint' })),
    h('section', { id: `${p}steps-panel`, class: 'panel', 'aria-labelledby': `${p}steps-title` },
      h('h2', { id: `${p}steps-title` }, 'Next steps in the Azure portal'),
      h('div', { id: `${p}next-steps` })),
    h('section', { id: `${p}chain-panel`, class: 'panel', 'aria-labelledby': `${p}chain-title` },
      h('h2', { id: `${p}chain-title` }, 'Chain'),
      h('p', { class: 'hint' }, 'Thumbprints are upper-case hex without colons, as the Azure portal asks for them.'),
      h('ol', { id: `${p}chain-view`, class: 'chain' }),
      h('p', { id: `${p}batch-summary`, class: 'batch-summary', hidden: true })),
    h('section', { id: `${p}files-panel`, class: 'panel', 'aria-labelledby': `${p}files-title` },
      h('h2', { id: `${p}files-title` }, 'Files'),
      h('p', { class: 'hint' }, 'Each on its own, or all in the ZIP above, laid out like the tutorial\'s folder: ', h('code', {}, 'certs/'), ', ', h('code', {}, 'private/'), ', ',
        h('code', {}, 'csr/'), ', plus ', h('code', {}, 'snippets/'), '; README.txt ends with the next steps.'),
      h('div', { class: 'table-scroll' },
        h('table', { class: 'files' },
          h('thead', {}, h('tr', {},
            h('th', { scope: 'col' }, 'File'), h('th', { scope: 'col', class: 'num' }, 'Size'),
            h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Download')))),
          h('tbody', { id: `${p}files-view` })))),
    h('section', { id: `${p}snippets-panel`, class: 'panel', 'aria-labelledby': `${p}snippets-title` },
      h('h2', { id: `${p}snippets-title` }, 'SDK snippets'),
      h('p', { class: 'hint' }, 'For the Azure IoT SDK samples: constants to paste over the sample\'s, environment blocks to run before it, and command lines. Each is also in the ZIP under ',
        h('code', {}, 'snippets/'), '.'),
      h('div', { id: `${p}snippets-view` })),
  );
}

/** The line under the result's heading: what the ZIP holds, and where to start. */
function summary(result) {
  const made = result.batchSummary ? result.outcome : `${result.chain.length} certificates and ${result.files.length} files, each below and all in the ZIP.`;
  return `${made} Start with step 1 in the portal.`;
}

/**
 * @param {HTMLElement} host  where the results go (the tab's output column)
 * @param {object} deps
 * @param {string} deps.idPrefix  '' for the chain tab (its ids are the page's oldest), 'edge-', 'enrollment-'
 * @param {import('../runtime/pool.js').WorkerPool} deps.pool  builds the ZIP
 * @param {Promise<object[]>} deps.samples  the core's snippetSamples()
 * @param {object} deps.status
 * @param {(result: object, settings: object) => object[]} deps.steps  the scenario's next steps (make/next-steps.js)
 * @param {Record<string, {label: string, run: () => void}>} [deps.actions]  buttons a step may carry
 */
export function createResultView(host, { idPrefix: p, pool, samples, status, steps, actions }) {
  const waiting = h('p', { class: 'results-empty' },
    'The result shows here: the chain with its thumbprints, the next steps in the Azure portal, every file and the SDK snippets.');
  host.append(waiting, layout(p));
  const $ = (id) => host.querySelector(`#${p}${id}`);
  let zip = null;
  let zipName = null;
  let shown = null;

  $('download-zip').addEventListener('click', async () => {
    if (!zip) return;
    try {
      saveBytes(zipName, await zip);
    } catch (error) {
      status.error(`The ZIP could not be made: ${error.message}`);
    }
  });

  /** A result's files (README.txt with the steps), snippets and ZIP. */
  async function showFiles(result, settings) {
    const list = steps(result, settings);
    // A batch's README is in its streamed ZIP already; the page shows its steps.
    if (!result.zip) result.files = withStepsInReadme(result.files, list);
    renderNextSteps($('next-steps'), list, { status, actions, files: result.files });
    renderFiles($('files-view'), result.files);
    renderSnippets($('snippets-view'), result, {
      status, samples: await samples, idPrefix: p,
      emptyNote: result.batchSummary && 'A batch keeps each device\'s snippets in the ZIP, under snippets/.',
    });
    zip = result.zip ? Promise.resolve(result.zip) : prepareZip(pool, result.files);
    zip.catch(() => {});
    return zip;
  }

  return {
    heading: () => $('result-title'),

    /** The result now shown, with how (null before the first; a batch's is not rewritten). */
    get shown() {
      return shown;
    },

    /** Shows `result`; resolves with the promise of its ZIP. */
    async show(result, view, settings) {
      $('chain-title').textContent = view.title;
      $('result-title').textContent = `${view.title} made`;
      $('result-summary').textContent = summary(result);
      renderChain($('chain-view'), result.chain, { status });
      $('batch-summary').hidden = !result.batchSummary;
      $('batch-summary').textContent = result.batchSummary ?? '';
      const made = await showFiles(result, settings);
      shown = { result, view };
      zipName = view.zipName;
      $('results').hidden = false;
      waiting.hidden = true;
      return made;
    },

    /** The same result with new files (its snippets written again for new Sample settings). */
    async refresh(files, settings) {
      shown.result.files = files;
      await showFiles(shown.result, settings);
    },
  };
}
