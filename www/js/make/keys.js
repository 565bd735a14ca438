// Makes several independent keys at once, reporting each finished key; one
// failure (or the caller's abort) stops the rest. Keys the Rust core makes
// run one pool job each, a worker per core. WebCrypto RSA keys all go to one
// job that asks for them at once: the browser searches for their primes on
// its own threads, and all at once it balances the uneven searches over the
// cores (4 RSA-4096 keys: about 1.5 s, against 2.2 s two at a time).

import { isRsa } from '../runtime/webcrypto.js';

/**
 * @param {import('../runtime/pool.js').WorkerPool} pool
 * @param {string[]} algorithms  one entry per key, in the order the core wants them
 * @param {{signal?: AbortSignal, generator?: 'webcrypto'|'rust', onProgress?: (p: {phase: 'keys', done: number, total: number}) => void, background?: boolean}} [options]
 *   `background`: made ahead at the pool's lowest priority (key-stock.js)
 * @returns {Promise<{keys: Uint8Array[], generators: string[]}>} PKCS#8 DER keys in the order of
 *   `algorithms`, and which generator made each (see the makeKey job)
 */
export async function generateKeys(pool, algorithms, { signal, generator = 'webcrypto', onProgress = () => {}, background = false } = {}) {
  const total = algorithms.length;
  if (generator === 'webcrypto' && total > 1 && algorithms.every(isRsa)) {
    onProgress({ phase: 'keys', done: 0, total });
    return pool.run('makeKeys', { algorithms, generator }, { signal, background, onProgress: (done) => onProgress({ phase: 'keys', done, total }) });
  }
  const keysDone = new AbortController();
  signal?.throwIfAborted();
  const stopKeys = () => keysDone.abort(signal.reason);
  signal?.addEventListener('abort', stopKeys, { once: true });
  let done = 0;
  onProgress({ phase: 'keys', done, total });
  try {
    const made = await Promise.all(
      algorithms.map((algorithm) =>
        pool.run('makeKey', { algorithm, generator }, { signal: keysDone.signal, background }).then((result) => {
          onProgress({ phase: 'keys', done: ++done, total });
          return result;
        }),
      ),
    );
    return { keys: made.map((m) => m.key), generators: made.map((m) => m.generator) };
  } catch (error) {
    keysDone.abort(error);
    throw error;
  } finally {
    signal?.removeEventListener('abort', stopKeys);
  }
}
