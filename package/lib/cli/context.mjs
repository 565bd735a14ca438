// What every command works with: the studio's CA module in this thread
// (it has every function), a worker pool and a CaSession (the imported CAs)
// made on first use, the progress line, and the key generator the flags chose.

import { integer, oneOf } from './args.mjs';
import { WorkerPool } from './pool.mjs';
import { Progress } from './progress.mjs';

export async function makeContext(values = {}) {
  const studio = await import('../ca.js');
  const generator = oneOf(values, 'key-generator', ['node', 'rust']) ?? 'node';
  const workers = integer(values, 'workers', { min: 1, max: 256 });
  let pool;
  let caSession;
  return {
    studio,
    generator,
    progress: new Progress(),
    get pool() {
      pool ??= new WorkerPool(workers);
      return pool;
    },
    /** Where --ca's CAs are imported; closing the context frees it, and the CA keys with it. */
    get caSession() {
      caSession ??= new studio.CaSession();
      return caSession;
    },
    async close() {
      caSession?.free();
      await pool?.close();
    },
  };
}
