// Reclamation, first piece: a sweep of unreachable boxes, run explicitly by the only live agent of the heap.
//
// What it frees: number boxes, strings and bigints that no struct field, SharedArray element or type descriptor
// refers to any more (the boxes that overwritten fields leave behind: every double, string or bigint write makes
// one). Struct, SharedArray, Mutex and Condition blocks are all kept: an agent may hold a JS handle to any of
// them, and handles made by `new` are not tracked (tracking every handle would cost the allocation path a WeakRef
// and a finalizer), so every object block is a root. Boxes are never held by JS: a read decodes them at once.
//
// Why it is safe only with one live agent: another agent could be between loading a box address from a field
// and reading the box (or be writing a block whose header is not written yet). So collectBoxes() refuses unless
// every other agent id of the heap is marked exited (heap.ts "Agents"), and it runs synchronously, never inside a
// read. Freed memory is zeroed before reuse (fresh fields read as undefined; a number box is written once after
// zeroing, see values.ts), and goes back to allocation as whole runs: adjacent free blocks are joined, a run at
// the top lowers the bump pointer, other runs of at least MIN_FREE_RUN words go on the FREE list, from which
// agents take allocation buffers (heap.ts allocSlow; the inline allocation path is unchanged).
//
// Not done here (issue 7): freeing objects (needs per-agent roots), cycles, concurrent or multi-agent collection
// with epochs, and a heap walk that survives a worker killed half-way through writing a block (see below).

import { codes } from '../errors.js';
import {
  agentState,
  AGENT_DEAD,
  closeAllocationBuffer,
  ensureHeap,
  H_AGENTS,
  H_FREE,
  H_FREE_LOCK,
  H_TOP,
  HEAP_START,
  heap,
  i32,
  K_ARRAY,
  K_BIGINT,
  K_CONDITION,
  K_F64,
  K_FILLER,
  K_FREE,
  K_META,
  K_MUTEX,
  K_STRING,
  K_STRUCT,
  K_TYPE,
  MIN_FREE_RUN,
  refreshViews,
} from './heap.js';

const OBJ_TAG = 0x40000000;

export interface CollectResult {
  /** Bytes of unreachable boxes freed. */
  readonly freedBytes: number;
  /** Bytes returned to the bump pointer (a free run at the top of the heap). */
  readonly trimmedBytes: number;
  /** Free runs put on the FREE list, and their total bytes. */
  readonly runs: number;
  readonly runBytes: number;
  /** Bytes in use (the bump pointer) before and after. */
  readonly usedBefore: number;
  readonly usedAfter: number;
}

function sizeAt(p: number, top: number): number {
  const kind = i32[p]! & 0xff;
  const size = kind === K_F64 ? 4 : i32[p + 1]!;
  if (!(size >= 2) || (size & 1) !== 0 || p + size > top) {
    throw codes.ERR_MODMAP_INVALID_SHARED(`The block at ${p} (kind ${kind}, size ${size})`, 'a walkable heap block');
  }
  return size;
}

const KNOWN = new Set([K_FILLER, K_FREE, K_F64, K_STRING, K_BIGINT, K_STRUCT, K_ARRAY, K_MUTEX, K_CONDITION, K_TYPE, K_META]);

/**
 * Free every box that no object or type descriptor refers to. Throws ERR_MODMAP_AGENTS_RUNNING (and changes
 * nothing) unless this is the only live agent of the heap.
 */
export function collectBoxes(): CollectResult {
  ensureHeap();
  const me = heap.agentId;
  const agents = Atomics.load(i32, H_AGENTS);
  const running: number[] = [];
  for (let id = 1; id <= agents; id++) if (id !== me && agentState(id) !== AGENT_DEAD) running.push(id);
  if (running.length > 0) throw codes.ERR_MODMAP_AGENTS_RUNNING(running.length);
  closeAllocationBuffer();
  refreshViews();
  const top = Atomics.load(i32, H_TOP);
  // Pass 1: check that the heap is walkable and mark every box address found in a root (nothing changes yet).
  const marks = new Uint8Array((top >>> 1) + 1);
  const mark = (w: number): void => {
    if ((w & 1) === 0 && w >= HEAP_START && w < OBJ_TAG && w < top) marks[w >>> 1] = 1;
  };
  for (let p = HEAP_START; p < top; ) {
    const w = i32[p]!;
    if (w === 0) {
      p += 2; // unwritten memory (the rest of an exited agent's allocation buffer)
      continue;
    }
    const kind = w; // a block's first word is exactly its kind
    if (!KNOWN.has(kind)) throw codes.ERR_MODMAP_INVALID_SHARED(`The block at ${p} (kind ${kind})`, 'a walkable heap block');
    const size = sizeAt(p, top);
    if (kind === K_STRUCT || kind === K_ARRAY) {
      for (let s = p + 4; s < p + size; s++) mark(i32[s]!);
    } else if (kind === K_TYPE) {
      for (let s = p + 2; s < p + size; s++) mark(i32[s]!); // key, class name, field names (others are harmless)
    }
    p += size;
  }
  // Pass 2: sweep. Free blocks (unmarked boxes, fillers, old runs, unwritten memory) are joined into runs.
  // Every other agent has exited, so a held lock belongs to a dead agent: take it.
  Atomics.store(i32, H_FREE_LOCK, 1);
  let freeHead = 0;
  let freed = 0;
  let runs = 0;
  let runWords = 0;
  let trimmed = 0;
  let runStart = -1;
  const endRun = (end: number): void => {
    if (runStart < 0) return;
    const len = end - runStart;
    i32.fill(0, runStart, end);
    if (end === top) {
      Atomics.store(i32, H_TOP, runStart); // the only live agent: nobody else bumps the pointer now
      trimmed = len;
    } else if (len >= MIN_FREE_RUN) {
      i32[runStart] = K_FREE;
      i32[runStart + 1] = len;
      i32[runStart + 2] = freeHead;
      freeHead = runStart;
      runs++;
      runWords += len;
    } else {
      i32[runStart] = K_FILLER;
      i32[runStart + 1] = len;
    }
    runStart = -1;
  };
  for (let p = HEAP_START; p < top; ) {
    const w = i32[p]!;
    let size: number;
    let free: boolean;
    if (w === 0) {
      size = 2;
      free = true;
    } else {
      const kind = w;
      size = sizeAt(p, top);
      if (kind === K_F64 || kind === K_STRING || kind === K_BIGINT) {
        free = marks[p >>> 1] === 0;
        if (free) freed += size;
      } else {
        free = kind === K_FILLER || kind === K_FREE;
      }
    }
    if (free) {
      if (runStart < 0) runStart = p;
    } else {
      endRun(p);
    }
    p += size;
  }
  endRun(top);
  Atomics.store(i32, H_FREE, freeHead);
  Atomics.store(i32, H_FREE_LOCK, 0);
  return {
    freedBytes: freed * 4,
    trimmedBytes: trimmed * 4,
    runs,
    runBytes: runWords * 4,
    usedBefore: top * 4,
    usedAfter: Atomics.load(i32, H_TOP) * 4,
  };
}
