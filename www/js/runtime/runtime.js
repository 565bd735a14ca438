// Where the studio's workers and wasm come from when it is served: module
// workers from js/runtime/worker.js, the wasm fetched from pkg/. The offline single
// file swaps this module for runtime-offline.js at build time
// (tools/build_single_file.py); nothing else differs between the two.
//
// Two wasm modules (wasm-pack.toml): the main one, which the page needs to be
// Ready, and the CA panel's (import, inspect, signing with an imported CA),
// fetched only when that panel is first used.

/** Compiled once here and shared, so each worker only instantiates it. */
async function compileWasm(file) {
  const url = new URL(`../../pkg/${file}`, import.meta.url);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.pathname} answered ${response.status}`);
  return WebAssembly.compileStreaming(response);
}

/** @returns {{ createWorker: () => Worker, module: Promise<WebAssembly.Module> }} */
export function studioRuntime() {
  return {
    createWorker: () => new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'studio-worker' }),
    module: compileWasm('cert_studio_bg.wasm'),
  };
}

let caModule = null;

/** The CA panel's module: fetched and compiled on the first call, then shared. */
export function caWasmModule() {
  caModule ??= compileWasm('cert_studio_ca_bg.wasm');
  return caModule;
}
