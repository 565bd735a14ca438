// Keys made ahead. While the page is open, idle and visible, the pool makes
// (at its lowest priority) the keys each opened generating tab's current
// settings need, and stretches its CA key password, so a press finds them
// ready. A set is handed out once and then forgotten: every Generate takes a
// fresh one, and the next is made afterwards. Settings that need other keys
// discard the set; a hidden tab stops the work and drops what was in making.
// Nothing leaves memory.

import { generateKeys } from './keys.js';
import { isRsa } from '../runtime/webcrypto.js';

/** Quiet time after the last input before keys are made ahead. */
const IDLE_MS = 800;

const sameList = (a, b) => a.length === b.length && a.every((item, i) => item === b[i]);

/**
 * @param {import('../runtime/pool.js').WorkerPool} pool
 * @param {object} [options]
 * @param {(shelf: string) => void} [options.onChange]  a shelf's set started, finished or went
 * @param {Document} [options.document]  watched for input (idle) and visibility
 */
export function createKeyStock(pool, { onChange = () => {}, document: page = globalThis.document } = {}) {
  /** owner → { need: {algorithms, generator, password} | null, keys: Piece | null, stretched: Piece | null } */
  const shelves = new Map();
  let timer = null;
  let held = false;

  const hidden = () => page?.visibilityState === 'hidden';

  function shelf(owner) {
    if (!shelves.has(owner)) shelves.set(owner, { need: null, keys: null, stretched: null });
    return shelves.get(owner);
  }

  /** Stops a piece in making (its keys are dropped with it). */
  function drop(piece) {
    piece?.controller.abort(new DOMException('Keys made ahead were discarded.', 'AbortError'));
  }

  /**
   * One piece of work made ahead: `promise`, its progress (`done` of `total`)
   * and who is told of it (`listener`, the press that took it).
   */
  function start(owner, kind, work, total) {
    const controller = new AbortController();
    const piece = { controller, done: 0, total, ready: false, listener: null, kind };
    piece.promise = work(controller.signal, (done) => {
      piece.done = done;
      piece.listener?.(done);
    });
    piece.promise.then(
      () => {
        piece.ready = true;
        onChange(owner);
      },
      () => {
        const current = shelves.get(owner);
        if (current?.[kind] === piece) current[kind] = null;
        onChange(owner);
      },
    );
    return piece;
  }

  /** Makes every missing set, the shelves in the order they were opened. */
  function fill() {
    timer = null;
    if (held || hidden()) return;
    for (const [owner, item] of shelves) {
      if (!item.need) continue;
      const { algorithms, generator, password } = item.need;
      if (!item.keys) {
        item.keys = start(owner, 'keys', (signal, progress) =>
          generateKeys(pool, algorithms, { signal, generator, background: true, onProgress: ({ done }) => progress(done) }), algorithms.length);
        onChange(owner);
      }
      if (password && !item.stretched) {
        item.stretched = start(owner, 'stretched', (signal) => pool.run('stretchCaPassword', { password }, { signal, background: true }), 1);
      }
    }
  }

  function schedule() {
    clearTimeout(timer);
    timer = held || hidden() ? null : setTimeout(fill, IDLE_MS);
  }

  page?.addEventListener('visibilitychange', () => {
    if (!hidden()) {
      schedule();
      return;
    }
    clearTimeout(timer);
    for (const [owner, item] of shelves) {
      // Work in making stops; finished sets stay (they are memory only).
      if (item.keys && !item.keys.ready) { drop(item.keys); item.keys = null; }
      if (item.stretched && !item.stretched.ready) { drop(item.stretched); item.stretched = null; }
      onChange(owner);
    }
  });
  // Typing or clicking delays the work: the page is not idle.
  for (const type of ['input', 'keydown', 'pointerdown']) page?.addEventListener(type, () => timer && schedule(), { capture: true, passive: true });

  return {
    /**
     * What `owner`'s settings now need (null: nothing, e.g. settings the core
     * refuses or a piece). Different keys discard the set made for the old
     * ones; a different password only the stretched password.
     * @param {string} owner
     * @param {{algorithms: string[], generator?: string, password?: string} | null} need
     */
    want(owner, need) {
      const item = shelf(owner);
      const next = need && { algorithms: need.algorithms, generator: need.generator ?? 'webcrypto', password: need.password || '' };
      const old = item.need;
      if (!next || !old || !sameList(next.algorithms, old.algorithms) || next.generator !== old.generator) {
        drop(item.keys);
        item.keys = null;
      }
      if (!next || !old || next.password !== old.password) {
        drop(item.stretched);
        item.stretched = null;
      }
      item.need = next;
      onChange(owner);
      schedule();
    },

    /** Nothing is made ahead while `on` (a Generate is running); afterwards the next set is started. */
    hold(on) {
      held = on;
      schedule();
    },

    /** `owner`'s set: `{ state: 'none' | 'making' | 'ready', algorithms, done, total }`. */
    state(owner) {
      const item = shelves.get(owner);
      if (!item?.keys || !item.need) return { state: 'none' };
      const { keys } = item;
      return { state: keys.ready ? 'ready' : 'making', algorithms: item.need.algorithms, done: keys.done, total: keys.total };
    },

    /**
     * Hands `owner`'s set to a press, if it was made for these `algorithms`,
     * `generator` and `password`, and forgets it: `{ keys?, stretched? }`,
     * promises of what generateKeys and the stretchCaPassword job give. A set
     * still in making comes along when it is one job (WebCrypto's RSA keys all
     * at once); one made key by key is dropped, since the press makes keys
     * faster on every worker. `signal` (the press's Cancel) stops it.
     */
    take(owner, { algorithms, generator = 'webcrypto', password = '' }, { signal, onProgress = () => {} } = {}) {
      const item = shelves.get(owner);
      const taken = {};
      if (!item?.need) return taken;
      const { keys, stretched } = item;
      if (keys && sameList(item.need.algorithms, algorithms) && item.need.generator === generator) {
        item.keys = null;
        const whole = keys.ready || (generator === 'webcrypto' && algorithms.length > 1 && algorithms.every(isRsa));
        if (whole) {
          signal?.addEventListener('abort', () => drop(keys), { once: true });
          keys.listener = (done) => onProgress({ phase: 'keys', done, total: keys.total });
          keys.listener(keys.done);
          taken.keys = keys.promise;
        } else {
          drop(keys);
        }
      }
      if (stretched && password && item.need.password === password) {
        item.stretched = null;
        signal?.addEventListener('abort', () => drop(stretched), { once: true });
        taken.stretched = stretched.promise;
      }
      onChange(owner);
      schedule();
      return taken;
    },
  };
}
