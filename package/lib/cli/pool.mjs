// A pool of worker threads (worker.mjs), one per core by default: jobs go to
// the first idle worker, in the order they are asked for.

import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';

export class WorkerPool {
  constructor(size = availableParallelism()) {
    this.size = Math.max(1, size);
    this.idle = [];
    this.queue = [];
    this.workers = [];
    for (let i = 0; i < this.size; i++) {
      const worker = new Worker(new URL('./worker.mjs', import.meta.url));
      worker.unref();
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  /** Runs `job` with `args` on a worker; resolves with its result or rejects with its Error (`field` kept). */
  run(job, args, transfer = []) {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, args, transfer, resolve, reject });
      this.#next();
    });
  }

  #next() {
    while (this.idle.length && this.queue.length) {
      const worker = this.idle.shift();
      const task = this.queue.shift();
      const onMessage = (reply) => finish(() => (reply.error ? task.reject(Object.assign(new Error(reply.error.message), reply.error)) : task.resolve(reply.result)));
      const onError = (error) => finish(() => task.reject(error));
      const finish = (settle) => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        this.idle.push(worker);
        settle();
        this.#next();
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage({ job: task.job, args: task.args }, task.transfer);
    }
  }

  async close() {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
