// The object model: handles, field slots, the per-agent identity cache and struct type descriptors.
//
// A handle is a small, non-extensible JS object whose only state is the private word address `#a` of its
// block in the shared heap. Fields are accessors on a prototype modmap owns (the base class returned by
// SharedStruct), so a field access is: load #a, load one Int32 word, test its tag.

import { codes } from '../errors.js';
import { classForKey, keyOfClass, onModuleJoined, setStructClassPredicate, type StructKey } from '../registry.js';
import {
  alloc,
  keepReleased,
  takeReleased,
  ensureHeap,
  ensureMapped,
  heap,
  onViewsChanged,
  i32,
  H_TYPES,
  K_ARRAY,
  K_BIGINT,
  K_CONDITION,
  K_F64,
  K_FILLER,
  K_MUTEX,
  K_STRING,
  K_STRUCT,
  K_TYPE,
} from './heap.js';
import {
  boxBigInt,
  boxNumber,
  boxString,
  describe,
  readBigInt,
  readNumberBox,
  tryReadNumberBox,
  readString,
  W_FALSE,
  W_NULL,
  W_TRUE,
  W_UNDEFINED,
} from './values.js';

const IMMEDIATES = [undefined, null, false, true] as const;

/** Words before the first field of a struct: [kind, size, type descriptor, gc word]. */
export const STRUCT_HEADER = 4;

/**
 * The address of a released handle (see "Explicit release"): above every block address (the heap has at most
 * 2^30 words), so field accessors fall through to readSlot/writeSlot, which throw ERR_MODMAP_RELEASED.
 */
export const RELEASED = 0x7fff0000;

export class SharedHandle {
  #a: number;
  /** True once the handle is in the identity cache (its address escaped to shared memory or a message). */
  #r = false;

  constructor(a: number) {
    this.#a = a;
    Object.preventExtensions(this);
    // Every handle is one of this agent's roots until the engine has collected it (collect.ts "Roots").
    finalizer.register(this, a);
    rootAdd(a);
  }

  /** The block address of a handle, or -1 for anything else. */
  static addrOf(v: unknown): number {
    if (typeof v === 'object' && v !== null && #a in v) {
      const a = (v as SharedHandle).#a;
      if (a >= RELEASED) throw codes.ERR_MODMAP_RELEASED('This shared struct');
      return a;
    }
    return -1;
  }

  /**
   * Make the handle unusable (its address becomes RELEASED, so every access throws ERR_MODMAP_RELEASED) and
   * return whether its address had escaped (stored in shared memory or encoded for a message).
   */
  static poison(h: SharedHandle): boolean {
    h.#a = RELEASED;
    return h.#r;
  }

  /** The block address; throws a TypeError (from the engine's brand check) for a non-handle. */
  static addr(h: SharedHandle): number {
    return h.#a;
  }

