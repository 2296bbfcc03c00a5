// The shared heap: one growable SharedArrayBuffer per process, addressed in 32-bit words.
// Every agent (main thread and workers) maps the same buffer; a worker attaches to its parent's heap
// through __heapForWorker()/__attachHeap() before it touches any shared value.
//
// Word layout of the heap header (word indexes):
//   0..7   reserved: the "addresses" 0, 2, 4, 6 encode undefined, null, false, true and are never blocks
//   8      MAGIC            9  VERSION            10 TOP (next free word, bumped with compareExchange)
//   11     LIMIT (words; 0 = the buffer's maxByteLength)          12 AGENT counter (ids for mutex owners)
//   13     TYPES (head of the list of type descriptors, pushed with compareExchange; for the registry)
//   14     HEAP_ID (random, to refuse payloads from another heap)
//   15     message fence (__encodeShared adds, __decodeShared loads; see transport.ts)
//   16     AGENT_DIR (address of the agent table's directory, see "Agents" below)
//   17     DEAD count (agents marked exited; 0 lets lockers skip the table)
//   18     FREE (head of the list of free runs that collect.ts swept; allocation buffers are taken from them)
//   19     FREE_LOCK (spin lock of that list: taking a run is rare, once per allocation buffer)
//   20..29 the collector (collect.ts "Collection"): 20 ACTIVE (epoch of the collection in progress, 0 = none),
//          21 EPOCH (last epoch started), 22 GC_LOCK (the collecting agent's id), 23 ACKS (bumped and notified by
//          each agent that reached its safepoint), 24 ALLOCATED (words handed out since the last collection),
//          25 LIVE (words live after the last collection), 26 NOGC (agents that cannot take part: collection is
//          off while > 0), 27 TRANSIT (address of the table of values in transit), 28 COLLECTIONS (count),
//          29 TRIGGER (words to allocate between automatic collections; 0 = default, -1 = no automatic collection)
//   30..31 reserved
// Blocks start at HEAP_START, are a whole number of 8-byte units, and begin with [kind, sizeInWords], except number
// boxes: [kind, three data words], whose size (4) the kind implies.

import { codes } from '../errors.js';
import { runBeforeHeap } from './bridge.js';

export const MAGIC = 0x6d6f646d; // 'modm'
export const VERSION = 1;
export const H_MAGIC = 8;
export const H_VERSION = 9;
export const H_TOP = 10;
export const H_LIMIT = 11;
export const H_AGENTS = 12;
export const H_TYPES = 13;
export const H_HEAP_ID = 14;
export const H_AGENT_DIR = 16;
export const H_DEAD = 17;
export const H_FREE = 18;
export const H_FREE_LOCK = 19;
export const H_GC_ACTIVE = 20;
export const H_GC_EPOCH = 21;
export const H_GC_LOCK = 22;
export const H_GC_ACKS = 23;
export const H_GC_ALLOCATED = 24;
export const H_GC_LIVE = 25;
export const H_GC_NOGC = 26;
export const H_TRANSIT = 27;
export const H_GC_COUNT = 28;
export const H_GC_TRIGGER = 29;
export const HEAP_START = 32;

// Block kinds (low byte of word 0 of a block).
export const K_FILLER = 0x10;
/** A zeroed free run on the FREE list: [K_FREE, size, next run]. */
export const K_FREE = 0x14;
export const K_F64 = 0x11;
export const K_STRING = 0x12;
export const K_BIGINT = 0x13;
export const K_STRUCT = 0x21;
export const K_ARRAY = 0x22;
export const K_MUTEX = 0x23;
export const K_CONDITION = 0x24;
export const K_TYPE = 0x31;
/** Heap metadata that lives as long as the heap (the agent table): [K_META, size, …]. */
export const K_META = 0x32;

// Untouched pages of the buffer cost no memory, so start big enough that most programs never grow (each growth
// re-creates the views and re-installs the field accessors, which deoptimizes code that inlined them).
const INITIAL_BYTES = 64 << 20;
// Reserving address space is cheap (measured: <0.1 ms, no RSS change, for 4 GiB on Node 20 and 24). Try the
// largest reservation first and fall back for engines that refuse it.
const MAX_BYTES_CANDIDATES = [2 ** 32, 2 ** 31, 2 ** 30, 2 ** 28];
/** Words handed to an agent-local allocation buffer at a time. */
const LAB_WORDS = 8192;
/** Requests up to this size are served from the agent-local buffer. */
const LAB_MAX_REQUEST = 256;
/**
 * Smallest run collect.ts puts on the FREE list (shorter ones become fillers until a later sweep joins them with
 * their neighbours). Any request up to this size can be served from any run. Small (2 KiB), because a collector
 * that frees objects leaves live blocks scattered through the heap: the gaps between them must be reusable.
 */
