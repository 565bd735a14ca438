// Makes several independent keys at once, reporting each finished key; one
// failure (or the caller's abort) stops the rest. Keys the Rust core makes
// run one pool job each, a worker per core. WebCrypto RSA keys all go to one
// job that asks for them at once: the browser searches for their primes on
// its own threads, and all at once it balances the uneven searches over the
// cores (4 RSA-4096 keys: about 1.5 s, against 2.2 s two at a time).

const RSA = new Set(['rsa-2048', 'rsa-3072', 'rsa-4096']);

/**
 * @param {import('./pool.js').WorkerPool} pool
 * @param {string[]} algorithms  one entry per key, in the order the core wants them
 * @param {{signal?: AbortSignal, generator?: 'webcrypto'|'rust', onProgress?: (p: {phase: 'keys', done: number, total: number}) => void}} [options]
 * @returns {Promise<{keys: Uint8Array[], generators: string[]}>} PKCS#8 DER keys in the order of
 *   `algorithms`, and which generator made each (see the makeKey job)
 */
export async function generateKeys(pool, algorithms, { signal, generator = 'webcrypto', onProgress = () => {} } = {}) {
  if (generator === 'webcrypto' && algorithms.length > 1 && algorithms.every((a) => RSA.has(a))) {
    const total = algorithms.length;
    onProgress({ phase: 'keys', done: 0, total });
    return pool.run('makeKeys', { algorithms, generator }, { signal, onProgress: (done) => onProgress({ phase: 'keys', done, total }) });
  }
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

/**
 * A chain's keys (see generateKeys) and, on another worker at the same time,
 * its CA key password stretched (`undefined` without one): the stretch is
 * 600,000 PBKDF2 rounds, so it should not wait for the keys.
 * @returns {Promise<{keys: Uint8Array[], generators: string[], stretched?: object}>}
 */
export async function caKeysAndPassword(pool, algorithms, spec, { signal, onProgress } = {}) {
  const making = generateKeys(pool, algorithms, { signal, generator: spec.keyGenerator, onProgress });
  const stretching = spec.caKeyPassword ? pool.run('stretchCaPassword', { password: spec.caKeyPassword }, { signal }) : undefined;
  stretching?.catch(() => {}); // a failure surfaces below, after the keys'
  const { keys, generators } = await making;
  return { keys, generators, stretched: await stretching };
}

/** The buffers to move to the worker that uses these keys and stretched password. */
export function keyBuffers(keys, stretched) {
  return [...keys.map((key) => key.buffer), ...(stretched ? [stretched.key.buffer] : [])];
}

/** Notes on each certificate which generator made its key (keys run in chain order). */
export function withGenerators(result, generators) {
  if (result.chain.length === generators.length) {
    result.chain.forEach((entry, i) => { entry.keyGenerator = generators[i]; });
  }
  return result;
}
