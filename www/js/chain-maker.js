// Makes the tutorial chain on the pool: the settings are checked, the chain's
// keys (independent of each other) are made in parallel, then one worker
// signs everything with them.

/**
 * @param {import('./pool.js').WorkerPool} pool
 * @param {object} spec  the chain settings (see chain-form.js)
 * @param {object} [options]
 * @param {AbortSignal} [options.signal]
 * @param {(progress: {phase: 'checking'|'keys'|'signing', done?: number, total?: number}) => void} [options.onProgress]
 * @returns {Promise<{files: object[], chain: object[]}>}
 */
export async function makeChain(pool, spec, { signal, onProgress = () => {} } = {}) {
  onProgress({ phase: 'checking' });
  const total = await pool.run('validateChainSpec', { spec }, { signal });

  // One failed key stops the others rather than leaving them running.
  const keysDone = new AbortController();
  const stopKeys = () => keysDone.abort(signal.reason);
  signal?.addEventListener('abort', stopKeys, { once: true });
  let done = 0;
  onProgress({ phase: 'keys', done, total });
  let keys;
  try {
    keys = await Promise.all(
      Array.from({ length: total }, () =>
        pool.run('generateKey', { algorithm: spec.keyAlgorithm }, { signal: keysDone.signal }).then((key) => {
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

  onProgress({ phase: 'signing' });
  return pool.run(
    'buildChain',
    { spec, keys, nowMs: Date.now() },
    { signal, transfer: keys.map((key) => key.buffer) },
  );
}
