// Makes the tutorial chain on the pool: the settings are checked, the chain's
// keys (independent of each other) are made in parallel while the CA key
// password is stretched, then one worker signs everything with them.

import { caKeysAndPassword, keyBuffers, withGenerators } from './parallel-keys.js';

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

  const { keys, generators, stretched } = await caKeysAndPassword(pool, Array(total).fill(spec.keyAlgorithm), spec, { signal, onProgress });

  onProgress({ phase: 'signing' });
  const result = await pool.run('buildChain', { spec, keys, nowMs: Date.now(), stretched }, { signal, transfer: keyBuffers(keys, stretched) });
  return withGenerators(result, generators);
}
