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

// ---------------------------------------------------------------------------------------------------------
// Collection: a stop-the-world mark–sweep of the whole heap, coordinated between agents through safepoints.
// See README-structs.md "Reclamation" for the argument; in short:
//
// - Roots of an agent are the addresses of its handles that the engine has not finalized yet (core.ts "Roots").
//   Roots of the heap: every live agent's roots, values in transit (the transit table), type descriptors and
//   heap metadata (K_TYPE, K_META), and blocks pinned for good (PIN).
// - The collecting agent takes GC_LOCK, bumps EPOCH, clears the acknowledgement tag of every live agent, and
//   publishes ACTIVE = epoch (notified: idle agents wake through an Atomics.waitAsync on ACTIVE). Each live agent,
//   at its next safepoint, closes its allocation buffer, sets the ROOT bit in the gc word of each of its roots,
//   writes the epoch's tag into its agent-table entry, and parks until ACTIVE changes. Safepoints: the allocation
//   slow path, the slices of every blocking Mutex/Condition wait, and the idle waiter.
// - Once every ALIVE agent has acknowledged (agents that exited are not waited for; the table is re-read on each
//   check), no agent runs: the heap is frozen, and every agent's roots are what they were when it parked. The
//   collector marks from the roots through reference words and box addresses (an explicit stack, so cycles and
//   long lists are fine), then sweeps: unreachable blocks are zeroed and joined into free runs (as collectBoxes
//   does), ROOT bits are cleared, and ACTIVE = 0 releases everyone.
// - If some agent does not acknowledge within the timeout (a long synchronous loop that never allocates or
//   waits), the collection is abandoned and nothing is freed (ROOT bits left behind only keep blocks one more
//   collection).

import { canWait, H_GC_ACKS, H_GC_ACTIVE, H_GC_ALLOCATED, H_GC_COUNT, H_GC_EPOCH, H_GC_LIVE, H_GC_NOGC, H_GC_TRIGGER, H_TRANSIT, lockCollector, setGcHooks, unlockCollector, agentEntryIndex, ACK_MASK, ACK_SHIFT, AGENT_ALIVE, TRANSIT_SLOTS, isAgentDead, H_GC_LOCK } from './heap.js';
import { clearHotCache, forEachRoot } from './core.js';

/** The gc word (struct/array: word 3, Mutex/Condition: word 2): GC_ROOT while some agent's roots include it. */
export const GC_ROOT = 1 << 30;

function gcWordOf(p: number, kind: number): number {
  return kind === K_STRUCT || kind === K_ARRAY ? p + 3 : p + 2;
}

const PARK_SLICE_MS = 20;
let collectTimeoutMs = 5000;
/** Epoch this agent last acknowledged (so that one collection is never acknowledged twice). */
let lastAcked = 0;
const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

function tagOf(epoch: number): number {
  return (epoch % 63) + 1;
}

function setAck(epoch: number): void {
  const e = agentEntryIndex(heap.agentId);
  if (e < 0) return;
  for (;;) {
    const v = Atomics.load(i32, e);
    if (Atomics.compareExchange(i32, e, v, (v & ~ACK_MASK) | (tagOf(epoch) << ACK_SHIFT)) === v) return;
  }
}

function markOwnRoots(): void {
  // Plain writes: concurrent markers only ever set the same bit, and the acknowledgement that follows (seq-cst)
  // orders them before the collector's reads.
  const h = i32;
  forEachRoot((a) => {
    const g = gcWordOf(a, h[a]! & 0xff);
    h[g] = h[g]! | GC_ROOT;
  });
}

/** Sleep (or spin, where the agent cannot block) while word `index` holds `value`, at most `ms`. */
function pause(index: number, value: number, ms: number): void {
  if (canWait()) {
    Atomics.wait(i32, index, value, ms);
    return;
  }
  const end = now() + ms;
  while (Atomics.load(i32, index) === value && now() < end);
}

