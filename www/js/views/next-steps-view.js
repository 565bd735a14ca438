// The numbered next steps under a result (make/next-steps.js): each step's
// words, the file it names with its SHA-1 thumbprint, the Azure CLI line,
// copy buttons for both, the file's own Download beside its thumbprint, and a
// button for a step the studio itself does next (making the root's
// verification certificate).

import { basename, saveBytes } from './download.js';
import { h } from './dom.js';

function copyButton(label, value, status) {
  return h('button', {
    type: 'button',
    class: 'small',
    'aria-label': label,
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(value);
        status.say(`${label.replace(/^Copy/, 'Copied')}.`);
      } catch (error) {
        status.error(`Could not copy to the clipboard: ${error.message}`);
      }
    },
  }, 'Copy');
}

/**
 * @param {HTMLElement} container
 * @param {Array<{text: string, file?: {path: string, thumbprintSha1?: string}, command?: string, action?: string}>} steps
 * @param {object} options
 * @param {{say: Function, error: Function}} options.status
 * @param {Record<string, {label: string, run: () => void}>} [options.actions]  what a step's `action` button does
 * @param {Array<{path: string, contents: Uint8Array}>} [options.files]  the result's files: a step naming one offers it
 */
export function renderNextSteps(container, steps, { status, actions = {}, files = [] }) {
  // Its name differs from the file table's `Download <path>`, so each button is named once on the page.
  const download = (path, i) => {
    const file = files.find((candidate) => candidate.path === path);
    return file
      ? h('button', { type: 'button', class: 'small', 'aria-label': `Download the file of step ${i + 1}, ${path}`, onclick: () => saveBytes(basename(path), file.contents) }, 'Download')
      : null;
  };
  container.replaceChildren(
    h('ol', { class: 'next-steps' }, steps.map((step, i) => {
      const action = step.action && actions[step.action];
      return h(
        'li',
        {},
        h('p', { class: 'step-text' }, step.text),
        step.file
          ? h('p', { class: 'step-file' },
            h('code', { class: 'path' }, step.file.path),
            step.file.thumbprintSha1
              ? [' SHA-1 ', h('code', { class: 'thumb-value' }, step.file.thumbprintSha1),
                copyButton(`Copy the SHA-1 thumbprint of ${step.file.path} (step ${i + 1})`, step.file.thumbprintSha1, status)]
              : null,
            download(step.file.path, i))
          : null,
        step.command
          ? h('div', { class: 'step-command' },
            h('pre', { tabindex: '0', 'aria-label': `Azure CLI for step ${i + 1}` }, h('code', {}, step.command)),
            copyButton(`Copy the Azure CLI of step ${i + 1}`, step.command, status))
          : null,
        action ? h('button', { type: 'button', class: 'primary step-action', onclick: action.run }, action.label) : null,
      );
    })),
  );
}
