// SharedArray: a fixed-length array in the shared heap, elements with field semantics.
// Block: [K_ARRAY, size, length (uint32), gc word, element 0, element 1, ...]
//
// Access: `a.get(i)` / `a.set(i, v)` / `a.at(i)` and `length` are the fast path (see "Fast paths" at the end).
// `a[i]` also works, through a Proxy placed *behind* SharedArray.prototype in the prototype chain: methods and
// `length` are found before the Proxy, so only integer keys reach its traps (about ×35 slower than get/set).

import { codes } from '../errors.js';
import { canBeShared, decodeWord, encodeFor, readSlot, registerKind, SharedHandle } from './core.js';
import { alloc, ensureHeap, heap, i32, K_ARRAY, onViewsChanged } from './heap.js';
import { describe } from './values.js';
import type { Shareable } from './types.js';

const HEADER = 4;
const MAX_LENGTH = 2 ** 32 - 2;

function arrayAddr(v: unknown): number {
  const a = SharedHandle.addrOf(v);
  if (a < 0 || (i32[a]! & 0xff) !== K_ARRAY) throw codes.ERR_MODMAP_INVALID_SHARED(describe(v), 'a SharedArray');
  return a;
}

function lengthAt(a: number): number {
  return i32[a + 2]! >>> 0;
}

function allocArray(length: number): number {
  ensureHeap();
  if (length + HEADER > heap.maxWords) throw codes.ERR_MODMAP_HEAP_EXHAUSTED((length + HEADER) * 4, heap.sab!.byteLength);
  const size = HEADER + length;
  const a = alloc(size);
  i32[a + 1] = (size + 1) & ~1; // size and kind first: the heap stays walkable (collect.ts)
  i32[a] = K_ARRAY;
  i32[a + 2] = length | 0;
  return a;
}

function prepare(args: unknown[]): { length: number; values: unknown[] | null } {
  if (args.length === 1 && typeof args[0] === 'number') {
    const n = args[0];
    if (!Number.isInteger(n) || n < 0 || n > MAX_LENGTH) throw codes.ERR_MODMAP_INVALID_LENGTH(String(n));
    return { length: n, values: null };
  }
  for (let i = 0; i < args.length; i++) {
    if (!canBeShared(args[i])) throw codes.ERR_MODMAP_NOT_SHAREABLE(`element ${i} of a SharedArray`, describe(args[i]));
  }
  return { length: args.length, values: args };
}

/**
 * A fixed-length shared array. `new SharedArray(n)` makes `n` undefined elements (one numeric argument is a
 * length, as with Array); `new SharedArray(a, b, c)` makes an array of those values.
 * @example
 * const a = new SharedArray<number>(3); a.set(0, 42); a[1] = 7; a.get(0) === 42; a.length === 3;
 */
export class SharedArray<T extends Shareable = Shareable> extends SharedHandle {
  [index: number]: T;

  constructor(length: number);
  constructor(...values: NoInfer<T>[]);
  constructor(...args: unknown[]) {
    const { length, values } = prepare(args);
    const a = allocArray(length);
    super(a);
    if (values !== null) {
      // Encoding may allocate boxes; a failure leaves an unreachable array and nothing else changed.
      for (let i = 0; i < length; i++) Atomics.store(i32, a + HEADER + i, encodeFor(values[i], a, a + HEADER + i));
    }
  }

  /** Number of elements (fixed). */
  get length(): number {
    return lengthAt(arrayAddr(this));
  }

  /** Element `i`, or undefined when `i` is not an index inside the array. */
  get(i: number): T {
    const a = arrayAddr(this);
    if (i >>> 0 === i && i < lengthAt(a)) {
      const s = a + HEADER + i;
      const w = i32[s]!;
      return ((w & 1) !== 0 ? w >> 1 : readSlot(s, w)) as T;
    }
    return undefined as T;
  }

  /** Store `v` at index `i`. RangeError outside the array; TypeError (element unchanged) for unshareable values. */
  set(i: number, v: T): void {
    const a = arrayAddr(this);
    if (!(i >>> 0 === i && i < lengthAt(a))) throw codes.ERR_MODMAP_INDEX_OUT_OF_RANGE(String(i), lengthAt(a));
    const s = a + HEADER + i;
    // Small integers mostly take the fast path below ("Fast paths"); encodeFor gives them the same word.
    const w = encodeFor(v, a, s);
    // Numbers need no release (small integers are the word itself; boxes validate themselves, see values.ts);
    // other boxes and references do.
    if (typeof v === 'number') i32[s] = w;
    else Atomics.store(i32, s, w);
  }

  /** Element at `i`, counting from the end for negative `i` (like Array.prototype.at). */
  at(i: number): T {
    const len = lengthAt(arrayAddr(this));
    const k = Math.trunc(Number(i)) || 0;
    return this.get(k < 0 ? len + k : k);
  }

  *[Symbol.iterator](): IterableIterator<T> {
    const a = arrayAddr(this);
    const len = lengthAt(a);
    for (let i = 0; i < len; i++) yield decodeWord(Atomics.load(i32, a + HEADER + i)) as T;
  }

