// The one orchestration of chunks the page's batches and the command's
// batches and renewals share (www/js/make/chunks.js, shipped in the package
// as lib/shared/chunks.js): sizes, order, lanes, progress, stopping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHUNK_DEVICES, chunkSize, chunksOf, runChunks } from '../../www/js/make/chunks.js';

const ids = Array.from({ length: 10 }, (_, i) => `d-${i}`);

test('chunks cover the list in order, the last one short; sizes go by key type', () => {
  const chunks = chunksOf(ids, 4);
  assert.deepEqual(chunks.map((c) => c.first), [0, 4, 8]);
  assert.deepEqual(chunks.flatMap((c) => c.items), ids);
  assert.equal(chunkSize('ec-p256'), CHUNK_DEVICES['ec-p256']);
  assert.ok(chunkSize('rsa-4096') < chunkSize('ec-p256'), 'an RSA-4096 device is more work than a P-256 one');
  assert.equal(chunkSize('dsa-1024'), 1);
});

test('lanes take the chunks in order, never more at once than asked; each lane keeps its own state; progress counts items', async () => {
  let running = 0;
  let most = 0;
  const started = [];
  const lanes = new Set();
  const progress = [];
  const taken = [];
  const outcome = await runChunks(chunksOf(ids, 2), {
    lanes: 2,
    async run(chunk, lane) {
      started.push(chunk.first);
      lanes.add(lane);
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      return chunk.items.length;
    },
    done: (chunk, count) => taken.push([chunk.first, count]),
    onProgress: ({ done, total }) => progress.push([done, total]),
  });
  assert.deepEqual(started, [0, 2, 4, 6, 8]);
  assert.equal(most, 2);
  assert.equal(lanes.size, 2);
  assert.deepEqual(taken.map(([first]) => first).sort((a, b) => a - b), [0, 2, 4, 6, 8]);
  assert.deepEqual(progress.at(-1), [10, 10]);
  assert.deepEqual(outcome, { done: 10, total: 10, cancelled: false, failure: undefined });
});

test('the first failure stops every lane: no chunk starts after it, the chunks done stay counted', async () => {
  const started = [];
  const outcome = await runChunks(chunksOf(ids, 2), {
    lanes: 1,
    async run(chunk) {
      started.push(chunk.first);
      if (chunk.first === 4) throw new Error('worker died at chunk 3');
      return chunk;
    },
  });
  assert.deepEqual(started, [0, 2, 4]);
  assert.equal(outcome.done, 4);
  assert.equal(outcome.failure.message, 'worker died at chunk 3');
  assert.equal(outcome.cancelled, false);
});

test('Cancel (an AbortSignal) stops the lanes and says so; the signal each chunk gets is aborted too', async () => {
  const cancel = new AbortController();
  const signals = [];
  const outcome = await runChunks(chunksOf(ids, 2), {
    lanes: 1,
    async run(chunk, _, signal) {
      signals.push(signal);
      if (chunk.first === 2) cancel.abort();
      return chunk;
    },
    signal: cancel.signal,
  });
  assert.equal(outcome.done, 4, 'the chunk running when Cancel came is kept');
  assert.equal(outcome.cancelled, true);
  assert.equal(outcome.failure, undefined);
  assert.ok(signals.at(-1).aborted);
  const already = await runChunks(chunksOf(ids, 2), { lanes: 2, run: () => assert.fail('nothing runs after Cancel'), signal: AbortSignal.abort() });
  assert.deepEqual(already, { done: 0, total: 10, cancelled: true, failure: undefined });
});