export const MIN_FREE_RUN = 512;
/** Default words allocated between automatic collections (at least; more when more is live). */
const DEFAULT_TRIGGER_WORDS = 4 << 20; // 16 MiB
/** Entries of the transit table (values encoded for a message, not yet decoded): [address, ticket] pairs. */
export const TRANSIT_SLOTS = 4096;

export interface HeapState {
  sab: SharedArrayBuffer | null;
  maxWords: number;
  agentId: number;
  /** True once this agent allocated in a heap it created itself (so attaching later would strand data). */
  ownsAllocations: boolean;
}

export const heap: HeapState = { sab: null, maxWords: 0, agentId: 0, ownsAllocations: false };

// Fixed-length views, replaced when the buffer grows. Length-tracking views on a growable SharedArrayBuffer are
// ×8–12 slower per element access in V8 (measured: 11–22 ns against 1.3–1.8 ns), so they are not used.
export let i32: Int32Array<ArrayBufferLike> = new Int32Array(0);
export let u16: Uint16Array<ArrayBufferLike> = new Uint16Array(0);
export let f64: Float64Array<ArrayBufferLike> = new Float64Array(0);

let labTop = 0;
let labEnd = 0;

function hasSharedMemory(): boolean {
  return typeof SharedArrayBuffer === 'function';
}

