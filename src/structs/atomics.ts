// atomics.load/store/exchange/compareExchange on struct fields and SharedArray elements. Each is one
// sequentially consistent operation on the field's word (Atomics.* on the heap's Int32Array).

import { codes } from '../errors.js';
import { decodeWord, encodeFor, SharedHandle, STRUCT_HEADER, typeAt } from './core.js';
import { i32, K_ARRAY, K_STRUCT } from './heap.js';
import type { SharedArray } from './array.js';
import type { FieldsOf, SharedStructInstance } from './struct.js';
import type { Shareable } from './types.js';
import { describe } from './values.js';

/** The value type of field `K` of struct type `S` (or of elements of a SharedArray). */
type Target = SharedStructInstance | SharedArray<any>;
type KeyOf<S> = S extends SharedArray<any> ? number : FieldsOf<S>;
type ValueOf<S, K> = S extends SharedArray<infer T> ? T : K extends keyof S ? S[K] : never;

function slotOf(s: unknown, key: unknown): { slot: number; owner: number } {
  const a = SharedHandle.addrOf(s);
  const kind = a >= 0 ? i32[a]! & 0xff : -1;
  if (kind === K_STRUCT) {
    const info = typeAt(i32[a + 2]!);
    const off = typeof key === 'string' ? info.offsets.get(key) : undefined;
    if (off === undefined) throw codes.ERR_MODMAP_NO_SUCH_FIELD(String(key), info.names.join(', '));
    return { slot: a + off, owner: a };
  }
  if (kind === K_ARRAY) {
    const len = i32[a + 2]! >>> 0;
    if (typeof key !== 'number' || key >>> 0 !== key || key >= len) {
      throw codes.ERR_MODMAP_INDEX_OUT_OF_RANGE(String(key), len);
    }
    return { slot: a + STRUCT_HEADER + key, owner: a };
  }
  throw codes.ERR_MODMAP_INVALID_SHARED(describe(s), 'a shared struct or SharedArray');
}

/** Sequentially consistent field operations. Field names are checked at compile time and at run time (RangeError). */
export const atomics = {
  /** Read field `key` of `s` (a struct field name, or a SharedArray index). */
  load<S extends Target, K extends KeyOf<S>>(s: S, key: K): ValueOf<S, K> {
    const { slot } = slotOf(s, key);
    return decodeWord(Atomics.load(i32, slot)) as ValueOf<S, K>;
  },
  /** Write `value` to field `key` and return `value`. TypeError (field unchanged) for unshareable values. */
  store<S extends Target, K extends KeyOf<S>>(s: S, key: K, value: ValueOf<S, K>): ValueOf<S, K> {
    const { slot, owner } = slotOf(s, key);
    Atomics.store(i32, slot, encodeFor(value, owner, slot));
    return value;
  },
  /** Write `value` and return the previous value, in one step. */
  exchange<S extends Target, K extends KeyOf<S>>(s: S, key: K, value: ValueOf<S, K>): ValueOf<S, K> {
    const { slot, owner } = slotOf(s, key);
    return decodeWord(Atomics.exchange(i32, slot, encodeFor(value, owner, slot))) as ValueOf<S, K>;
  },
  /**
   * If the field's value is SameValue to `expected` (strings and bigints by value, -0 distinct from 0, NaN equal
   * to NaN, shared objects by identity), replace it with `replacement`. Returns the value found.
   */
  compareExchange<S extends Target, K extends KeyOf<S>>(
    s: S,
    key: K,
    expected: ValueOf<S, K>,
    replacement: ValueOf<S, K>,
  ): ValueOf<S, K> {
    const { slot, owner } = slotOf(s, key);
    const w = encodeFor(replacement, owner, slot);
    for (;;) {
      const cur = Atomics.load(i32, slot);
      const value = decodeWord(cur);
      if (!Object.is(value, expected)) return value as ValueOf<S, K>;
      // The word may hold a different box with the same value; compare-and-swap on the word we decoded.
      if (Atomics.compareExchange(i32, slot, cur, w) === cur) return value as ValueOf<S, K>;
    }
  },
} as const;

export type { Shareable };
