// Hooks for the cross-agent transport (src/transport) and for worker start-up. Internal API: the names start
// with `__`, and user code never needs them; modmap's transport calls them for every message.

import { canBeShared, canonical, encode, ensureKeyed, SharedHandle } from './core.js';
import { attachHeap, ensureHeap, ensureMapped, H_HEAP_ID, H_TRANSIT, heapId, heapPayload, i32, K_ARRAY, K_CONDITION, K_MUTEX, K_STRUCT, markAgentExited, TRANSIT_SLOTS } from './heap.js';
import { codes } from '../errors.js';
import { provideEngine } from './bridge.js';

/** What __encodeShared returns: a heap address and a kind tag, never a copy of the graph. */
export interface SharedPayload {
  readonly modmapShared: 1;
  readonly heap: number;
  readonly addr: number;
  readonly kind: number;
  /** The transit-table slot that keeps the value alive until it is decoded (-1: pinned for good), and its ticket. */
  readonly slot: number;
  readonly ticket: number;
}

const SHAREABLE_KINDS = new Set([K_STRUCT, K_ARRAY, K_MUTEX, K_CONDITION]);
const H_FENCE = 15;

/**
 * Internal. The structured-cloneable payload a new worker passes to __attachHeap() so that it uses this
 * process's heap (the main thread creates it on first use).
 */
export function __heapForWorker(): unknown {
  return heapPayload();
}

/**
 * Internal. Tell the heap that the worker started with `payload` (what __heapForWorker() returned for it, or its
 * `agentId`) has exited, so that mutexes it still held can be taken over (`token.ownerDied`). Call it from the
 * Worker's 'exit' event, never earlier: Node emits 'exit' after the thread (and every worker it started) stopped.
 * Returns false for a payload whose worker never attached, or was already reported, or that is not a worker's.
 */
export function __agentExited(payload: unknown): boolean {
  const id = typeof payload === 'number' ? payload : (payload as { agentId?: unknown } | null)?.agentId;
  return typeof id === 'number' && Number.isInteger(id) && id > 0 ? markAgentExited(id) : false;
}

/** Internal. Attach this agent to the heap described by `payload`, before any shared value is created here. */
export function __attachHeap(payload: unknown): void {
  attachHeap(payload);
}

/**
 * Internal. For a struct, SharedArray, Mutex or Condition: a small structured-cloneable payload (O(1), the
 * block address and its kind). Undefined for every other value.
 */
export function __encodeShared(value: unknown): SharedPayload | undefined {
  const a = SharedHandle.addrOf(value);
  if (a < 0) return undefined;
  // A struct must carry its type key, or the receiver could never find its prototype: this throws
  // ERR_MODMAP_UNKEYED_STRUCT at the postMessage call, before anything is sent.
  if ((i32[a]! & 0xff) === K_STRUCT) ensureKeyed(a);
  // Registers the handle in this agent's identity cache (its address escapes), so a later decode here
  // returns this very object.
  encode(value);
  // A sequentially consistent write the receiver's __decodeShared reads: everything this agent wrote before
  // sending happens-before what the receiver reads after decoding, independently of the host's message queue.
  const ticket = (Atomics.add(i32, H_FENCE, 1) + 1) | 1; // unique enough to tell this message's slot use apart
  const kind = i32[a]! & 0xff;
  return { modmapShared: 1, heap: i32[H_HEAP_ID]!, addr: a, kind, slot: holdInTransit(a, kind, ticket), ticket };
}

// Values in transit: between __encodeShared and __decodeShared, no agent may hold a handle for the value (the
// sender may drop its own at once), so the collector counts the transit table's entries as roots. Each entry is
// [address, ticket]; the receiver clears it once it has its handle. A payload that is never decoded (the message
// was never received, or the receiver died first) keeps its value alive for good: a leak, never an unsafe free.
// When all slots are taken, the sender keeps a handle to the value for good instead (pinned).

function holdInTransit(a: number, kind: number, ticket: number): number {
  const table = Atomics.load(i32, H_TRANSIT);
  if (table !== 0) {
    const start = (ticket >>> 1) & (TRANSIT_SLOTS - 1);
    for (let k = 0; k < TRANSIT_SLOTS; k++) {
      const slot = (start + k) & (TRANSIT_SLOTS - 1);
      const w = table + 2 + 2 * slot;
      if (Atomics.load(i32, w) === 0 && Atomics.compareExchange(i32, w, 0, a) === 0) {
        Atomics.store(i32, w + 1, ticket);
        return slot;
      }
    }
  }
  void kind;
  pinned.push(canonical(a)); // this agent keeps a handle for good: a root forever
  return -1;
}
const pinned: unknown[] = [];

/** Release the transit slot of a payload being decoded; false if it was already released (decoded before). */
function releaseTransit(p: Partial<SharedPayload>): boolean {
  if (typeof p.slot !== 'number' || p.slot < 0) return true; // pinned: nothing to release
  const table = Atomics.load(i32, H_TRANSIT);
  const w = table + 2 + 2 * (p.slot & (TRANSIT_SLOTS - 1));
  if (table === 0 || Atomics.load(i32, w + 1) !== p.ticket || Atomics.load(i32, w) !== p.addr) return false;
  if (Atomics.compareExchange(i32, w + 1, p.ticket, 0) !== p.ticket) return false;
  Atomics.store(i32, w, 0);
  return true;
}

/** Internal, for tests: values in transit now. */
export function transitCount(): number {
  ensureHeap();
  const table = Atomics.load(i32, H_TRANSIT);
  let n = 0;
  for (let s = 0; s < TRANSIT_SLOTS; s++) if (Atomics.load(i32, table + 2 + 2 * s) !== 0) n++;
  return n;
}

/** Internal. The agent's canonical object for a payload made by __encodeShared in any agent of this heap. */
export function __decodeShared(payload: unknown): unknown {
  const p = payload as Partial<SharedPayload> | null;
  if (p === null || typeof p !== 'object' || p.modmapShared !== 1 || typeof p.addr !== 'number') {
    throw codes.ERR_MODMAP_INVALID_SHARED(String(payload), 'a payload made by __encodeShared()');
  }
  ensureHeap();
  if (p.heap !== heapId()) throw codes.ERR_MODMAP_FOREIGN_HEAP('A received shared value');
  Atomics.load(i32, H_FENCE);
  ensureMapped(p.addr + 2);
  const kind = i32[p.addr]! & 0xff;
  if (kind !== p.kind || !SHAREABLE_KINDS.has(kind)) {
    throw codes.ERR_MODMAP_INVALID_SHARED(`The payload for address ${p.addr}`, 'a live shared value');
  }
  // The first decode releases the value's transit slot: from then on the value lives as long as some agent holds
  // it. modmap's transport encodes once per message and decodes once per message. A payload decoded again (the
  // tests hand one payload to several workers) is only valid while some agent still keeps the value reachable.
  const h = canonical(p.addr); // a root of this agent from now on
  releaseTransit(p);
  return h;
}


// The transport reaches the engine through bridge.ts, which loads it only when first needed.
provideEngine({ canBeShared, __encodeShared, __decodeShared, __heapForWorker, __attachHeap, __agentExited });