/** The safepoint: take part in the collection in progress, if any, and return once it has ended. */
export function safepoint(): void {
  const epoch = Atomics.load(i32, H_GC_ACTIVE);
  if (epoch === 0 || epoch === lastAcked || heap.agentId === 0) return;
  lastAcked = epoch;
  closeAllocationBuffer();
  markOwnRoots();
  setAck(epoch);
  Atomics.add(i32, H_GC_ACKS, 1);
  Atomics.notify(i32, H_GC_ACKS);
  // Park. A collector that exited (killed) cannot release us: the first parked agent to notice ends its epoch.
  while (Atomics.load(i32, H_GC_ACTIVE) === epoch) {
    pause(H_GC_ACTIVE, epoch, PARK_SLICE_MS);
    const holder = Atomics.load(i32, H_GC_LOCK);
    if (holder > 0 && isAgentDead(holder)) Atomics.compareExchange(i32, H_GC_ACTIVE, epoch, 0);
  }
}

// The idle safepoint: an agent whose event loop is idle answers through an Atomics.waitAsync on ACTIVE. Node does
// not keep the event loop alive for a pending waitAsync, so this never keeps a worker or the process running.
const hasWaitAsync = typeof (Atomics as { waitAsync?: unknown }).waitAsync === 'function';
let idleArmed = false;
function armIdle(): void {
  if (!hasWaitAsync || idleArmed || heap.sab === null) return;
  const v = Atomics.load(i32, H_GC_ACTIVE);
  if (v !== 0 && v !== lastAcked) {
    idleArmed = true;
    queueMicrotask(idleWake);
    return;
  }
  const r = (Atomics as unknown as {
    waitAsync(a: Int32Array<ArrayBufferLike>, i: number, v: number): { async: boolean; value: Promise<string> | string };
  }).waitAsync(i32, H_GC_ACTIVE, v);
  idleArmed = true;
  if (!r.async) queueMicrotask(idleWake);
  else (r.value as Promise<string>).then(idleWake, idleWake);
}
function idleWake(): void {
  idleArmed = false;
  safepoint();
  // Re-arm from a task, not a microtask: if a new collection started, we answer it from the event loop.
  if (typeof setTimeout === 'function') {
    const t = setTimeout(armIdle, 0) as unknown as { unref?: () => void };
    t.unref?.();
  } else armIdle();
}

export interface CollectStats {
  /** True if the collection ran; false if it was abandoned or refused (see `reason`). */
  readonly ok: boolean;
  readonly reason?: string;
  readonly epoch: number;
  /** Agents waited for (other than the collector). */
  readonly agents: number;
  /** Time waiting for the other agents, and the whole pause (ms). */
  readonly waitMs: number;
  readonly pauseMs: number;
  readonly freedBytes: number;
  readonly liveBytes: number;
  readonly usedBefore: number;
  readonly usedAfter: number;
  readonly runs: number;
}

const refused = (reason: string, epoch = 0): CollectStats => ({
  ok: false, reason, epoch, agents: 0, waitMs: 0, pauseMs: 0, freedBytes: 0, liveBytes: 0,
  usedBefore: Atomics.load(i32, H_TOP) * 4, usedAfter: Atomics.load(i32, H_TOP) * 4, runs: 0,
});

let marks = new Uint8Array(0);
let stack: Int32Array<ArrayBufferLike> = new Int32Array(1024);
/** Stats of this agent's last collection (for benchmarks). */
export const collectLog: { last: CollectStats | null; count: number; pauseMs: number; maxPauseMs: number } = { last: null, count: 0, pauseMs: 0, maxPauseMs: 0 };

/**
 * Collect the whole heap now, with every live agent. Returns what happened; never throws for an agent that does
 * not answer (the collection is abandoned after the timeout, and nothing changes).
 */
