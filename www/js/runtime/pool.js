// A pool of module Web Workers that run named jobs (see worker.js for the
// message protocol). Jobs wait in one queue; each idle worker takes the next.
// A worker that crashes, traps or is cancelled mid-job is replaced, so one
// bad job never takes the pool down.
//
//   const { key } = await pool.run('generateKey', { keyAlgorithm: 'ec-p256' }, { signal, onProgress });
//
// Jobs are the handlers in worker-jobs.js; errors arrive as JobError with the
// core's `.field` when it has one. Background jobs (keys made ahead while the
// page is idle, make/key-stock.js) wait in their own queue: they start only
// when no other job waits, and never on every worker at once, so a press
// finds a worker.

/** An error that crossed from a worker, with the form field it belongs to. */
export class JobError extends Error {
  constructor({ name, message, field }) {
    super(message);
    this.name = name || 'Error';
    if (field) this.field = field;
  }
}

function abortError(signal) {
  return signal.reason instanceof Error ? signal.reason : new DOMException('The job was cancelled.', 'AbortError');
}

/** Two workers at least; more do not help once every core is busy. */
export function defaultPoolSize(cores = globalThis.navigator?.hardwareConcurrency) {
  return Math.min(8, Math.max(2, cores || 2));
}

export class WorkerPool {
  /**
   * @param {object} options
   * @param {() => Worker} options.createWorker  makes one module worker running worker.js
   * @param {WebAssembly.Module|Promise<WebAssembly.Module>} [options.module]
   *   the compiled wasm, shared by every worker (otherwise each fetches its own)
   * @param {number} [options.size]
   * @param {(message: string) => void} [options.onWorkerLost]  told when a worker is replaced
   */
  constructor({ createWorker, module, size = defaultPoolSize(), onWorkerLost = () => {} }) {
    this.size = size;
    this.createWorker = createWorker;
    this.module = Promise.resolve(module);
    this.onWorkerLost = onWorkerLost;
    this.queue = [];
    this.backlog = [];
    this.slots = [];
    this.nextId = 1;
    this.failure = null;
    let settle;
    /** Resolves when the first worker is ready; rejects if the workers cannot start. */
    this.ready = new Promise((resolve, reject) => { settle = { resolve, reject }; });
    this.ready.catch(() => {});
    this.settleReady = settle;
    for (let i = 0; i < size; i++) this.slots.push(this.start());
  }

  /**
   * Runs `job` with `args` on the next free worker.
   * @param {string} job  a handler name in worker-jobs.js
   * @param {object} args  structured-cloneable
   * @param {object} [options]
   * @param {AbortSignal} [options.signal]  cancels: a queued job is dropped, a running one's worker is stopped
   * @param {Transferable[]} [options.transfer]  buffers in `args` to move rather than copy
   * @param {(progress: any) => void} [options.onProgress]  the job's own progress messages
   * @param {boolean} [options.background]  lowest priority: runs only when nothing else waits, on all workers but one
   * @returns {Promise<any>} the handler's result
   */
  run(job, args = {}, { signal, transfer = [], onProgress = () => {}, background = false } = {}) {
    if (this.failure) return Promise.reject(this.failure);
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise((resolve, reject) => {
      const task = { id: this.nextId++, job, args, transfer, onProgress, resolve, reject, signal, background };
      if (signal) {
        task.onAbort = () => this.cancel(task);
        signal.addEventListener('abort', task.onAbort, { once: true });
      }
      (background ? this.backlog : this.queue).push(task);
      this.dispatch();
    });
  }

  terminate() {
    for (const slot of this.slots) slot.worker.terminate();
    this.slots = [];
    this.fail(new Error('The worker pool was shut down.'));
  }

