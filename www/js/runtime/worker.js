// One pool worker. It loads the studio's wasm once, then runs named jobs.
//
// The studio has two wasm modules from one crate (wasm-pack.toml): the main
// one (pkg/cert_studio.js), and the CA panel's (pkg/cert_studio_ca.js), which
// also has the import / inspect bindings. The worker loads the JS glue that
// matches the module it is given; without one it loads the main module.
//
// Protocol (pool.js is the other end):
//   page → worker  { type: 'init', module?: WebAssembly.Module }
//   worker → page  { type: 'ready' } | { type: 'init-error', error }
//   page → worker  { type: 'job', id, job, args }      (args: the job's one request object)
//   worker → page  { type: 'progress', id, progress }   (any number, optional)
//                  { type: 'result', id, result }       (buffers inside are transferred)
//                  { type: 'error', id, error: { name, message, field?, fatal? } }
// `fatal` means the wasm instance trapped and may be corrupt: the pool replaces
// this worker.

import { jobs, useBindings } from './worker-jobs.js';

/** The CA panel's module is the one that exports the CaSession class (import, signing). */
function glueFor(module) {
  const isCaModule = module && WebAssembly.Module.exports(module).some(({ name }) => name === 'casession_new');
  return isCaModule ? import('../../pkg/cert_studio_ca.js') : import('../../pkg/cert_studio.js');
}

function describe(error) {
  const fatal = error instanceof WebAssembly.RuntimeError;
  return {
    name: error?.name || 'Error',
    message: fatal
      ? `${error.message} (an internal error in the studio; please report it)`
      : String(error?.message ?? error),
    field: typeof error?.field === 'string' ? error.field : undefined,
    fatal,
  };
}

/** Every ArrayBuffer inside a result, so it is moved rather than copied. */
function transferables(value, found = new Set()) {
  if (ArrayBuffer.isView(value)) found.add(value.buffer);
  else if (value instanceof ArrayBuffer) found.add(value);
  else if (Array.isArray(value)) for (const item of value) transferables(item, found);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) transferables(item, found);
  return [...found];
}

async function start(module) {
  try {
    const bindings = await glueFor(module);
    await bindings.default(module ? { module_or_path: module } : undefined);
    bindings.checkRandomSource();
    useBindings(bindings);
    self.postMessage({ type: 'ready' });
  } catch (error) {
    self.postMessage({ type: 'init-error', error: describe(error) });
  }
}

async function runJob({ id, job, args }) {
  const handler = Object.hasOwn(jobs, job) ? jobs[job] : null;
  try {
    if (!handler) throw new Error(`The worker has no job called "${job}".`);
    const progress = (value) => self.postMessage({ type: 'progress', id, progress: value });
    const result = await handler(args, { progress });
    self.postMessage({ type: 'result', id, result }, transferables(result));
  } catch (error) {
    self.postMessage({ type: 'error', id, error: describe(error) });
  }
}

self.addEventListener('message', (event) => {
  const message = event.data;
  if (message.type === 'init') start(message.module);
  else if (message.type === 'job') runJob(message);
});