export function collect(timeoutMs = collectTimeoutMs): CollectStats {
  ensureHeap();
  if (Atomics.load(i32, H_GC_NOGC) > 0) return refused('an agent cannot take part (untracked)');
  if (heap.agentId === 0) return refused('this agent has not joined the heap');
  if (Atomics.load(i32, H_GC_ACTIVE) !== 0) {
    safepoint();
    return refused('another agent was collecting');
  }
  const me = heap.agentId;
  const lockValue = lockCollector(me);
  const t0 = now();
  const epoch = Atomics.add(i32, H_GC_EPOCH, 1) + 1;
  let agents = 0;
  try {
    // Clear the tags of the live agents, then request.
    const n = Atomics.load(i32, H_AGENTS);
    for (let id = 1; id <= n; id++) {
      const e = agentEntryIndex(id);
      if (e < 0) continue;
      for (;;) {
        const v = Atomics.load(i32, e);
        if ((v & ACK_MASK) === 0 || Atomics.compareExchange(i32, e, v, v & ~ACK_MASK) === v) break;
      }
    }
    Atomics.store(i32, H_GC_ACTIVE, epoch);
    Atomics.notify(i32, H_GC_ACTIVE);
    lastAcked = epoch;
    closeAllocationBuffer();
    markOwnRoots();
    // Wait for every other live agent's acknowledgement.
    const tag = tagOf(epoch);
    const deadline = t0 + timeoutMs;
    for (;;) {
      const acks = Atomics.load(i32, H_GC_ACKS);
      let missing = 0;
      agents = 0;
      const count = Atomics.load(i32, H_AGENTS);
      for (let id = 1; id <= count; id++) {
        if (id === me) continue;
        const e = agentEntryIndex(id);
        if (e < 0) continue;
        const v = Atomics.load(i32, e);
        if ((v & 3) !== AGENT_ALIVE) continue;
        agents++;
        if (((v & ACK_MASK) >>> ACK_SHIFT) !== tag) missing++;
      }
      if (missing === 0) break;
      if (now() >= deadline) {
        return refused(`${missing} agent(s) did not reach a safepoint within ${timeoutMs} ms`, epoch);
      }
      pause(H_GC_ACKS, acks, 2);
    }
    const waitMs = now() - t0;
    const r = markAndSweep();
    const pauseMs = now() - t0;
    Atomics.store(i32, H_GC_ALLOCATED, 0);
    Atomics.store(i32, H_GC_LIVE, r.liveWords);
    Atomics.add(i32, H_GC_COUNT, 1);
    const stats: CollectStats = { ok: true, epoch, agents, waitMs, pauseMs, freedBytes: r.freedWords * 4, liveBytes: r.liveWords * 4, usedBefore: r.top * 4, usedAfter: Atomics.load(i32, H_TOP) * 4, runs: r.runs };
    collectLog.last = stats;
    collectLog.count++;
    collectLog.pauseMs += pauseMs;
    collectLog.maxPauseMs = Math.max(collectLog.maxPauseMs, pauseMs);
    return stats;
  } finally {
    // Abandoned or done: release everyone. (An abandoned collection still counts as "allocation seen", so the next
    // automatic attempt waits for another trigger's worth of allocation.)
    if (Atomics.load(i32, H_GC_ACTIVE) === epoch) {
      Atomics.store(i32, H_GC_ALLOCATED, 0);
      Atomics.store(i32, H_GC_ACTIVE, 0);
      Atomics.notify(i32, H_GC_ACTIVE);
    }
    unlockCollector(lockValue);
  }
}

/** Kinds a heap walk accepts (index: kind word). */
const WALKABLE = new Uint8Array(256);
for (const k of KNOWN) WALKABLE[k] = 1;

