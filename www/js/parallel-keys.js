// Makes several independent keys at once, one pool job each, reporting each
// finished key; one failure (or the caller's abort) stops the rest.

/**
 * @param {import('./pool.js').WorkerPool} pool
 * @param {string[]} algorithms  one entry per key, in the order the core wants them
 * @param {{signal?: AbortSignal, onProgress?: (p: {phase: 'keys', done: number, total: number}) => void}} [options]
 * @returns {Promise<Uint8Array[]>} PKCS#8 DER keys, in the order of `algorithms`
 */
export async function generateKeys(pool, algorithms, { signal, onProgress = () => {} } = {}) {
  const keysDone = new AbortController();
  signal?.throwIfAborted();
  const stopKeys = () => keysDone.abort(signal.reason);
  signal?.addEventListener('abort', stopKeys, { once: true });
  const total = algorithms.length;
  let done = 0;
  onProgress({ phase: 'keys', done, total });
  try {
    return await Promise.all(
      algorithms.map((algorithm) =>
        pool.run('generateKey', { algorithm }, { signal: keysDone.signal }).then((key) => {
          onProgress({ phase: 'keys', done: ++done, total });
          return key;
        }),
      ),
    );
  } catch (error) {
    keysDone.abort(error);
    throw error;
  } finally {
    signal?.removeEventListener('abort', stopKeys);
  }
}