  /** Mark the handle as registered; returns false if it already was. */
  static claimRegistration(h: SharedHandle): boolean {
    if (h.#r) return false;
    h.#r = true;
    return true;
  }

  /**
   * Accessor pair for the word at offset `off` of the block, reading through `view` (the heap's Int32Array when
   * the accessor was made). Kept tiny so that V8 inlines it at the call site; the view is a closure constant so
   * that V8 folds its base and length. When the heap grows, installFieldAccessors re-installs fresh accessors; an
   * old accessor still works (an index past its view falls through to the slow paths, which use the new view).
   *
   * With `slow`, the getter is the integer-specialised one (see "Integer fields" below installFieldAccessors): a
   * word without the integer tag makes it index INT_PROBE out of bounds and call `slow`, which replaces it.
   */
  static fieldAccessor(
    off: number,
    enumerable: boolean,
    v: Int32Array<ArrayBufferLike>,
    slow?: (s: number, w: number) => unknown,
  ): PropertyDescriptor {
    const view = v;
    const length = v.length;
    const general = function (this: SharedHandle): unknown {
      const s = this.#a + off;
      const w = view[s]!;
      return (w & 1) !== 0 ? w >> 1 : readSlot(s, w);
    };
    const onlyInts = slow;
    const integer = function (this: SharedHandle): unknown {
      const s = this.#a + off;
      const w = view[s]!;
      // In bounds exactly when w carries the integer tag; never undefined then.
      return INT_PROBE[~w & 1] !== undefined ? w >> 1 : onlyInts!(s, w);
    };
    return {
      get: onlyInts === undefined ? general : integer,
      set(this: SharedHandle, v: unknown): void {
        const s = this.#a + off;
        if (typeof v === 'number' && s < length) {
          const w = (v << 1) | 1;
          // Small integers are one self-contained word: a plain (tear-free) Int32 store is enough.
          if (w >> 1 === v && (v !== 0 || 1 / v > 0)) {
            view[s] = w;
            return;
          }
        }
        writeSlot(s, v, this);
      },
      enumerable,
      // Configurable only so that modmap can re-install them when the heap grows; instances stay sealed.
      configurable: true,
    };
  }

  /**
   * The first accessors of a field in Node (see "Tiers" below installFieldAccessors): the general ones, plus a call
   * to `use` on every access, told whether the access involved something other than a small integer. Closures of
   * one literal, so cheap to make; their shared feedback does not matter, because `use` replaces them once the
   * field is in use.
   */
  static countingAccessor(off: number, v: Int32Array<ArrayBufferLike>, use: (other: boolean) => void): PropertyDescriptor {
    const view = v;
    const set = SharedHandle.fieldAccessor(off, true, v).set!;
    return {
      get(this: SharedHandle): unknown {
        const s = this.#a + off;
        const w = view[s];
        if (w === undefined) return readSlot(s, w!); // past this view: a released handle, or a stale view
        use((w & 1) === 0);
        return (w & 1) !== 0 ? w >> 1 : readSlot(s, w);
      },
      set(this: SharedHandle, v: unknown): void {
        set.call(this, v);
        // What was stored, judged by its word as the getter judges it (undefined past this view: not counted).
        const w = view[this.#a + off];
        if (w !== undefined) use((w & 1) === 0);
      },
      enumerable: true,
      configurable: true,
    };
  }

  /**
   * A copy of fieldAccessor, compiled afresh for one field. Closures of one function literal share V8's feedback:
   * with shared accessors, the `#a` load sees the handle map of every struct class whose fields this agent reads. At
   * five it goes megamorphic, and Node 20 and 22 then compile it as a generic lookup, ×14–17 per method call
   * (`methodCallFiveTypes` in BENCHMARKS.md). A copy made by direct eval gets feedback of its own. The eval sits
   * inside the class so that `#a` resolves. The serial number in the text keeps V8's eval cache from returning an
   * earlier copy. A direct eval costs ~0.1 ms here, so each field keeps its copy and calls it again whenever its
   * accessors are re-made. Returns undefined where the host forbids code generation from strings.
   */
  static fieldAccessorCopy(): typeof SharedHandle.fieldAccessor | undefined {
    fieldAccessorSource ??= SharedHandle.fieldAccessor.toString();
    try {
      return eval(`({ ${fieldAccessorSource} }) /* ${++accessorCopies} */`).fieldAccessor;
    } catch (e) {
      if (e instanceof EvalError) return undefined;
      throw e;
    }
  }
}

let fieldAccessorSource: string | undefined;
let accessorCopies = 0;
/**
 * Whether fields get accessors of their own (SharedHandle.fieldAccessorCopy). On in Node. Off in browsers: there a
 * Content-Security-Policy without 'unsafe-eval' would report a violation, and the shared accessors are what runs.
 * Switched off for good the first time the host refuses the eval.
 */
let ownAccessors = typeof (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions?.node === 'string';

/**
 * Whether a field starts with the integer-specialised getter: only with accessors of its own, and only on V8 12 and
 * later (Node 22+). On Node 20's V8 11 that shape is slower than the general one (BENCHMARKS.md "Field access").
 */
const integerFirst =
  ownAccessors &&
  Number(/^(\d+)/.exec((globalThis as { process?: { versions?: { v8?: string } } }).process?.versions?.v8 ?? '')?.[1] ?? 0) >= 12;

/** One element, so that an index of 1 (a word without the integer tag) is out of bounds. */
const INT_PROBE = new Int32Array(1);

interface FieldEntry {
  proto: object;
  names: readonly string[];
  first: number;
  /** Per field: true once the field has held something other than a small integer in this agent. */
  general: boolean[];
  /** Per field: accesses left before the field gets accessors of its own; 0 once it has them. */
  budget: number[];
  /** Per field: its own copy of fieldAccessor (SharedHandle.fieldAccessorCopy), made when its budget runs out. */
  copies: (typeof SharedHandle.fieldAccessor | undefined)[];
}

/** Accesses to a field (reads and writes, in one agent) before it gets accessors of its own. */
const FIELD_BUDGET = 256;

// Every prototype that carries field accessors, so they can be re-installed with the new view after growth.
const fieldProtos: FieldEntry[] = [];

function installOne(entry: FieldEntry, i: number, view: Int32Array<ArrayBufferLike>): void {
  const off = STRUCT_HEADER + entry.first + i;
  if (ownAccessors && entry.budget[i]! > 0) {
    const use = (other: boolean): void => {
      if (other) entry.general[i] = true;
      if (--entry.budget[i]! === 0) installOne(entry, i, i32);
    };
    Object.defineProperty(entry.proto, entry.names[i]!, SharedHandle.countingAccessor(off, view, use));
    return;
  }
  let copy = entry.copies[i];
  if (copy === undefined && ownAccessors) {
    copy = entry.copies[i] = SharedHandle.fieldAccessorCopy();
    if (copy === undefined) ownAccessors = false;
  }
  let desc: PropertyDescriptor;
  if (copy === undefined) desc = SharedHandle.fieldAccessor(off, true, view);
  else {
    const slow = integerFirst && !entry.general[i] ? (s: number, w: number): unknown => generalize(entry, i, s, w) : undefined;
    desc = copy(off, true, view, slow);
  }
  Object.defineProperty(entry.proto, entry.names[i]!, desc);
}

function installOn(entry: FieldEntry, view: Int32Array<ArrayBufferLike>): void {
  for (let i = 0; i < entry.names.length; i++) installOne(entry, i, view);
}

/**
 * The slow path of an integer-specialised getter: the field's word `w` (at word `s`) is not a small integer. The
 * field gets the general getter for good, and this read is answered by readSlot. `w` is undefined when the index
 * was past the getter's view (a released handle, or a view from before the heap grew); that says nothing about the
 * field, so the getter stays.
 */
function generalize(entry: FieldEntry, i: number, s: number, w: number): unknown {
  if (typeof w === 'number' && !entry.general[i]) {
    entry.general[i] = true;
    installOne(entry, i, i32);
  }
  return readSlot(s, w);
}

/** Define accessors for `names` (fields number `first`, `first + 1`, ...) on `proto`. */
export function installFieldAccessors(proto: object, names: readonly string[], first: number): void {
  // No heap yet (e.g. a worker that defines classes before it attaches): the accessors get the real view when
  // the heap is created or attached, through onViewsChanged.
  const entry: FieldEntry = { proto, names, first, general: names.map(() => false), budget: names.map(() => FIELD_BUDGET), copies: [] };
  fieldProtos.push(entry);
  installOn(entry, i32);
}

onViewsChanged((view) => {
  for (const entry of fieldProtos) installOn(entry, view);
});

// Tiers. In Node a field starts with the counting accessors (SharedHandle.countingAccessor), closures of one
// literal: defining a class costs what it did with shared accessors (an 8-field class: ~30 µs; with a copy per
// field from the start it was ~1.1 ms, since each direct eval and first call costs ~0.1 ms). After FIELD_BUDGET
// accesses in this agent the field gets a copy of its own, so only fields in use pay for one. The copy's getter is
// the integer one if every access so far involved only small integers and V8 is 12 or later, else the general one.
//
// Integer fields. The general getter tests the tag and calls readSlot on the other branch. While that call has
// never run, Turbofan (V8 12+) compiles it as a deopt inside the inlined getter, and leaves the caller's loop
// unpeeled, with its accumulator boxed: methodCall ×3.4 on Node 22 and 24. The integer getter turns the tag test
// into a bounds check on INT_PROBE instead. Turbofan compiles that check as an eager deopt and then knows the
// element is defined, so the slow branch folds away: ×2.0. Once a getter has seen a word without the integer tag,
// V8 would compile the out-of-bounds case in (18.5 ns a read), so the first such word replaces the getter with
// the general one (generalize), for that field of that class in this agent, and for good.

// ---------------------------------------------------------------------------------------------------------
// Slots: reading and writing one word with full value semantics.

/**
 * Words of shared-object references carry this bit (addresses are below 2^30 words, the 4 GiB reservation), so
 * that a reference can be resolved from the identity cache without touching the referenced block.
 */
export const OBJ_TAG = 0x40000000;

/** Read a slot whose plain read gave the even word `w` (an immediate, an object reference or a box address). */
export function readSlot(slot: number, w: number): unknown {
  if (w < 8) return IMMEDIATES[w >> 1];
  if (w >= OBJ_TAG) {
    // A shared object: if this agent already has its handle, no byte of the block needs to be read.
    const o = hot[(w >>> 2) & HOT_MASK];
    if (o !== undefined && SharedHandle.addr(o) === (w ^ OBJ_TAG)) return o;
  } else if (w + 4 <= i32.length && i32[w] === K_F64) {
    // A number box validates itself (see values.ts), so it needs no atomic re-read.
    const n = tryReadNumberBox(w);
    if (n !== undefined) return n;
  }
  if (slot >= RELEASED) throw codes.ERR_MODMAP_RELEASED('This shared struct');
  // Otherwise re-read the word with an atomic load, so that the block it names is visible (this
  // synchronizes-with the Atomics.store that published it). The atomic read may see a newer word; that is the
  // value we return.
  return decodeWord(Atomics.load(i32, slot));
}

/** Decode a word obtained by an atomic read. */
export function decodeWord(w: number): unknown {
  if ((w & 1) !== 0) return w >> 1;
  if (w < 8) return IMMEDIATES[w >> 1];
  if (w >= OBJ_TAG) return canonical(w ^ OBJ_TAG);
  return decodeBox(w);
}

function decodeBox(p: number): unknown {
  if (p + 4 > i32.length) ensureMapped(p + 4);
  let kind = i32[p]! & 0xff;
  // Number boxes are published with a plain store; their kind word may not be visible yet (see values.ts).
  for (let spins = 0; kind === 0 && spins < 1e7; spins++) kind = Atomics.load(i32, p) & 0xff;
  switch (kind) {
    case K_F64:
      return readNumberBox(p);
    case K_STRING:
      return readString(p);
    case K_BIGINT:
      return readBigInt(p);
    default:
      throw codes.ERR_MODMAP_INVALID_SHARED(`The word at address ${p} (kind ${kind})`, 'a shared value');
  }
}

/** What encode() returns for a value that cannot be shared (no valid word is negative and even). */
export const NOT_SHAREABLE = -2;

/**
 * Encode `v` into a word, allocating a box if it needs one. Returns NOT_SHAREABLE (and allocates nothing) for
 * values that cannot be shared; callers throw with the destination's name (built only then, off the hot path).
 */
export function encode(v: unknown): number {
  switch (typeof v) {
    case 'number': {
      const w = (v << 1) | 1;
      if (w >> 1 === v && (v !== 0 || 1 / v > 0)) return w;
      return boxNumber(v);
    }
    case 'string':
      return boxString(v);
    case 'boolean':
      return v ? W_TRUE : W_FALSE;
    case 'undefined':
      return W_UNDEFINED;
    case 'bigint':
      return boxBigInt(v);
    case 'object': {
      if (v === null) return W_NULL;
      const a = SharedHandle.addrOf(v);
      if (a >= 0) {
        escape(v as SharedHandle, a);
        return a | OBJ_TAG;
      }
      break;
    }
  }
  return NOT_SHAREABLE;
}

/** Encode `v` for `slot` of the block at `owner`, or throw ERR_MODMAP_NOT_SHAREABLE naming that field. */
export function encodeFor(v: unknown, owner: number, slot: number): number {
  const w = encode(v);
  if (w === NOT_SHAREABLE) throw codes.ERR_MODMAP_NOT_SHAREABLE(slotName(owner, slot), describe(v));
  return w;
}

/** Can `v` be stored in a field? Exactly the values encode() accepts. */
export function canBeShared(v: unknown): boolean {
  switch (typeof v) {
    case 'number':
    case 'string':
    case 'boolean':
    case 'undefined':
    case 'bigint':
      return true;
    case 'object':
      return v === null || SharedHandle.addrOf(v) >= 0;
    default:
      return false;
  }
}

export function writeSlot(slot: number, v: unknown, owner: SharedHandle): void {
  if (slot >= RELEASED) throw codes.ERR_MODMAP_RELEASED('This shared struct');
  const w = encode(v);
  if (w === NOT_SHAREABLE) throw codes.ERR_MODMAP_NOT_SHAREABLE(slotName(SharedHandle.addr(owner), slot), describe(v));
  // Numbers (inline or self-validating boxes) need no release; everything else is published with Atomics.store.
  if (typeof v === 'number') i32[slot] = w;
  else Atomics.store(i32, slot, w);
}

/** A readable name for `slot` of the block at `a` (for error messages). */
export function slotName(a: number, slot: number): string {
  if (a < 0) return 'a shared value';
  const kind = i32[a]! & 0xff;
  if (kind === K_STRUCT) {
    const info = typeAt(i32[a + 2]!);
    return `field ${JSON.stringify(info.names[slot - a - STRUCT_HEADER])} of ${info.className}`;
  }
  if (kind === K_ARRAY) return `element ${slot - a - 4} of a SharedArray`;
  return 'a shared slot';
}

// ---------------------------------------------------------------------------------------------------------
// Identity: one JS object per shared block per agent.
//
// `weak` maps an address to a WeakRef of its handle; a FinalizationRegistry removes dead entries. WeakRef.deref
// is slow in V8 (measured ~190 ns), so a direct-mapped array of strong references to recently used handles sits
// in front of it. That array is bounded (HOT_SIZE entries) and is emptied 2 s after it was last filled, so it
// delays collection of a handle by at most that long and never leaks.

const HOT_BITS = 18;
const HOT_SIZE = 1 << HOT_BITS;
const HOT_MASK = HOT_SIZE - 1;
const HOT_AGE_MS = 2000;

// Allocated on first use: filling 2^18 slots costs ~2 ms, which every agent would otherwise pay at start-up
// whether or not it ever touches a struct. Until then a one-slot array of the same elements kind answers every
// read with undefined (the slow path), so the reads in the hot paths see one array shape.
const newHot = (n: number): (SharedHandle | undefined)[] => new Array<SharedHandle | undefined>(n).fill(undefined);
let hot = newHot(1);
let hotReady = false;
let hotTimer: unknown = null;
const weak = new Map<number, WeakRef<SharedHandle>>();
const finalizer = new FinalizationRegistry<number>((a) => {
  if (releasedPending.size === 0 || !consumeReleased(a)) rootRemove(a);
  const ref = weak.get(a);
  if (ref !== undefined && ref.deref() === undefined) weak.delete(a);
});

// ---------------------------------------------------------------------------------------------------------
// Roots: the addresses of this agent's live handles, with a count (an agent may briefly have two handles for one
// address: one the engine has collected but whose finalizer has not run yet, and a fresh canonical one). An
// open-addressing table in typed arrays: adding costs a few ns (a Map measured ~200 ns per new handle), and the
// collector's safepoint walks it to mark this agent's roots in the shared heap. A dead handle stays a root until
// its finalizer runs (after the engine collected it and the agent's event loop turned): conservative, never unsafe.

let rootBits = 10;
let rootKeys = new Int32Array(1 << rootBits);
let rootCounts = new Int32Array(1 << rootBits);
let rootSize = 0;

function rootHome(a: number): number {
  return Math.imul(a, 0x9e3779b1) >>> (32 - rootBits);
}

function rootAdd(a: number): void {
  const mask = (1 << rootBits) - 1;
  let i = rootHome(a);
  for (;;) {
    const k = rootKeys[i]!;
    if (k === a) {
      rootCounts[i]!++;
      return;
    }
    if (k === 0) {
      rootKeys[i] = a;
      rootCounts[i] = 1;
      if (++rootSize * 2 > mask) rootGrow();
      return;
    }
    i = (i + 1) & mask;
  }
}

function rootGrow(): void {
  const keys = rootKeys;
  const counts = rootCounts;
  rootBits++;
  rootKeys = new Int32Array(1 << rootBits);
  rootCounts = new Int32Array(1 << rootBits);
  const mask = (1 << rootBits) - 1;
  for (let j = 0; j < keys.length; j++) {
    const k = keys[j]!;
    if (k === 0) continue;
    let i = rootHome(k);
    while (rootKeys[i] !== 0) i = (i + 1) & mask;
    rootKeys[i] = k;
    rootCounts[i] = counts[j]!;
  }
}

function rootRemove(a: number): void {
  const mask = (1 << rootBits) - 1;
  let i = rootHome(a);
  for (;;) {
    const k = rootKeys[i]!;
    if (k === 0) return; // not a root (cannot happen: every handle added itself)
    if (k === a) break;
    i = (i + 1) & mask;
  }
  if (--rootCounts[i]! > 0) return;
  rootSize--;
  // Backward-shift deletion: no tombstones, so lookups stay short however long the agent runs.
  let j = i;
  for (;;) {
    j = (j + 1) & mask;
    const k = rootKeys[j]!;
    if (k === 0) break;
    const h = rootHome(k);
    // Move k into the hole at i unless its home lies cyclically in (i, j].
    if (i <= j ? h <= i || h > j : h <= i && h > j) {
      rootKeys[i] = k;
      rootCounts[i] = rootCounts[j]!;
      i = j;
    }
  }
  rootKeys[i] = 0;
  rootCounts[i] = 0;
}

/** Call `f(address)` for each of this agent's roots (addresses of handles not yet finalized). */
export function forEachRoot(f: (a: number) => void): void {
  const keys = rootKeys;
  for (let j = 0; j < keys.length; j++) {
    const k = keys[j]!;
    if (k !== 0) f(k);
  }
}

/** Number of distinct root addresses in this agent. */
export function rootCount(): number {
  return rootSize;
}

function scheduleHotAging(): void {
  if (hotTimer !== null || typeof setTimeout !== 'function') return;
  const t = setTimeout(() => {
    hot.fill(undefined);
    hotTimer = null;
  }, HOT_AGE_MS) as unknown as { unref?: () => void };
  t.unref?.();
  hotTimer = t;
}

/** Note that a handle's address escaped (stored in shared memory or encoded for a message). */
function escape(h: SharedHandle, a: number): void {
  if (SharedHandle.claimRegistration(h)) weak.set(a, new WeakRef(h)); // the finalizer is registered at construction
}

/** The canonical handle for the block at `p` of kind `kind`. */
export function canonical(p: number): SharedHandle {
  const idx = (p >>> 2) & HOT_MASK;
  const o = hot[idx];
  if (o !== undefined && SharedHandle.addr(o) === p) return o;
  return canonicalSlow(p, idx);
}

const OBJECT_KINDS = new Set([K_STRUCT, K_ARRAY, K_MUTEX, K_CONDITION]);

function canonicalSlow(p: number, idx: number): SharedHandle {
  let h = weak.get(p)?.deref();
  if (h === undefined) {
    if (p + 4 > i32.length) ensureMapped(p + 4);
    const kind = i32[p]! & 0xff;
    if (!OBJECT_KINDS.has(kind)) throw codes.ERR_MODMAP_INVALID_SHARED(`The block at address ${p} (kind ${kind})`, 'a shared object');
    h = materialize(p, kind);
    escape(h, p);
  }
  if (!hotReady) {
    hot = newHot(HOT_SIZE);
    hotReady = true;
  }
  hot[idx] = h;
  scheduleHotAging();
  return h;
}

/** This agent's live handle for the block at `p`, if it has one (no block is read). */
export function heldHandle(p: number): SharedHandle | undefined {
  const o = hot[(p >>> 2) & HOT_MASK];
  if (o !== undefined && SharedHandle.addr(o) === p) return o;
  return weak.get(p)?.deref();
}

/** Internal, for tests: number of live identity entries and a way to drop the strong cache. */
export function identityStats(): { weakEntries: number; roots: number } {
  return { weakEntries: weak.size, roots: rootSize };
}
export function clearHotCache(): void {
  hot.fill(undefined);
}

type NewTarget = abstract new (...args: never[]) => unknown;
const kindTargets = new Map<number, NewTarget>();

/** SharedArray, Mutex and Condition register the constructor whose prototype their handles get. */
export function registerKind(kind: number, target: NewTarget): void {
  kindTargets.set(kind, target);
}

function materialize(p: number, kind: number): SharedHandle {
  ensureMapped(p + 2);
  ensureMapped(p + i32[p + 1]!);
  const target = kind === K_STRUCT ? typeAt(i32[p + 2]!).newTarget : kindTargets.get(kind)!;
  return Reflect.construct(SharedHandle, [p], target) as SharedHandle;
}

// ---------------------------------------------------------------------------------------------------------
// Struct types. Each class that constructs instances (the most derived class, `new.target`) gets a type
// descriptor block in the heap, and every instance header points at it:
//   [K_TYPE, size, fieldCount, key (string address, 0 until the registry sets it), next type, class name
//    (string address), reserved, reserved, name of field 0, name of field 1, ...]
// The registry (issue 5) keys descriptors by (module URL, export name) through the `key` word and the list
// headed at H_TYPES. An agent that meets a descriptor it did not create builds a fallback prototype from the
// field names, so fields work there before the registry lands.

const TYPE_HEADER = 8;

export interface TypeInfo {
  readonly addr: number;
  readonly names: readonly string[];
  readonly offsets: ReadonlyMap<string, number>;
  readonly className: string;
  /** Reflect.construct target whose prototype instances of this type get in this agent. */
  readonly newTarget: NewTarget;
  /** True when this agent does not know the class (a fallback prototype with fields only). */
  readonly fallback: boolean;
  /** For a fallback: why, as util.inspect shows it (e.g. the module that is not loaded here). */
  readonly note?: string;
}

const typesByAddr = new Map<number, TypeInfo>();
const typesByCtor = new WeakMap<object, TypeInfo>();
/** Field lists of the base classes made by SharedStruct() and SharedStruct.extend(). */
export const layouts = new WeakMap<object, readonly string[]>();
setStructClassPredicate((v) => layoutOfClass(v) !== undefined);

let lastTarget: unknown = null;
let lastType: TypeInfo | null = null;

function offsetsOf(names: readonly string[]): Map<string, number> {
  return new Map(names.map((n, i) => [n, STRUCT_HEADER + i]));
}

export function layoutOfClass(ctor: unknown): readonly string[] | undefined {
  for (let c = ctor; c !== null && c !== undefined; c = Object.getPrototypeOf(c)) {
    const l = layouts.get(c as object);
    if (l !== undefined) return l;
    if (c === Function.prototype) break;
  }
  return undefined;
}

function createType(ctor: NewTarget): TypeInfo {
  const names = layoutOfClass(ctor);
  if (names === undefined) throw codes.ERR_MODMAP_INVALID_SHARED(String(ctor.name), 'a shared struct class');
  ensureHeap();
  const className = typeof ctor.name === 'string' && ctor.name ? ctor.name : 'SharedStruct';
  // The descriptor block first, then each string stored into it as soon as it exists: every K_TYPE block is a
  // root of the collector, so no string is ever unreachable while a later allocation may collect. If the heap is
  // exhausted half-way, the block becomes a filler (its strings are garbage) and the type is not published.
  const key = keyOfClass(ctor);
  const size = TYPE_HEADER + names.length;
  const t = alloc(size);
  // Header first, so the heap stays walkable (collect.ts) whatever point this agent is killed at.
  i32[t + 1] = (size + 1) & ~1;
  i32[t] = K_TYPE;
  try {
    for (let i = 0; i < names.length; i++) i32[t + TYPE_HEADER + i] = boxString(names[i]!);
    i32[t + 5] = boxString(className);
    if (key !== undefined) i32[t + 3] = boxString(keyString(key));
  } catch (error) {
    i32.fill(0, t + 2, t + ((size + 1) & ~1));
    i32[t] = K_FILLER;
    throw error;
  }
  i32[t + 2] = names.length;
  // Publish on the global list (a release: the whole descriptor is visible to whoever walks the list).
  for (;;) {
    const head = Atomics.load(i32, H_TYPES);
    i32[t + 4] = head;
    if (Atomics.compareExchange(i32, H_TYPES, head, t) === head) break;
  }
  const info: TypeInfo = { addr: t, names, offsets: offsetsOf(names), className, newTarget: ctor, fallback: false };
  typesByAddr.set(t, info);
  typesByCtor.set(ctor, info);
  return info;
}

/** The type of instances constructed with `new.target === ctor`. */
export function typeForClass(ctor: NewTarget): TypeInfo {
  if (ctor === lastTarget) return lastType!;
  const info = typesByCtor.get(ctor) ?? createType(ctor);
  lastTarget = ctor;
  lastType = info;
  return info;
}

/** The type descriptor at `t`; for one this agent did not create, resolved through the registry (foreignType). */
export function typeAt(t: number): TypeInfo {
  return typesByAddr.get(t) ?? foreignType(t);
}

// ---------------------------------------------------------------------------------------------------------
// The module-map keyed registry, struct side (SPEC §5). A descriptor's key word holds the string
// "<module url>\n<export name>" once the creating agent knows its class's key (at the first instance if the class
// is exported by then, else at the first send). An agent that meets a descriptor it did not create resolves the
// key against its OWN registry: the class that its own instance of that module exports under that name. If it has
// no such class yet, instances get a per-descriptor placeholder prototype: the field accessors, over a Proxy that
// throws ERR_MODMAP_MODULE_NOT_LOADED for anything that needs the real prototype, answers `then` with undefined
// (so awaiting works), and serves toJSON and util.inspect. When the module joins later, the placeholder's own
// prototype becomes the class's prototype, so the same instances gain their methods without being received again.

const KEY_WORD = 3;

function keyString(key: StructKey): string {
  return `${key.url}\n${key.name}`; // a URL never contains a line feed
}

function parseKey(text: string): StructKey {
  const nl = text.lastIndexOf('\n');
  return { url: text.slice(0, nl), name: text.slice(nl + 1) };
}

/** A foreign descriptor as this agent read it: its address, field names, class name and (once read) key. */
interface Foreign {
  readonly t: number;
  readonly names: readonly string[];
  readonly className: string;
  key: StructKey | null;
}

/** A foreign descriptor whose class is not here yet, with the placeholder prototype its instances get meanwhile. */
interface Pending extends Foreign {
  readonly placeholder: object;
}

/** Foreign descriptors whose class this agent has not resolved yet. */
const pending = new Map<number, Pending>();

function readKey(t: number): StructKey | null {
  const w = Atomics.load(i32, t + KEY_WORD);
  return w === 0 ? null : parseKey(readString(w));
}

/** The agent's class for a foreign descriptor, or the error that says why there is none. */
function resolveClass(p: Foreign): Function | Error {
  p.key ??= readKey(p.t);
  if (p.key === null) return codes.ERR_MODMAP_UNKEYED_STRUCT(p.className);
  const cls = classForKey(p.key.url, p.key.name);
  if (cls == null) return codes.ERR_MODMAP_MODULE_NOT_LOADED(p.key.url, p.key.name);
  const mine = layoutOfClass(cls)!;
  if (mine.length !== p.names.length || mine.some((n, i) => n !== p.names[i])) {
    return codes.ERR_MODMAP_LAYOUT_MISMATCH(`${p.key.name} of ${p.key.url}`, mine.join(', '), p.names.join(', '));
  }
  return cls;
}

/** Try to resolve a pending descriptor; on success, later instances get the class itself as their prototype. */
function settlePending(p: Pending): Function | Error {
  const cls = resolveClass(p);
  if (cls instanceof Error) return cls;
  delete (p.placeholder as { constructor?: unknown }).constructor; // the stand-in below; the class's own shows now
  Object.setPrototypeOf(p.placeholder, cls.prototype);
  pending.delete(p.t);
  resolvedType(p, cls);
  return cls;
}

/** Record that this agent's class for the foreign descriptor `d.t` is `cls`. */
function resolvedType(d: Foreign, cls: Function): TypeInfo {
  const info: TypeInfo = { addr: d.t, names: d.names, offsets: offsetsOf(d.names), className: d.className, newTarget: cls as NewTarget, fallback: false };
  typesByAddr.set(d.t, info);
  return info;
}

onModuleJoined(() => {
  for (const p of [...pending.values()]) settlePending(p);
});

const fromRoot = new Set<PropertyKey>(['toJSON', Symbol.for('nodejs.util.inspect.custom')]);

function unresolvedPrototype(p: () => Pending): object {
  /** The agent's class prototype for the pending type, or the coded error that says why there is none. */
  const classPrototype = (): object | Error => {
    const cls = settlePending(p());
    return cls instanceof Error ? cls : (cls as { prototype: object }).prototype;
  };
  const required = (): object => {
    const proto = classPrototype();
    if (proto instanceof Error) throw proto;
    return proto;
  };
  return new Proxy(Object.create(StructRoot.prototype) as object, {
    get(_target, prop, receiver) {
      if (prop === 'then') return undefined; // the platform's own lookup when resolving a promise with it
      if (fromRoot.has(prop)) return Reflect.get(StructRoot.prototype, prop, receiver);
      return Reflect.get(required(), prop, receiver);
    },
    has(_target, prop) {
      return fromRoot.has(prop) || prop in required();
    },
    set(_target, prop, value, receiver) {
      return Reflect.set(required(), prop, value, receiver);
    },
    getPrototypeOf() {
      // `instanceof` walks through here: a module that joined since the last look resolves now. Before that,
      // `s instanceof SharedStruct` still holds.
      const proto = classPrototype();
      return proto instanceof Error ? StructRoot.prototype : proto;
    },
  });
}

function foreignType(t: number): TypeInfo {
  ensureMapped(t + TYPE_HEADER);
  if ((i32[t]! & 0xff) !== K_TYPE) throw codes.ERR_MODMAP_INVALID_SHARED(`The block at ${t}`, 'a struct type');
  const n = i32[t + 2]!;
  ensureMapped(t + TYPE_HEADER + n);
  const names: string[] = [];
  for (let i = 0; i < n; i++) names.push(readString(Atomics.load(i32, t + TYPE_HEADER + i)));
  const classWord = i32[t + 5]!;
  const className = classWord !== 0 ? readString(classWord) : 'SharedStruct';
  const found: Foreign = { t, names, className, key: null };
  const cls = resolveClass(found);
  // The usual case: this agent has the class already, and instances take its prototype directly.
  if (!(cls instanceof Error)) return resolvedType(found, cls);
  let record: Pending;
  const proto = Object.create(unresolvedPrototype(() => record)) as object;
  installFieldAccessors(proto, names, 0);
  record = { ...found, placeholder: proto };
  pending.set(t, record);
  // A stand-in constructor, so that `s.constructor` (which util.inspect reads) answers without the module; calling
  // it says what is missing.
  const target = function () {
    const cls = settlePending(record);
    throw cls instanceof Error ? cls : codes.ERR_MODMAP_INVALID_SHARED(`The stand-in constructor of ${className}`, 'a struct class (construct the exported class itself)');
  } as unknown as NewTarget;
  (target as { prototype: object }).prototype = proto;
  Object.defineProperty(target, 'name', { value: className });
  Object.defineProperty(proto, 'constructor', { value: target, writable: true, configurable: true });
  const note = record.key === null ? 'class not exported here' : `module ${record.key.url} not loaded here`;
  const info: TypeInfo = { addr: t, names, offsets: offsetsOf(names), className, newTarget: target, fallback: true, note };
  typesByAddr.set(t, info);
  return info;
}

/**
 * Before a struct leaves this agent: make sure its descriptor carries its key, so the receiver can find its
 * prototype. Throws ERR_MODMAP_UNKEYED_STRUCT when the class is exported from no module that joined the registry.
 */
export function ensureKeyed(a: number): void {
  const t = i32[a + 2]!;
  if (Atomics.load(i32, t + KEY_WORD) !== 0) return;
  const info = typeAt(t);
  const key = info.fallback ? undefined : keyOfClass(info.newTarget);
  if (key === undefined) throw codes.ERR_MODMAP_UNKEYED_STRUCT(info.className);
  const word = boxString(keyString(key));
  Atomics.compareExchange(i32, t + KEY_WORD, 0, word); // another agent may have won with the same key
}

/** The type of a struct handle, or undefined for anything else. */
export function typeOfStruct(v: unknown): TypeInfo | undefined {
  const a = SharedHandle.addrOf(v);
  if (a < 0 || (i32[a]! & 0xff) !== K_STRUCT) return undefined;
  return typeAt(i32[a + 2]!);
}

/** Allocate the block of a new struct whose class is `ctor`. */
export function allocStruct(ctor: NewTarget): number {
  const info = typeForClass(ctor);
  const n = info.names.length;
  const size = STRUCT_HEADER + n;
  // A block this agent released (zeroed at release, see "Explicit release"), else fresh heap memory, which is zero
  // too: every field already reads as undefined (word 0).
  let a = takeReleased((size + 1) & ~1);
  if (a === 0) a = alloc(size);
  i32[a + 1] = (size + 1) & ~1; // size and kind first: the heap stays walkable (collect.ts)
  i32[a] = K_STRUCT;
  i32[a + 2] = info.addr;
  return a;
}

// The root of every struct prototype chain. Instances of unknown classes (fallbacks) also inherit from it.
const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

export class StructRoot extends SharedHandle {
  toJSON(): Record<string, unknown> {
    const info = typeOfStruct(this)!;
    const a = SharedHandle.addr(this);
    const out: Record<string, unknown> = {};
    for (let i = 0; i < info.names.length; i++) {
      out[info.names[i]!] = decodeWord(Atomics.load(i32, a + STRUCT_HEADER + i));
    }
    return out;
  }

  [inspectSymbol](depth: number, options: { depth?: number | null }, inspect: (v: unknown, o: object) => string): string {
    const info = typeOfStruct(this)!;
    const label = info.fallback ? `${info.className} [${info.note ?? 'class not loaded here'}]` : info.className;
    if (depth < 0) return `[${label}]`;
    const a = SharedHandle.addr(this);
    const fields: Record<string, unknown> = {};
    for (let i = 0; i < info.names.length; i++) {
      fields[info.names[i]!] = decodeWord(Atomics.load(i32, a + STRUCT_HEADER + i));
    }
    const nested = { ...options, depth: options.depth === null || options.depth === undefined ? null : options.depth - 1 };
    return `${label} ${inspect(fields, nested)}`;
  }
}


// ---------------------------------------------------------------------------------------------------------
// Object.freeze cannot fail on an ordinary object without own properties, so modmap makes it refuse shared
// handles explicitly (their fields stay writable). Installed once per realm.

const kPatched = Symbol.for('modmap.structs.freezePatched');
const g = globalThis as unknown as Record<symbol, unknown>;
if (g[kPatched] !== true) {
  const originalFreeze = Object.freeze;
  const originalIsFrozen = Object.isFrozen;
  Object.defineProperty(Object, 'freeze', {
    value: function freeze<T>(o: T): T {
      if (SharedHandle.addrOf(o) >= 0) throw codes.ERR_MODMAP_IMMUTABLE_LAYOUT('Object.freeze');
      return originalFreeze(o);
    },
    writable: true,
    configurable: true,
  });
  Object.defineProperty(Object, 'isFrozen', {
    value: function isFrozen(o: unknown): boolean {
      if (SharedHandle.addrOf(o) >= 0) return false;
      return originalIsFrozen(o);
    },
    writable: true,
    configurable: true,
  });
  Object.defineProperty(g, kPatched, { value: true });
}

export { heap };

// ---------------------------------------------------------------------------------------------------------
// Explicit release (SharedStruct.release). The handle is poisoned at once (every later use throws
// ERR_MODMAP_RELEASED) and stops being one of this agent's roots. Its block is freed at once only when its
// address never escaped: never stored in shared memory, never encoded for a message (so no other agent can have
// it, no shared word names it, and this handle is the only one in this agent). Otherwise other handles may exist
// and shared words may name it, so the block is left to the collector (freed once nothing else reaches it).
//
// Roots: the poisoned handle's finalizer still runs later with its old address, which by then may belong to a new
// block with its own handles. `releasedPending` counts, per address, released handles whose finalizer has not run
// yet; a finalizer that finds a count consumes it instead of removing a root. Each released handle thus removes
// its root exactly once (at release), and at any time the root count of an address is at least the number of its
// live unreleased handles (a finalizer of such a handle may consume a pending count first: that only keeps a root
// longer, never shorter).

const releasedPending = new Map<number, number>();

function consumeReleased(a: number): boolean {
  const c = releasedPending.get(a);
  if (c === undefined) return false;
  if (c === 1) releasedPending.delete(a);
  else releasedPending.set(a, c - 1);
  return true;
}

/** SharedStruct.release(s): true when the block was freed at once, false when it is left to the collector. */
export function releaseStruct(s: unknown): boolean {
  const a = SharedHandle.addrOf(s); // throws ERR_MODMAP_RELEASED for a released handle
  if (a < 0 || (i32[a]! & 0xff) !== K_STRUCT) throw codes.ERR_MODMAP_INVALID_SHARED(describe(s), 'a shared struct');
  const h = s as SharedHandle;
  const escaped = SharedHandle.poison(h);
  rootRemove(a);
  releasedPending.set(a, (releasedPending.get(a) ?? 0) + 1);
  if (escaped) {
    // Other code in this agent reaches the block through the identity cache: it must get a fresh, usable handle.
    const idx = (a >>> 2) & HOT_MASK;
    if (hot[idx] === h) hot[idx] = undefined;
    if (weak.get(a)?.deref() === h) weak.delete(a);
    return false;
  }
  // Never escaped: nothing but this handle knows the address. Zero the body, then make it a filler (the heap stays
  // walkable), and keep it for this agent's next struct of the same size.
  const size = i32[a + 1]!;
  i32.fill(0, a + 2, a + size);
  i32[a] = K_FILLER;
  keepReleased(a, size);
  return true;
}