function markAndSweep(): { freedWords: number; liveWords: number; top: number; runs: number } {
  refreshViews();
  const h = i32; // every agent is parked: plain accesses, ordered by the acknowledgements and the release
  const top = Atomics.load(h, H_TOP);
  // Pass 1: walk the heap, record block starts (1) and push the roots (marked: 3). Nothing changes yet.
  const units = (top >>> 1) + 1;
  if (marks.length < units) marks = new Uint8Array(Math.max(units, marks.length * 2));
  else marks.fill(0, 0, units);
  const mk = marks;
  let st = stack;
  let sp = 0;
  for (let p = HEAP_START; p < top; ) {
    const w = h[p]!;
    if (w === 0) {
      p += 2;
      continue;
    }
    if (w > 255 || WALKABLE[w] === 0) throw codes.ERR_MODMAP_INVALID_SHARED(`The block at ${p} (kind ${w})`, 'a walkable heap block');
    const size = w === K_F64 ? 4 : h[p + 1]!;
    if (!(size >= 2) || (size & 1) !== 0 || p + size > top) sizeAt(p, top); // throws
    let root = false;
    if (w === K_STRUCT || w === K_ARRAY) root = (h[p + 3]! & GC_ROOT) !== 0;
    else if (w === K_MUTEX || w === K_CONDITION) root = (h[p + 2]! & GC_ROOT) !== 0;
    else root = w === K_TYPE || w === K_META;
    if (root) {
      mk[p >>> 1] = 3;
      if (sp === st.length) st = growStack(st);
      st[sp++] = p;
    } else mk[p >>> 1] = 1;
    p += size;
  }
  // Values in transit.
  const transit = Atomics.load(h, H_TRANSIT);
  if (transit !== 0) {
    for (let s = 0; s < TRANSIT_SLOTS; s++) {
      const a = h[transit + 2 + 2 * s]!;
      if (a > 0 && a < top && (a & 1) === 0 && mk[a >>> 1] === 1) {
        mk[a >>> 1] = 3;
        if (sp === st.length) st = growStack(st);
        st[sp++] = a;
      }
    }
  }
  // Pass 2: trace, with an explicit stack. Each word of a struct field or array element that is a reference
  // (bit 30) or a box address; words naming no block start are ignored.
  while (sp > 0) {
    const p = st[--sp]!;
    const kind = h[p]!;
    const size = h[p + 1]!;
    let from: number;
    if (kind === K_STRUCT || kind === K_ARRAY) from = p + 4;
    else if (kind === K_TYPE) {
      from = p + 8;
      for (const w of [h[p + 3]!, h[p + 5]!]) if (w >= HEAP_START && w < top && (w & 1) === 0 && mk[w >>> 1] === 1) mk[w >>> 1] = 3;
    } else continue;
    for (let s = from; s < p + size; s++) {
      const w = h[s]!;
      if ((w & 1) !== 0 || w < HEAP_START) continue;
      const a = w >= OBJ_TAG ? w ^ OBJ_TAG : w;
      if (a >= top || mk[a >>> 1] !== 1) continue;
      mk[a >>> 1] = 3;
      const k = h[a]!;
      if (k === K_STRUCT || k === K_ARRAY) {
        if (sp === st.length) st = growStack(st);
        st[sp++] = a;
      }
    }
  }
  stack = st;
  // Pass 3: sweep. Unmarked blocks, fillers, old runs and unwritten memory are joined into zeroed runs.
  Atomics.store(h, H_FREE_LOCK, 1); // every agent is parked; a holder that was killed lost it
  let freeHead = 0;
  let freed = 0;
  let live = 0;
  let runs = 0;
  let runStart = -1;
  for (let p = HEAP_START; ; ) {
    let size = 0;
    let free = true;
    if (p < top) {
      const w = h[p]!;
      if (w === 0) size = 2;
      else {
        size = w === K_F64 ? 4 : h[p + 1]!;
        if (w === K_FILLER || w === K_FREE) free = true;
        else if (w === K_TYPE || w === K_META) free = false;
        else {
          free = mk[p >>> 1] !== 3;
          if (free) freed += size;
          else if (w === K_STRUCT || w === K_ARRAY) h[p + 3] = 0; // clear ROOT
          else if (w === K_MUTEX || w === K_CONDITION) h[p + 2] = 0;
        }
      }
      if (free) {
        if (runStart < 0) runStart = p;
        p += size;
        continue;
      }
      live += size;
    }
    // End of a run (at a live block, or at the top).
    if (runStart >= 0) {
      const end = p;
      const len = end - runStart;
      h.fill(0, runStart, end);
      // A run at the top lowers the bump pointer, unless an agent that has not joined yet bumped it meanwhile.
      if (end === top && Atomics.compareExchange(h, H_TOP, top, runStart) === top) {
        // trimmed
      } else if (len >= MIN_FREE_RUN) {
        h[runStart] = K_FREE;
        h[runStart + 1] = len;
        h[runStart + 2] = freeHead;
        freeHead = runStart;
        runs++;
      } else {
        h[runStart + 1] = len;
        h[runStart] = K_FILLER;
      }
      runStart = -1;
    }
    if (p >= top) break;
    p += size;
  }
  Atomics.store(h, H_FREE, freeHead);
  Atomics.store(h, H_FREE_LOCK, 0);
  return { freedWords: freed, liveWords: live, top, runs };
}

