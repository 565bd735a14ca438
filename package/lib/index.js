// The main module in Node: the wasm is read from the package and instantiated
// on import, so every function is ready to call. (`init()` and `initSync()`
// are still exported and do nothing once it is loaded, so code written for
// the browser runs unchanged.)
import { readFileSync } from 'node:fs';
import { initSync } from '../pkg/cert_studio.js';

initSync({ module: readFileSync(new URL('../pkg/cert_studio_bg.wasm', import.meta.url)) });

export * from '../pkg/cert_studio.js';
export { default } from '../pkg/cert_studio.js';
