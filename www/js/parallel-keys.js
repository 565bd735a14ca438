// Makes several independent keys at once, one pool job each, reporting each
// finished key; one failure (or the caller's abort) stops the rest.

/**
 * @param {import('./pool.js').WorkerPool} pool
 * @param {string[]} algorithms  one entry per key, in the order the core wants them
 * @param {{signal?: AbortSignal, generator?: 'webcrypto'|'rust', onProgress?: (p: {phase: 'keys', done: number, total: number}) => void}} [options]
 * @returns {Promise<{keys: Uint8Array[], generators: string[]}>} PKCS#8 DER keys in the order of
 *   `algorithms`, and which generator made each (see the makeKey job)
 */
export async function generateKeys(pool, algorithms, { signal, generator = 'webcrypto', onProgress = () => {} } = {}) {
  const keysDone = new AbortController();
  signal?.throwIfAborted();
  const stopKeys = () => keysDone.abort(signal.reason);
  signal?.addEventListener('abort', stopKeys, { once: true });
  const total = algorithms.length;
  let done = 0;
  onProgress({ phase: 'keys', done, total });
  try {
    const made = await Promise.all(
      algorithms.map((algorithm) =>
        pool.run('makeKey', { algorithm, generator }, { signal: keysDone.signal }).then((result) => {
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

/** Notes on each certificate which generator made its key (keys run in chain order). */
export function withGenerators(result, generators) {
  if (result.chain.length === generators.length) {
    result.chain.forEach((entry, i) => { entry.keyGenerator = generators[i]; });
  }
  return result;
}