function growStack(st: Int32Array<ArrayBufferLike>): Int32Array<ArrayBufferLike> {
  const bigger = new Int32Array(st.length * 2);
  bigger.set(st);
  return bigger;
}

/** Internal knobs: the timeout for other agents' safepoints, and the automatic trigger (bytes; 0 default, -1 off). */
export function setCollectTimeout(ms: number): void {
  collectTimeoutMs = ms;
}
export function setCollectTrigger(bytes: number): void {
  ensureHeap();
  Atomics.store(i32, H_GC_TRIGGER, bytes < 0 ? -1 : Math.floor(bytes / 4));
}

/** Wait until no collection is running, taking part in it meanwhile. */
function waitForCollector(): void {
  for (;;) {
    const holder = Atomics.load(i32, H_GC_LOCK);
    if (holder === 0 || (holder > 0 && isAgentDead(holder))) return;
    safepoint();
    pause(H_GC_LOCK, holder, 5);
  }
}

let lastExhaustedCollect = -Infinity;
/** Minimum time between two collections that one agent starts because its allocation failed. */
const EXHAUSTED_BACKOFF_MS = 20;

// Pressure on the engine's own collector. A handle stops being a root only when the engine has collected it and
// its finalizer has run, and V8 runs finalizers only after a full (mark-compact) collection: young-generation
// scavenges keep objects registered with a FinalizationRegistry alive (measured on Node 20 and 24: 2 million
// dropped handles, no full GC, 0 finalized on Node 24). A program that makes many short-lived structs but little
// other JS garbage would then keep its dead structs' memory for a long time. So each agent tells the engine about
// the shared memory it takes, the only way JS can: for every 256 KiB it takes, it keeps an ArrayBuffer BALLAST_RATIO times as
// large alive until the engine's next full collection (noticed through a finalizer on a sentinel object). The engine
// counts ArrayBuffer memory as external memory and runs a full collection when it grows by ~64 MiB, i.e. about every
// 64 / BALLAST_RATIO MiB of shared allocation per agent. The buffers are never touched (address space, not RSS).
const BALLAST_RATIO = 32;
const BALLAST_MAX = 16;
let ballast: ArrayBuffer[] = [];
let tookWords = 0;
//
// The same sentinel empties the identity cache's strong front array (core.ts "Identity"): a handle the program
// dropped but that array still holds is not collectable, so it would stay a root for up to 2 s, and under fast churn
// that is most of the heap (measured with bench/soak.mjs: live bytes after a collection 12-19 MiB with it, 6-9 MiB
// without, for ~4 MiB of records). Emptied at each full collection, a cached handle outlives its last use by at
// most two of them. Refilling costs one WeakRef lookup per handle read again, once per full collection.
const sentinels = new FinalizationRegistry<number>(() => {
  ballast = [];
  clearHotCache();
  armSentinel();
});
function armSentinel(): void {
  sentinels.register({}, 0);
}
armSentinel();

setGcHooks({
  took(words) {
    tookWords += words;
    if (tookWords >= 1 << 16) {
      tookWords = 0;
      if (ballast.length < BALLAST_MAX) ballast.push(new ArrayBuffer(BALLAST_RATIO << 18));
    }
  },
  safepoint,
  collect(reason) {
    const before = Atomics.load(i32, H_GC_COUNT);
    if (Atomics.load(i32, H_GC_LOCK) !== 0) {
      // Another agent is collecting (or about to): take part, wait for it to finish, and try again.
      waitForCollector();
      return Atomics.load(i32, H_GC_COUNT) !== before;
    }
    if (reason === 'exhausted') {
      const t = now();
      if (t - lastExhaustedCollect < EXHAUSTED_BACKOFF_MS) return false;
      lastExhaustedCollect = t;
    }
    const r = collect();
    return r.ok || Atomics.load(i32, H_GC_COUNT) !== before;
  },
  joined() {
    safepoint();
    armIdle();
  },
});
if (heap.sab !== null) armIdle();
