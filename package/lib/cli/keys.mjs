// A set of keys made at once across the worker pool (each key its own job,
// so RSA prime searches spread over the cores), and the CA key password
// stretched natively meanwhile.

import { pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

/** PKCS#8 DER keys, one per entry of `algorithms`, in that order. */
export async function makeKeys(pool, algorithms, generator, progress) {
  let done = 0;
  progress.update(`Making keys: 0 of ${algorithms.length}`, { force: true });
  return Promise.all(
    algorithms.map(async (algorithm) => {
      const [key] = await pool.run('makeKeys', { algorithms: [algorithm], generator });
      progress.update(`Making keys: ${++done} of ${algorithms.length}`);
      return key;
    }),
  );
}

/** `{ salt, iterations, key }` for the core (PBKDF2-SHA256), or undefined when the CA keys are not encrypted. */
export async function stretchPassword(password, rounds) {
  if (!password) return undefined;
  const salt = new Uint8Array(randomBytes(16));
  const key = await promisify(pbkdf2)(password, salt, rounds, 32, 'sha256');
  return { salt, iterations: rounds, key: new Uint8Array(key) };
}
