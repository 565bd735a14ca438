// One orchestration for work split into chunks, the page's and the command's
// alike: a batch's devices and a renewal's. How many devices a chunk holds,
// the order chunks are taken in, lanes that each run one chunk at a time,
// progress, and stopping (Cancel, or the first chunk that fails). The page
// loads it as www/js/make/chunks.js; the npm package ships the same file
// (tools/build_package.py) for its command.

/**
 * Devices per chunk by key type: about a fifth of a second of work on a
 * page worker, so Cancel is quick and progress smooth; for the command's
 * threads as many messages cost nothing measurable.
 */
export const CHUNK_DEVICES = { 'ec-p256': 48, 'ec-p384': 24, 'rsa-2048': 6, 'rsa-3072': 3, 'rsa-4096': 2 };

/** Devices per chunk for `keyAlgorithm` (one for a type not in the table). */
export function chunkSize(keyAlgorithm) {
  return CHUNK_DEVICES[keyAlgorithm] ?? 1;
}

/** `items` in chunks of `size`, in order: `[{ first, items }]`, `first` the index of a chunk's first item. */
export function chunksOf(items, size) {
  const chunks = [];
  for (let first = 0; first < items.length; first += size) chunks.push({ first, items: items.slice(first, first + size) });
  return chunks;
}

/**
 * Runs `chunks` on `lanes` lanes, each taking the next chunk in order when
 * its last is done: `run(chunk, lane, signal)` makes one (`lane` is an object
 * the lane keeps from chunk to chunk, e.g. a buffer going round), and
 * `done(chunk, result)` takes it, in the order chunks finish. The first
 * failure stops every lane (the chunks already done stay done), and so does
 * `signal`. `onProgress({ done, total, secondsLeft, perSecond })` after each
 * chunk, counting items.
 * @returns {Promise<{ done: number, total: number, cancelled: boolean, failure?: Error }>}
 */
export async function runChunks(chunks, { lanes, run, done = () => {}, signal, onProgress = () => {} }) {
  const total = chunks.reduce((sum, chunk) => sum + chunk.items.length, 0);
  const waiting = [...chunks];
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal.reason);
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const started = Date.now();
  let made = 0;
  let failure;
  const lane = async () => {
    const state = {};
    for (let next = waiting.shift(); next && !stop.signal.aborted; next = waiting.shift()) {
      try {
        // A chunk made is taken even when the work stopped meanwhile: what it wrote is counted.
        await done(next, await run(next, state, stop.signal));
        made += next.items.length;
        const seconds = Math.max(0.001, (Date.now() - started) / 1000);
        const perSecond = made / seconds;
        onProgress({ done: made, total, secondsLeft: (total - made) / perSecond, perSecond });
      } catch (error) {
        if (!stop.signal.aborted) {
          failure = error;
          stop.abort(error);
        }
        return;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(lanes, waiting.length)) }, lane));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  return { done: made, total, cancelled: made < total && !failure, failure };
}
