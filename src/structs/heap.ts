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
//   16..31 reserved for reclamation (issue 7): free-list heads per size class, the free-list lock, epoch
// Blocks start at HEAP_START, are a whole number of 8-byte units, and begin with [kind, sizeInWords], except number
// boxes: [kind, three data words], whose size (4) the kind implies.

import { codes } from '../errors.js';

export const MAGIC = 0x6d6f646d; // 'modm'
export const VERSION = 1;
export const H_MAGIC = 8;
export const H_VERSION = 9;
export const H_TOP = 10;
export const H_LIMIT = 11;
export const H_AGENTS = 12;
export const H_TYPES = 13;
export const H_HEAP_ID = 14;
export const HEAP_START = 32;

// Block kinds (low byte of word 0 of a block).
export const K_FILLER = 0x10;
export const K_F64 = 0x11;
export const K_STRING = 0x12;
export const K_BIGINT = 0x13;
export const K_STRUCT = 0x21;
export const K_ARRAY = 0x22;
export const K_MUTEX = 0x23;
export const K_CONDITION = 0x24;
export const K_TYPE = 0x31;

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

function adopt(sab: SharedArrayBuffer): void {
  heap.sab = sab;
  heap.maxWords = Math.floor((sab.growable ? sab.maxByteLength : sab.byteLength) / 4);
  refreshViews();
  heap.agentId = newAgentId();
  labTop = labEnd = 0;
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
}

/** The heap, created on first use. */
export function ensureHeap(): void {
  if (heap.sab === null) createHeap();
}

export function heapId(): number {
  ensureHeap();
  return i32[H_HEAP_ID]!;
}

export interface HeapPayload {
  readonly modmapHeap: 1;
  readonly buffer: SharedArrayBuffer;
  readonly heapId: number;
}

export function heapPayload(): HeapPayload {
  ensureHeap();
  return { modmapHeap: 1, buffer: heap.sab!, heapId: i32[H_HEAP_ID]! };
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

function closeLab(): void {
  if (labEnd > labTop) {
    // A filler block keeps the heap walkable for the reclamation pass (issue 7).
    i32[labTop] = K_FILLER;
    i32[labTop + 1] = labEnd - labTop;
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
  if (n > LAB_MAX_REQUEST) return allocGlobal(n);
  let chunk: number;
  try {
    chunk = allocGlobal(LAB_WORDS);
  } catch (error) {
    // Near the limit: serve this request exactly, so the limit is honoured to the word.
    const r = allocGlobal(n);
    void error;
    return r;
  }
  closeLab();
  labTop = chunk + n;
  labEnd = chunk + LAB_WORDS;
  return chunk;
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