  start() {
    const slot = { worker: this.createWorker(), ready: false, task: null };
    slot.worker.addEventListener('message', (event) => this.receive(slot, event.data));
    slot.worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.lose(slot, `A worker stopped: ${event.message || 'it could not load or crashed'}.`);
    });
    slot.worker.addEventListener('messageerror', () => this.lose(slot, 'A worker sent a message the page could not read.'));
    this.module.then(
      (module) => slot.worker.postMessage({ type: 'init', module }),
      // A JobError already says why the studio cannot run (no random source); pass it on as it is.
      (error) => this.fail(error instanceof JobError ? error : new Error(`The studio's WebAssembly could not be loaded: ${error.message}`)),
    );
    return slot;
  }

  receive(slot, message) {
    const task = slot.task;
    switch (message.type) {
      case 'ready':
        slot.ready = true;
        this.settleReady.resolve();
        this.dispatch();
        return;
      case 'init-error':
        // Every worker would fail the same way (no wasm, no randomness): stop here.
        this.fail(new JobError(message.error));
        return;
      case 'progress':
        if (task && task.id === message.id) task.onProgress(message.progress);
        return;
      case 'result':
      case 'error':
        if (!task || task.id !== message.id) return;
        this.finish(slot);
        if (message.type === 'result') task.resolve(message.result);
        else task.reject(new JobError(message.error));
        if (message.error?.fatal) this.replace(slot, `A worker hit an internal error and was restarted: ${message.error.message}`);
        this.dispatch();
        return;
    }
  }

  /** The next task for a free worker: any waiting job first; background ones on all workers but one at most. */
  nextTask() {
    if (this.queue.length) return this.queue.shift();
    if (!this.backlog.length) return null;
    const free = this.slots.filter((slot) => slot.ready && !slot.task).length;
    const background = this.slots.filter((slot) => slot.task?.background).length;
    return free > 0 && background < Math.max(1, this.slots.length - 1) ? this.backlog.shift() : null;
  }

  dispatch() {
    for (const slot of this.slots) {
      if (!this.queue.length && !this.backlog.length) return;
      if (!slot.ready || slot.task) continue;
      const task = this.nextTask();
      if (!task) return;
      slot.task = task;
      try {
        slot.worker.postMessage({ type: 'job', id: task.id, job: task.job, args: task.args }, task.transfer);
      } catch (error) {
        this.finish(slot);
        task.reject(error);
      }
    }
  }

  finish(slot) {
    const task = slot.task;
    slot.task = null;
    if (task?.onAbort) task.signal.removeEventListener('abort', task.onAbort);
  }

  cancel(task) {
    const waiting = task.background ? this.backlog : this.queue;
    const queued = waiting.indexOf(task);
    if (queued >= 0) {
      waiting.splice(queued, 1);
    } else {
      const slot = this.slots.find((s) => s.task === task);
      if (!slot) return;
      this.finish(slot);
      // Wasm cannot be interrupted; stopping the worker is the only way to stop the job now.
      this.replace(slot, null);
    }
    task.reject(abortError(task.signal));
    this.dispatch();
  }

  /** A worker died under its job: the job fails with the reason, the worker is replaced. */
  lose(slot, reason) {
    const task = slot.task;
    this.finish(slot);
    if (!slot.ready && !task) {
      // It never started: a broken worker script or wasm; restarting would loop.
      this.fail(new Error(reason));
      return;
    }
    task?.reject(new Error(reason));
    this.replace(slot, reason);
    this.dispatch();
  }

  replace(slot, reason) {
    slot.worker.terminate();
    const index = this.slots.indexOf(slot);
    if (index < 0 || this.failure) return;
    this.slots[index] = this.start();
    if (reason) this.onWorkerLost(reason);
  }

  fail(error) {
    if (this.failure) return;
    this.failure = error;
    this.settleReady.reject(error);
    const tasks = [...this.queue.splice(0), ...this.backlog.splice(0)];
    for (const slot of this.slots) {
      if (slot.task) tasks.push(slot.task);
      this.finish(slot);
    }
    for (const task of tasks) {
      if (task.onAbort) task.signal.removeEventListener('abort', task.onAbort);
      task.reject(error);
    }
  }
}
