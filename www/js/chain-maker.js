// Makes the tutorial chain on the pool: the settings are checked, the chain's
// keys (independent of each other) are made in parallel, then one worker
// signs everything with them. The CA key password is stretched by a job
// queued after the keys, so it runs on whichever worker is first left idle
// by the uneven RSA key searches, not after them.

import { generateKeys, withGenerators } from './parallel-keys.js';

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

  const making = generateKeys(pool, Array(total).fill(spec.keyAlgorithm), { signal, generator: spec.keyGenerator, onProgress });
  const stretching = spec.caKeyPassword ? pool.run('stretchCaPassword', { password: spec.caKeyPassword }, { signal }) : undefined;
  stretching?.catch(() => {}); // a failure surfaces below, after the keys'
  const { keys, generators } = await making;
  const stretched = await stretching;

  onProgress({ phase: 'signing' });
  const result = await pool.run(
    'buildChain',
    { spec, keys, nowMs: Date.now(), stretched },
    { signal, transfer: [...keys.map((key) => key.buffer), ...(stretched ? [stretched.key.buffer] : [])] },
  );
  return withGenerators(result, generators);
}
