// What every command works with: the studio's CA module in this thread
// (it has every function), a worker pool made on first use, the progress
// line, and the key generator the flags chose.

import { integer, oneOf } from './args.mjs';
import { WorkerPool } from './pool.mjs';
import { Progress } from './progress.mjs';

export async function makeContext(values = {}) {
  const studio = await import('../ca.js');
  const generator = oneOf(values, 'key-generator', ['node', 'rust']) ?? 'node';
  const workers = integer(values, 'workers', { min: 1, max: 256 });
  let pool;
  return {
    studio,
    generator,
    progress: new Progress(),
    get pool() {
      pool ??= new WorkerPool(workers);
      return pool;
    },
    async close() {
      await pool?.close();
    },
  };
}
