// The worker pool on its own, in the page, as later panels will use it.
import { test, expect } from './fixtures.js';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('status')).toContainText('Ready.');
});

test('the pool is sized from the core count, between 2 and 8', async ({ page }) => {
  const sizes = await page.evaluate(async () => {
    const { defaultPoolSize } = await import('/js/runtime/pool.js');
    return [undefined, 1, 2, 4, 64].map((cores) => defaultPoolSize(cores));
  });
  expect(sizes).toEqual([2, 2, 2, 4, 8]);
});

test('jobs return results and errors with their field; cancelled jobs stop and the pool goes on', async ({ page }) => {
  const outcome = await page.evaluate(async () => {
    const { WorkerPool } = await import('/js/runtime/pool.js');
    const pool = new WorkerPool({
      size: 1,
      createWorker: () => new Worker('/js/runtime/worker.js', { type: 'module' }),
    });
    const settle = (promise) => promise.then(
      (value) => ({ ok: true, value }),
      (error) => ({ ok: false, name: error.name, message: error.message, field: error.field }),
    );
    const { key } = await pool.run('generateKey', { keyAlgorithm: 'ec-p256' });
    const unknown = await settle(pool.run('nope'));
    const badAlgorithm = await settle(pool.run('generateKey', { keyAlgorithm: 'rsa-1024' }));

    // One worker: the first RSA-4096 job runs, the second waits in the queue.
    const running = new AbortController();
    const queued = new AbortController();
    const first = settle(pool.run('generateKey', { keyAlgorithm: 'rsa-4096' }, { signal: running.signal }));
    const second = settle(pool.run('generateKey', { keyAlgorithm: 'rsa-4096' }, { signal: queued.signal }));
    queued.abort();
    running.abort();
    const cancelled = [await first, await second];
    const { key: after } = await pool.run('generateKey', { keyAlgorithm: 'ec-p384' });
    pool.terminate();
    return {
      key: { isBytes: key instanceof Uint8Array, first: key[0], length: key.length },
      unknown, badAlgorithm, cancelled,
      after: after instanceof Uint8Array && after.length,
    };
  });
  expect(outcome.key).toEqual({ isBytes: true, first: 0x30, length: expect.any(Number) });
  expect(outcome.unknown).toEqual({ ok: false, name: 'Error', message: 'The worker has no job called "nope".', field: undefined });
  expect(outcome.badAlgorithm.ok).toBe(false);
  expect(outcome.badAlgorithm.field).toBe('keyAlgorithm');
  expect(outcome.cancelled.map((c) => c.name)).toEqual(['AbortError', 'AbortError']);
  expect(outcome.after).toBeGreaterThan(100);
});

test('a pool whose workers cannot start says why, for every job', async ({ page }) => {
  const outcome = await page.evaluate(async () => {
    const { WorkerPool } = await import('/js/runtime/pool.js');
    const messages = async (module) => {
      const pool = new WorkerPool({ size: 2, module, createWorker: () => new Worker('/js/runtime/worker.js', { type: 'module' }) });
      const ready = await pool.ready.then(() => 'ready', (error) => error.message);
      const job = await pool.run('generateKey', { keyAlgorithm: 'ec-p256' }).then(() => 'ran', (error) => error.message);
      pool.terminate();
      return { ready, job };
    };
    return {
      // The wasm did not load at all.
      missing: await messages(Promise.reject(new Error('no such file'))),
      // A wasm module that is not the studio's: the worker's init fails.
      wrong: await messages(new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))),
    };
  });
  expect(outcome.missing.ready).toBe("The studio's WebAssembly could not be loaded: no such file");
  expect(outcome.missing.job).toBe(outcome.missing.ready);
  expect(outcome.wrong.ready).not.toBe('ready');
  expect(outcome.wrong.job).toBe(outcome.wrong.ready);
});

test('background jobs (keys made ahead) never take every worker: a job asked for later runs at once', async ({ page }) => {
  const order = await page.evaluate(async () => {
    const { WorkerPool } = await import('/js/runtime/pool.js');
    const pool = new WorkerPool({ size: 2, createWorker: () => new Worker('/js/runtime/worker.js', { type: 'module' }) });
    await pool.ready;
    const done = [];
    const stop = new AbortController();
    // Rust RSA-2048 keys take a while in wasm; two at the lowest priority.
    const background = ['ahead-1', 'ahead-2'].map((name) =>
      pool.run('generateKey', { keyAlgorithm: 'rsa-2048' }, { background: true, signal: stop.signal }).then(() => done.push(name), () => done.push(`${name} cancelled`)));
    await pool.run('generateKey', { keyAlgorithm: 'ec-p256' });
    done.push('press');
    stop.abort();
    await Promise.all(background);
    pool.terminate();
    return done;
  });
  // The press found the second worker free; the two background keys were one at a time, so the second never started.
  expect(order[0]).toBe('press');
  expect(order).toContain('ahead-2 cancelled');
});