function createBuffer(): SharedArrayBuffer {
  if (!hasSharedMemory()) throw codes.ERR_MODMAP_NO_SHARED_MEMORY();
  let lastError: unknown;
  for (const max of MAX_BYTES_CANDIDATES) {
    try {
      return new SharedArrayBuffer(INITIAL_BYTES, { maxByteLength: max });
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/** Re-create the views after this or another agent grew the buffer. */
export function refreshViews(): void {
  const sab = heap.sab!;
  const bytes = sab.byteLength;
  if (i32.buffer === sab && i32.length === bytes >> 2) return;
  i32 = new Int32Array(sab, 0, bytes >> 2);
  u16 = new Uint16Array(sab, 0, bytes >> 1);
  f64 = new Float64Array(sab, 0, bytes >> 3);
  for (const listener of viewListeners) listener(i32);
}

const viewListeners: ((view: Int32Array<ArrayBufferLike>) => void)[] = [];
/**
 * Call `listener` with the new Int32Array view whenever the views are re-created. Hot accessors capture the
 * view as a constant (V8 then folds its base and length; a mutable module binding costs ~2 ns per access), and
 * are re-installed through this hook when the buffer grows.
 */
export function onViewsChanged(listener: (view: Int32Array<ArrayBufferLike>) => void): void {
  viewListeners.push(listener);
}

function newAgentId(): number {
  return Atomics.add(i32, H_AGENTS, 1) + 1;
}

// ---------------------------------------------------------------------------------------------------------
// Agents: which agent ids belong to workers that have exited (for robust mutexes, sync.ts).
//
// Agent ids come from the H_AGENTS counter and are never reused. A parent reserves its worker's id when it makes
// the heap payload (__heapForWorker), so it knows the id without asking the worker; the worker claims it when it
// attaches. When the worker has exited (Node's 'exit' event fires after the thread stopped, and after every
// worker it started stopped too), the parent calls __agentExited and the entry becomes DEAD. A mutex whose lock
// word names a DEAD agent can then be taken over by the next locker, which is told so (token.ownerDied).
//
// Table: a directory of DIR_WORDS chunk addresses (allocated with the heap), each chunk CHUNK_WORDS entries
// (allocated on demand, published with compareExchange). Entry for agent id n: HAS_CHILDREN? | (parent id << 2) |
// state, where state is 0 (untracked: never treated as dead), RESERVED, ALIVE or DEAD. Ids past the table (2^20)
// stay untracked.

const CHUNK_BITS = 10;
const CHUNK_WORDS = 1 << CHUNK_BITS;
const DIR_WORDS = 1024;
const CHUNK_HEADER = 2;
/** Entry bit: this agent reserved ids for workers of its own (only then does its exit scan for descendants). */
const HAS_CHILDREN = 1 << 24;
/**
 * Entry bit: an agent that registered itself (the heap's creator, or a worker whose payload was already claimed).
 * Nobody reports its exit, so __agentExited refuses it; it is ALIVE for as long as the heap exists, and the
 * collector waits for it like for any live agent.
 */
const SELF = 1 << 25;
/** Entry bits 26–31: the collector's acknowledgement tag (collect.ts "Collection"). */
export const ACK_SHIFT = 26;
export const ACK_MASK = 63 << ACK_SHIFT;
const PARENT_MASK = (1 << 22) - 1;
export const AGENT_RESERVED = 1;
export const AGENT_DEAD = 2;
export const AGENT_ALIVE = 3;

/** The word index of agent `id`'s table entry, or -1 (no chunk yet and `create` is false, or past the table). */
function agentEntry(id: number, create: boolean): number {
  const dir = Atomics.load(i32, H_AGENT_DIR);
  const c = id >>> CHUNK_BITS;
  if (dir === 0 || id <= 0 || c >= DIR_WORDS) return -1;
  let chunk = Atomics.load(i32, dir + CHUNK_HEADER + c);
  if (chunk === 0) {
    if (!create) return -1;
    // Under the collector's lock, straight from the bump pointer: the agent asking may not be registered yet, so
    // no collection may run (and walk or free this block) while it is being written.
    const lockId = lockCollector(id);
    let fresh: number;
    try {
      fresh = allocGlobal(CHUNK_HEADER + CHUNK_WORDS);
      i32[fresh + 1] = CHUNK_HEADER + CHUNK_WORDS;
      i32[fresh] = K_META;
    } catch {
      return -1; // heap exhausted: the agent stays untracked (conservative: its locks are never taken over)
    } finally {
      unlockCollector(lockId);
    }
    const prev = Atomics.compareExchange(i32, dir + CHUNK_HEADER + c, 0, fresh);
    chunk = prev === 0 ? fresh : prev;
  }
  ensureMapped(chunk + CHUNK_HEADER + CHUNK_WORDS);
  return chunk + CHUNK_HEADER + (id & (CHUNK_WORDS - 1));
}

/** Reserve a new agent id for a worker this agent is about to start (0 if it cannot be tracked). */
export function reserveAgentId(): number {
  const id = newAgentId();
  const e = agentEntry(id, true);
  if (e < 0) return 0;
  const me = heap.agentId;
  const mine = agentEntry(me, false);
  if (mine >= 0) Atomics.or(i32, mine, HAS_CHILDREN);
  // An untracked parent (id past the table) cannot be reported, so its children need not know it.
  Atomics.store(i32, e, ((mine >= 0 ? me : 0) << 2) | AGENT_RESERVED);
  return id;
}

/**
 * Claim the id a parent reserved for this agent; else a fresh id, registered as a SELF agent (ALIVE, never reported
 * exited). An agent the table cannot hold (ids past it, or no memory for its chunk) turns collection off for the
 * heap (NOGC): the collector could not know it exists, let alone wait for it.
 */
function claimAgentId(reserved: unknown): number {
  if (typeof reserved === 'number' && reserved > 0) {
    const e = agentEntry(reserved, false);
    if (e >= 0) {
      const v = Atomics.load(i32, e);
      if ((v & 3) === AGENT_RESERVED && Atomics.compareExchange(i32, e, v, (v & ~3) | AGENT_ALIVE) === v) return reserved;
    }
  }
  const id = newAgentId();
  const e = agentEntry(id, true);
  if (e < 0) Atomics.add(i32, H_GC_NOGC, 1);
  else Atomics.store(i32, e, SELF | AGENT_ALIVE);
  return id;
}

/** The word index of agent `id`'s table entry, or -1 (untracked). For the collector. */
export function agentEntryIndex(id: number): number {
  return agentEntry(id, false);
}

/** The state of agent `id` in the table (0 when untracked). */
export function agentState(id: number): number {
  const e = agentEntry(id, false);
  return e < 0 ? 0 : Atomics.load(i32, e) & 3;
}

/** Has agent `id` been marked as exited? (Only ever true for tracked worker ids.) */
export function isAgentDead(id: number): boolean {
  if (Atomics.load(i32, H_DEAD) === 0) return false;
  const e = agentEntry(id, false);
  return e >= 0 && (Atomics.load(i32, e) & 3) === AGENT_DEAD;
}

/**
 * Mark the worker agent `id` as exited, with every tracked agent it started (Node stops a worker's workers before
 * the worker's 'exit' event). Returns false if `id` is not a tracked worker id (e.g. the main thread's) or was
 * already marked. Must only be called once the agent can no longer run: after its 'exit' event.
 */
export function markAgentExited(id: number): boolean {
  ensureHeap();
  const e = agentEntry(id, false);
  if (e < 0) return false;
  let v: number;
  for (;;) {
    v = Atomics.load(i32, e);
    const state = v & 3;
    if ((state !== AGENT_RESERVED && state !== AGENT_ALIVE) || (v & SELF) !== 0) return false;
    if (Atomics.compareExchange(i32, e, v, (v & ~3) | AGENT_DEAD) === v) break;
  }
  Atomics.add(i32, H_DEAD, 1);
  // Descendants: scan the ids allocated since this one for entries whose parent is `id` (only for an agent that
  // started workers, so that exits stay O(1) in the common case).
  if ((v & HAS_CHILDREN) !== 0) {
    const top = Atomics.load(i32, H_AGENTS);
    for (let child = id + 1; child <= top; child++) {
      const ce = agentEntry(child, false);
      if (ce >= 0 && ((Atomics.load(i32, ce) >>> 2) & PARENT_MASK) === id) markAgentExited(child);
    }
  }
  return true;
}

function adopt(sab: SharedArrayBuffer): void {
  heap.sab = sab;
  heap.maxWords = Math.floor((sab.growable ? sab.maxByteLength : sab.byteLength) / 4);
  refreshViews();
  labTop = labEnd = 0;
}

/** Join the heap's agents: claim an id, then take part in a collection that may already be running. */
function join(reservedId?: unknown): void {
  heap.agentId = claimAgentId(reservedId);
  gcHooks?.joined();
}

/** Create this process's heap (the main thread does this on first use). */
function createHeap(): void {
  const sab = createBuffer();
  const words = new Int32Array(sab);
  words[H_MAGIC] = MAGIC;
  words[H_VERSION] = VERSION;
  words[H_TOP] = HEAP_START;
  words[H_HEAP_ID] = (Math.random() * 0x7fffffff) | 1;
  Atomics.store(words, H_AGENTS, 0);
  adopt(sab);
  // The agent table's directory (see "Agents"); its chunks come on demand.
  const dir = allocGlobal(CHUNK_HEADER + DIR_WORDS);
  i32[dir + 1] = CHUNK_HEADER + DIR_WORDS;
  i32[dir] = K_META;
  Atomics.store(i32, H_AGENT_DIR, dir);
  // The transit table (collect.ts): [K_META, size, slot pairs…].
  const transit = allocGlobal(2 + 2 * TRANSIT_SLOTS);
  i32[transit + 1] = 2 + 2 * TRANSIT_SLOTS;
  i32[transit] = K_META;
  Atomics.store(i32, H_TRANSIT, transit);
  join();
  heap.ownsAllocations = false; // metadata only: this agent may still attach to another heap
}

/** The heap, created on first use. */
export function ensureHeap(): void {
  if (heap.sab === null) {
    runBeforeHeap(); // a worker may attach its parent's heap now (transport/node.ts, lazy worker_threads)
    if (heap.sab === null) createHeap();
  }
}

export function heapId(): number {
  ensureHeap();
  return i32[H_HEAP_ID]!;
}

export interface HeapPayload {
  readonly modmapHeap: 1;
  readonly buffer: SharedArrayBuffer;
  readonly heapId: number;
  /** The agent id reserved for the worker that attaches with this payload (0: none; see "Agents"). */
  readonly agentId: number;
}

export function heapPayload(): HeapPayload {
  ensureHeap();
  return { modmapHeap: 1, buffer: heap.sab!, heapId: i32[H_HEAP_ID]!, agentId: reserveAgentId() };
}

export function attachHeap(payload: unknown): void {
  const p = payload as Partial<HeapPayload> | null;
  if (p === null || typeof p !== 'object' || p.modmapHeap !== 1 || !(p.buffer instanceof SharedArrayBuffer)) {
    throw codes.ERR_MODMAP_INVALID_SHARED(String(payload), 'a heap payload from __heapForWorker()');
  }
  const words = new Int32Array(p.buffer, 0, 16);
  if (words[H_MAGIC] !== MAGIC || words[H_VERSION] !== VERSION) {
    throw codes.ERR_MODMAP_INVALID_SHARED('The heap payload', 'a heap of this modmap version');
  }
  if (heap.sab === p.buffer) return;
  if (heap.sab !== null && heap.ownsAllocations) {
    throw codes.ERR_MODMAP_FOREIGN_HEAP('__attachHeap()');
  }
  adopt(p.buffer);
  join(p.agentId);
}

function exhausted(words: number): never {
  const error = codes.ERR_MODMAP_HEAP_EXHAUSTED(words * 4, heap.sab!.byteLength);
  throw error;
}

function limitWords(): number {
  const l = Atomics.load(i32, H_LIMIT);
  return l > 0 && l < heap.maxWords ? l : heap.maxWords;
}

/** Make the buffer at least `endWord` words long, growing it (any agent may race us; grow never shrinks). */
function ensureCapacity(endWord: number, request: number): void {
  const sab = heap.sab!;
  const need = endWord * 4;
  if (sab.byteLength < need) {
    const target = Math.min(heap.maxWords * 4, Math.max(need, Math.ceil((sab.byteLength * 2) / 65536) * 65536));
    try {
      sab.grow(target);
    } catch {
      try {
        if (sab.byteLength < need) sab.grow(need);
      } catch {
        if (sab.byteLength < need) exhausted(request);
      }
    }
  }
  if (i32.length < endWord) refreshViews();
}

/** Reserve `words` (even) words from the global bump pointer. Throws ERR_MODMAP_HEAP_EXHAUSTED and changes nothing on failure. */
function allocGlobal(words: number): number {
  for (;;) {
    const top = Atomics.load(i32, H_TOP);
    const end = top + words;
    if (end > limitWords()) exhausted(words);
    ensureCapacity(end, words);
    if (Atomics.compareExchange(i32, H_TOP, top, end) === top) return top;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Hooks of the collector (collect.ts registers them when it loads): the safepoint check and automatic collection
// sit on the allocation slow path, once per allocation buffer.

export interface GcHooks {
  /** Take part in the collection in progress, if any (mark this agent's roots, acknowledge, wait until it ends). */
  safepoint(): void;
  /** Collect now; false if nothing was done (collection off, another agent collected meanwhile, or it timed out). */
  collect(reason: 'auto' | 'exhausted'): boolean;
  /** This agent just joined the heap (it may have to take part in a collection already running). */
  joined(): void;
  /** This agent took `words` more words of the heap (an allocation buffer or a large block). */
  took(words: number): void;
}
let gcHooks: GcHooks | null = null;
export function setGcHooks(h: GcHooks): void {
  gcHooks = h;
}

/**
 * Take the collector's lock word for `id` (waiting, and taking part in the running collection meanwhile; a holder
 * that exited loses it). Returns the value stored, for unlockCollector.
 */
export function lockCollector(id: number): number {
  const me = id > 0 ? id : -1;
  for (;;) {
    const holder = Atomics.compareExchange(i32, H_GC_LOCK, 0, me);
    if (holder === 0) return me;
    if (holder > 0 && isAgentDead(holder) && Atomics.compareExchange(i32, H_GC_LOCK, holder, me) === holder) return me;
    gcHooks?.safepoint();
    if (canWait()) Atomics.wait(i32, H_GC_LOCK, holder, 5);
  }
}
export function unlockCollector(value: number): void {
  if (Atomics.compareExchange(i32, H_GC_LOCK, value, 0) === value) Atomics.notify(i32, H_GC_LOCK);
}

let canWaitCache: boolean | null = null;
/** Can this agent block in Atomics.wait? (Not a browser main thread: it spins instead.) */
export function canWait(): boolean {
  if (canWaitCache === null) {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
      canWaitCache = true;
    } catch {
      canWaitCache = false;
    }
  }
  return canWaitCache;
}

/** Words to allocate before the next automatic collection, or -1 when automatic collection is off. */
function triggerWords(): number {
  const t = Atomics.load(i32, H_GC_TRIGGER);
  if (t < 0) return -1;
  return Math.max(t > 0 ? t : DEFAULT_TRIGGER_WORDS, Atomics.load(i32, H_GC_LIVE));
}

function took(words: number): void {
  Atomics.add(i32, H_GC_ALLOCATED, words);
  gcHooks?.took(words);
}

function isExhaustion(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_MODMAP_HEAP_EXHAUSTED';
}

function closeLab(): void {
  if (labEnd > labTop) {
    // A filler block keeps the heap walkable for the reclamation pass (issue 7).
    i32[labTop + 1] = labEnd - labTop; // size first: [0, size] walks as unwritten memory if we die in between
    i32[labTop] = K_FILLER;
  }
  labTop = labEnd = 0;
}

/**
 * Allocate a zeroed block of `words` words (rounded up to an even count, at least 4). The caller writes the
 * header and contents, then publishes the address with Atomics.store (a release) before any other agent can
 * see it.
 */
export function alloc(words: number): number {
  const n = (words + 1) & ~1;
  if (labTop + n <= labEnd) {
    const r = labTop;
    labTop += n;
    return r;
  }
  return allocSlow(n);
}

function allocSlow(n: number): number {
  ensureHeap();
  heap.ownsAllocations = true;
  const hooks = gcHooks;
  if (hooks !== null) {
    if (Atomics.load(i32, H_GC_ACTIVE) !== 0) hooks.safepoint();
    else {
      const t = triggerWords();
      if (t >= 0 && Atomics.load(i32, H_GC_ALLOCATED) >= t) hooks.collect('auto');
    }
  }
  try {
    return allocFresh(n);
  } catch (error) {
    // Exhausted: collect (unless automatic collection is off), then try once more before giving up.
    if (hooks === null || !isExhaustion(error) || triggerWords() < 0 || !hooks.collect('exhausted')) throw error;
    return allocFresh(n);
  }
}

function allocFresh(n: number): number {
  if (n <= MIN_FREE_RUN && Atomics.load(i32, H_FREE) !== 0) {
    const run = takeFreeRun();
    if (run !== 0) {
      closeLab();
      const size = i32[run + 1]!;
      i32[run] = 0; // a run is zero but for its header
      i32[run + 1] = 0;
      i32[run + 2] = 0;
      labTop = run + n;
      labEnd = run + size;
      took(size);
      return run;
    }
  }
  if (n > LAB_MAX_REQUEST) {
    if (n > MIN_FREE_RUN && Atomics.load(i32, H_FREE) !== 0) {
      const r = takeFreeFit(n);
      if (r !== 0) {
        took(n);
        return r;
      }
    }
    const r = allocGlobal(n);
    took(n);
    return r;
  }
  let chunk: number;
  try {
    chunk = allocGlobal(LAB_WORDS);
  } catch (error) {
    // Near the limit: serve this request exactly, so the limit is honoured to the word.
    const r = allocGlobal(n);
    void error;
    took(n);
    return r;
  }
  closeLab();
  labTop = chunk + n;
  labEnd = chunk + LAB_WORDS;
  took(LAB_WORDS);
  return chunk;
}

/** First fit for a large request (more than MIN_FREE_RUN words) among the first runs of the FREE list, or 0. */
function takeFreeFit(n: number): number {
  if (Atomics.compareExchange(i32, H_FREE_LOCK, 0, 1) !== 0) return 0;
  let prev = 0;
  let run = Atomics.load(i32, H_FREE);
  let found = 0;
  for (let k = 0; run !== 0 && k < 64; k++) {
    const size = i32[run + 1]!;
    const next = i32[run + 2]!;
    if (size >= n) {
      const restSize = size - n;
      let link = next;
      if (restSize >= MIN_FREE_RUN) {
        const rest = run + n;
        i32[rest + 1] = restSize;
        i32[rest + 2] = next;
        i32[rest] = K_FREE;
        link = rest;
      } else if (restSize > 0) {
        const rest = run + n;
        i32[rest + 1] = restSize; // zeroed memory: a filler keeps the heap walkable
        i32[rest] = K_FILLER;
      }
      if (prev === 0) Atomics.store(i32, H_FREE, link);
      else i32[prev + 2] = link;
      i32[run] = 0;
      i32[run + 1] = 0;
      i32[run + 2] = 0;
      found = run;
      break;
    }
    prev = run;
    run = next;
  }
  Atomics.store(i32, H_FREE_LOCK, 0);
  return found;
}

/** Pop a run (at most 2 × LAB_WORDS words) from the FREE list, or 0. Every run has at least MIN_FREE_RUN words. */
function takeFreeRun(): number {
  // Never wait for the lock: its holder may be an agent that was killed; the bump pointer serves meanwhile.
  if (Atomics.compareExchange(i32, H_FREE_LOCK, 0, 1) !== 0) return 0;
  const run = Atomics.load(i32, H_FREE);
  if (run !== 0) {
    const size = i32[run + 1]!;
    if (size >= 2 * LAB_WORDS) {
      // Hand out one buffer's worth and leave the rest on the list, so a big run serves every agent.
      const rest = run + LAB_WORDS;
      i32[rest + 1] = size - LAB_WORDS;
      i32[rest + 2] = i32[run + 2]!;
      i32[rest] = K_FREE;
      i32[run + 1] = LAB_WORDS;
      Atomics.store(i32, H_FREE, rest);
    } else {
      Atomics.store(i32, H_FREE, i32[run + 2]!);
    }
  }
  Atomics.store(i32, H_FREE_LOCK, 0);
  return run;
}


// Blocks released with SharedStruct.release (core.ts "Explicit release"), kept by this agent for its next struct of
// the same size: index = size in words (even, < RELEASED_LISTS), value = block addresses. Each block is a zeroed
// filler ([K_FILLER, size, 0...]) until it is handed out again, so the heap stays walkable. Only this agent knows
// these addresses (a released block never escaped), so no other agent can read or hand them out. At every
// safepoint and collection the lists are dropped (closeAllocationBuffer): the sweep then reclaims the fillers like
// any other free memory, so the lists never point into memory the collector gave to someone else.
const RELEASED_LISTS = 64;
let releasedBlocks: number[][] = [];

/** Internal (core.ts): keep the released block at `a` (`words` words, even) for reuse by this agent. */
export function keepReleased(a: number, words: number): boolean {
  if (words >= RELEASED_LISTS) return false;
  let l = releasedBlocks[words];
  if (l === undefined) {
    if (releasedBlocks.length === 0) releasedBlocks = Array.from({ length: RELEASED_LISTS }, () => []);
    l = releasedBlocks[words]!;
  }
  if (l.length >= 1 << 16) return false; // bounded; the collector reclaims the rest
  l.push(a);
  return true;
}

/** Internal (core.ts): a zeroed block of exactly `words` words (even) that this agent released, or 0. */
export function takeReleased(words: number): number {
  const l = releasedBlocks[words];
  if (l === undefined || l.length === 0) return 0;
  const a = l.pop()!;
  i32[a] = 0; // [0, 0] walks as unwritten memory until the caller writes [size, kind]
  i32[a + 1] = 0;
  return a;
}

/** Internal (collect.ts): close this agent's allocation buffer so the heap is walkable up to TOP. */
export function closeAllocationBuffer(): void {
  closeLab();
  if (releasedBlocks.length !== 0) releasedBlocks = [];
}

/** Internal: cap the heap at `bytes` (0 restores the reservation). Used by tests to provoke exhaustion. */
export function setHeapLimit(bytes: number): void {
  ensureHeap();
  closeLab();
  Atomics.store(i32, H_LIMIT, Math.max(0, Math.floor(bytes / 4)));
}

/** Internal statistics: words in use (bump pointer) and bytes mapped. */
export function heapStats(): { usedBytes: number; bufferBytes: number; maxBytes: number; limitBytes: number } {
  ensureHeap();
  return {
    usedBytes: Atomics.load(i32, H_TOP) * 4,
    bufferBytes: heap.sab!.byteLength,
    maxBytes: heap.maxWords * 4,
    limitBytes: limitWords() * 4,
  };
}

/** Make sure the block at `addr` spanning `words` words is inside this agent's views (another agent may have grown the buffer). */
export function ensureMapped(endWord: number): void {
  if (endWord > i32.length) {
    refreshViews();
    if (endWord > i32.length) throw codes.ERR_MODMAP_INVALID_SHARED(`Address ${endWord}`, 'inside the shared heap');
  }
}
