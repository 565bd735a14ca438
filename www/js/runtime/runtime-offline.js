// The offline single file's workers and wasm: file:// pages may not start
// module workers or fetch, so the worker is a classic script from a Blob URL
// and the wasm is decoded from the page itself. offline-data.js exists only
// inside that build: tools/build_single_file.py writes it next to this file
// (the bundled worker.js as text, the wasm as base64) and bundles the page.
//
// The file carries one module, the CA panel's, which has every binding: it is
// read from disk, not fetched, so the served page's split into a small main
// module and a lazily fetched CA module would only make the file bigger. Both
// pools use it; worker.js picks the JS glue that matches it.

import { WASM_BASE64, WORKER_SOURCE } from './offline-data.js';

function decodeBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

let compiled = null;

function compileWasm() {
  compiled ??= Promise.resolve().then(() => WebAssembly.compile(decodeBase64(WASM_BASE64)));
  return compiled;
}

/** @returns {{ createWorker: () => Worker, module: Promise<WebAssembly.Module> }} */
export function studioRuntime() {
  const workerUrl = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  return {
    createWorker: () => new Worker(workerUrl, { name: 'studio-worker' }),
    module: compileWasm(),
  };
}

/** The CA panel's module: the same one here. */
export function caWasmModule() {
  return compileWasm();
}