  toJSON(): T[] {
    return [...this];
  }

  [Symbol.for('nodejs.util.inspect.custom')](depth: number, options: { depth?: number | null }, inspect: (v: unknown, o: object) => string): string {
    if (depth < 0) return `[SharedArray(${this.length})]`;
    const nested = { ...options, depth: options.depth === null || options.depth === undefined ? null : options.depth - 1 };
    return `SharedArray(${this.length}) ${inspect([...this], nested)}`;
  }

  /** True for SharedArray handles. */
  static isSharedArray(v: unknown): v is SharedArray {
    const a = SharedHandle.addrOf(v);
    return a >= 0 && (i32[a]! & 0xff) === K_ARRAY;
  }
}

function indexOf(key: string | symbol): number {
  if (typeof key !== 'string') return -1;
  const n = Number(key);
  return Number.isInteger(n) && n >= 0 && n <= MAX_LENGTH && String(n) === key ? n : -1;
}

const indexTraps: ProxyHandler<object> = {
  get(target, key, receiver) {
    const i = indexOf(key);
    if (i >= 0 && SharedArray.isSharedArray(receiver)) return (receiver as SharedArray).get(i);
    return Reflect.get(target, key, receiver);
  },
  set(target, key, value, receiver) {
    const i = indexOf(key);
    if (i >= 0 && SharedArray.isSharedArray(receiver)) {
      const arr = receiver as SharedArray;
      if (i >= arr.length) return false;
      arr.set(i, value as Shareable);
      return true;
    }
    if (SharedArray.isSharedArray(receiver)) return false; // sealed: no new properties
    return Reflect.set(target, key, value, receiver);
  },
  has(target, key) {
    return Reflect.has(target, key);
  },
};

Object.setPrototypeOf(SharedArray.prototype, new Proxy(Object.create(SharedHandle.prototype) as object, indexTraps));
registerKind(K_ARRAY, SharedArray);

// ---------------------------------------------------------------------------------------------------------
// Fast paths. The methods above read the heap through `i32`, a mutable module binding, and find the address with
// SharedHandle.addrOf (a `#a in v` test and a released check), then check the kind and the length in separate
// calls: `a.get(i)` took ~8 ns in a loop where a plain array takes 1. The versions installed here capture the
// current view as a constant, as the struct field accessors do (V8 folds its base and length), and are installed
// again when the views change. They take the private address directly (SharedHandle.addr), test the kind, the
// length and the index against the block, and handle small integers inline: ~4.5–5 ns. Anything else (another
// object as `this`, a released handle, an index outside the array, a value that needs encoding) goes to the
// methods above, which give the same result or the same coded error as before. A released handle's address is
// past every view, so its kind reads as undefined.

const slow = {
  get: SharedArray.prototype.get,
  set: SharedArray.prototype.set,
  length: Object.getOwnPropertyDescriptor(SharedArray.prototype, 'length')!.get!,
};

function installFastPaths(view: Int32Array<ArrayBufferLike>): void {
  const proto = SharedArray.prototype;
  const viewLength = view.length;
  /** The block address of an array handle whose header this view holds, else -1 (the slow path then decides). */
  const arrayAt = (h: unknown): number => {
    let a: number;
    try {
      a = SharedHandle.addr(h as SharedHandle);
    } catch {
      return -1; // not a handle: the slow path throws ERR_MODMAP_INVALID_SHARED
    }
    const head = view[a];
    return head !== undefined && (head & 0xff) === K_ARRAY ? a : -1;
  };
  Object.defineProperty(proto, 'get', {
    value: function get(this: SharedArray, i: number): unknown {
      const a = arrayAt(this);
      if (a >= 0 && i >>> 0 === i && i < view[a + 2]! >>> 0) {
        const s = a + HEADER + i;
        const w = view[s]!;
        // Past this view, w is undefined and readSlot re-reads the word from the current one.
        return (w & 1) !== 0 ? w >> 1 : readSlot(s, w);
      }
      return slow.get.call(this, i);
    },
    writable: true,
    enumerable: false,
    configurable: true,
  });
  Object.defineProperty(proto, 'set', {
    value: function set(this: SharedArray, i: number, v: Shareable): void {
      const a = arrayAt(this);
      // The block may end past this view (an old `set` kept across heap growth): a store there would be dropped.
      if (a >= 0 && typeof v === 'number' && i >>> 0 === i && i < view[a + 2]! >>> 0 && a + HEADER + i < viewLength) {
        const w = (v << 1) | 1;
        // Small integers are one self-contained word: a plain (tear-free) Int32 store is enough.
        if (w >> 1 === v && (v !== 0 || 1 / v > 0)) {
          view[a + HEADER + i] = w;
          return;
        }
      }
      slow.set.call(this, i, v);
    },
    writable: true,
    enumerable: false,
    configurable: true,
  });
  Object.defineProperty(proto, 'length', {
    get: function length(this: SharedArray): number {
      const a = arrayAt(this);
      return a >= 0 ? view[a + 2]! >>> 0 : slow.length.call(this);
    },
    enumerable: false,
    configurable: true,
  });
}

installFastPaths(i32);
onViewsChanged(installFastPaths);
