// The CA module in Node (every function of the main module, plus bring your
// own CA, inspect and renewals), instantiated on import like the main one.
// Imported CAs live in a CaSession (`new CaSession()`), freed with `free()`.
import { readFileSync } from 'node:fs';
import { initSync } from '../pkg/cert_studio_ca.js';

initSync({ module: readFileSync(new URL('../pkg/cert_studio_ca_bg.wasm', import.meta.url)) });

export * from '../pkg/cert_studio_ca.js';
export { default } from '../pkg/cert_studio_ca.js';
