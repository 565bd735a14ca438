// Every output file with its description and its own download button, and
// the Download ZIP control (the ZIP is built in a worker).

import { basename, saveBytes } from './download.js';
import { formatBytes, h } from './dom.js';

export const ZIP_NAME = 'azure-iot-certs.zip';

export function renderFiles(body, files) {
  body.replaceChildren(
    ...files.map((file) =>
      h(
        'tr',
        { class: file.secret ? 'secret' : null },
        h(
          'td',
          { class: 'file' },
          h('code', { class: 'path' }, file.path),
          file.secret ? h('span', { class: 'badge' }, 'secret') : null,
          h('span', { class: 'description' }, file.description),
        ),
        h('td', { class: 'num' }, formatBytes(file.contents.length)),
        h(
          'td',
          { class: 'action' },
          h(
            'button',
            { type: 'button', class: 'small', 'aria-label': `Download ${file.path}`, onclick: () => saveBytes(basename(file.path), file.contents) },
            'Download',
          ),
        ),
      ),
    ),
  );
}

/**
 * Starts building the ZIP of `files` on the pool at once, so the button
 * downloads without waiting; returns the promise of its bytes.
 */
export function prepareZip(pool, files) {
  return pool.run('zipFiles', { files: files.map(({ path, contents, secret }) => ({ path, contents, secret })) }).then(({ zip }) => zip);
}
