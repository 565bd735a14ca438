// The one way the studio makes certificates on the pool: check → keys → build.
// The core checks the settings and says which keys they need; the keys
// (independent of each other) are made in parallel, the CA key password
// stretched on another worker beside them; then one worker builds everything
// with them. The tutorial chain, a batch's CA, IoT Edge, the individual
// enrollment and Event Grid's clients differ only in their recipe: how to check, and which job builds.

import { generateKeys } from './keys.js';

const sameKeys = (spec, count) => Array(count).fill(spec.keyAlgorithm);

/**
 * A recipe: `keyAlgorithms(pool, spec, { signal, nowMs })` checks the spec
 * (throwing with the core's `.field`) and returns the key algorithms in the
 * order `build`, a worker job taking `{ spec, keys, nowMs, stretchedCaPassword }`,
 * wants them.
 */
export const TUTORIAL_CHAIN = {
  keyAlgorithms: async (pool, spec, { signal }) => sameKeys(spec, (await pool.run('validateChainSpec', { spec }, { signal })).keyCount),
  build: 'buildChain',
};

/** A batch's root and intermediates; the spec carries one device, standing in for the checked list. */
export const BATCH_CA = {
  keyAlgorithms: async (pool, spec, { signal }) => sameKeys(spec, (await pool.run('validateChainSpec', { spec }, { signal })).keyCount - spec.devices.length),
  build: 'makeBatchCa',
};

export const EDGE_CHAIN = {
  keyAlgorithms: async (pool, spec, { signal, nowMs }) => (await pool.run('edgeKeyAlgorithms', { spec, nowMs }, { signal })).keyAlgorithms,
  build: 'makeEdgeChain',
};

export const INDIVIDUAL_ENROLLMENT = {
  keyAlgorithms: async (pool, spec, { signal }) => sameKeys(spec, (await pool.run('validateEnrollmentSpec', { spec }, { signal })).keyCount),
  build: 'makeIndividualEnrollment',
};

/** Event Grid's MQTT clients (on a pool of the CA module, which has these exports). */
export const EVENT_GRID = {
  keyAlgorithms: async (pool, spec, { signal, nowMs }) => (await pool.run('eventGridKeyAlgorithms', { spec, nowMs }, { signal })).keyAlgorithms,
  build: 'makeEventGrid',
};

/**
 * Every problem the recipe's check finds in `spec`, one field at a time (the
 * others at the core's defaults), since the core stops at the first:
 * `[{ field, message }]`, one per field.
 */
export async function problemsOf(pool, recipe, spec, { signal, nowMs = Date.now() } = {}) {
  const found = await Promise.all(
    Object.entries(spec).map(([name, value]) =>
      recipe.keyAlgorithms(pool, { [name]: value }, { signal, nowMs }).then(
        () => null,
        (error) => (error.field ? { field: error.field, message: error.message } : null),
      ),
    ),
  );
  return found.filter(Boolean);
}

/**
 * `error` (the core's, naming one field) with `.problems`: itself first, then
 * every other field's problem in `spec`, so the page shows them all at once.
 */
export async function withEveryProblem(error, pool, recipe, spec, options) {
  if (!error.field) return error;
  const others = (await problemsOf(pool, recipe, spec, options)).filter((p) => p.field !== error.field);
  error.problems = [{ field: error.field, message: error.message }, ...others]
    .filter((p, i, all) => all.findIndex((q) => q.field === p.field) === i);
  return error;
}

/**
 * Makes what `recipe` describes from `spec` on the pool.
 * @param {import('../runtime/pool.js').WorkerPool} pool
 * @param {{keyAlgorithms: Function, build: string}} recipe  one of the recipes above
 * @param {object} spec  the core's spec; `caKeyPassword` and `keyGenerator` are read here too
 * @param {object} [options]
 * @param {AbortSignal} [options.signal]
 * @param {(progress: {phase: 'checking'|'keys'|'signing', done?: number, total?: number}) => void} [options.onProgress]
 * @param {number} [options.nowMs]  the time the certificates start from
 * @param {{take: Function}} [options.keysAhead]  keys made ahead for this panel (key-stock.js): used
 *   when they fit the spec, each set once
 * @returns {Promise<{files: object[], chain: object[]}>} the build job's result, each chain entry
 *   noting which generator made its key (`keyGenerator`)
 */
export async function makeOnPool(pool, recipe, spec, { signal, onProgress = () => {}, nowMs = Date.now(), keysAhead } = {}) {
  onProgress({ phase: 'checking' });
  const algorithms = await recipe.keyAlgorithms(pool, spec, { signal, nowMs }).catch(async (error) => {
    throw await withEveryProblem(error, pool, recipe, spec, { signal, nowMs });
  });

  const generator = spec.keyGenerator ?? 'webcrypto';
  const ahead = keysAhead?.take({ algorithms, generator, password: spec.caKeyPassword }, { signal, onProgress }) ?? {};
  // 600,000 PBKDF2 rounds: not worth waiting for the keys first.
  const stretching = ahead.stretched ?? (spec.caKeyPassword ? pool.run('stretchCaPassword', { password: spec.caKeyPassword }, { signal }) : undefined);
  stretching?.catch(() => {}); // a failure surfaces below, after the keys'
  const { keys, generators } = await (ahead.keys ?? generateKeys(pool, algorithms, { signal, generator, onProgress }));
  const stretchedCaPassword = await stretching;

  onProgress({ phase: 'signing' });
  const transfer = [...keys.map((key) => key.buffer), ...(stretchedCaPassword ? [stretchedCaPassword.key.buffer] : [])];
  const result = await pool.run(recipe.build, { spec, keys, nowMs, stretchedCaPassword }, { signal, transfer });
  // The keys were made in chain order.
  if (result.chain.length === generators.length) {
    result.chain.forEach((entry, i) => { entry.keyGenerator = generators[i]; });
  }
  return result;
}
