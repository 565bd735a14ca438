// A pool of worker threads (worker.mjs), one per core by default: jobs go to
// the first idle worker, in the order they are asked for. A worker that died
// (an uncaught error, an exit, a panic in the core) fails its job and is
// replaced by a new one, never given another job.

import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { UsageError } from './errors.mjs';

/** A worker's error as thrown there: a refusal naming a flag stays one, a core error keeps its `field`. */
function thrownBy({ message, field, flag, reason }) {
  return flag ? new UsageError(flag, reason) : Object.assign(new Error(message), field === undefined ? {} : { field });
}

export class WorkerPool {
  constructor(size = availableParallelism()) {
    this.size = Math.max(1, size);
    this.idle = [];
    this.queue = [];
    this.workers = new Set();
    this.closing = false;
    for (let i = 0; i < this.size; i++) this.idle.push(this.#start());
  }

  #start() {
    const worker = new Worker(new URL('./worker.mjs', import.meta.url));
    worker.unref();
    this.workers.add(worker);
    // An idle worker that dies is replaced too. (Its 'error' is followed by 'exit'; the listener keeps it from throwing here.)
    worker.on('error', () => {});
    worker.once('exit', () => {
      const at = this.idle.indexOf(worker);
      if (at < 0) return;
      this.idle.splice(at, 1);
      this.#replace(worker);
      this.#next();
    });
    return worker;
  }

  #replace(worker) {
    this.workers.delete(worker);
    worker.terminate();
    if (!this.closing) this.idle.push(this.#start());
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
      const finish = (alive, settle) => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (alive) this.idle.push(worker);
        else this.#replace(worker);
        settle();
        this.#next();
      };
      const onMessage = (reply) => finish(!reply.died, () => (reply.error ? task.reject(thrownBy(reply.error)) : task.resolve(reply.result)));
      const onError = (error) => finish(false, () => task.reject(error));
      const onExit = (code) => finish(false, () => task.reject(new Error(`a worker thread stopped (exit code ${code}) during its ${task.job} job`)));
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ job: task.job, args: task.args }, task.transfer);
    }
  }

  async close() {
    this.closing = true;
    await Promise.all([...this.workers].map((w) => w.terminate()));
  }
}
