// Where the studio's workers and wasm come from when it is served: module
// workers from js/worker.js, the wasm fetched from pkg/. The offline single
// file swaps this module for runtime-offline.js at build time
// (tools/build_single_file.py); nothing else differs between the two.

/** Compiled once here and shared, so each worker only instantiates it. */
async function compileWasm() {
  const url = new URL('../pkg/cert_studio_bg.wasm', import.meta.url);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.pathname} answered ${response.status}`);
  return WebAssembly.compileStreaming(response);
}

/** @returns {{ createWorker: () => Worker, module: Promise<WebAssembly.Module> }} */
export function studioRuntime() {
  return {
    createWorker: () => new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'studio-worker' }),
    module: compileWasm(),
  };
}
