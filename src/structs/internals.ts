// Internal knobs for modmap's own tests and benchmarks. Not public API: names and behaviour may change.

import { clearHotCache, identityStats } from './core.js';
import { heap, heapStats, setHeapLimit } from './heap.js';
import { setCanBlockForTesting } from './sync.js';

export const __internals = {
  /** Cap the shared heap at `bytes` (0 = no cap below the reservation); shared by every agent of the heap. */
  setHeapLimit,
  /** Bytes used, mapped, reserved and allowed. */
  heapStats,
  /** Live entries in this agent's identity cache, and a way to drop its strong front cache. */
  identityStats,
  clearHotCache,
  /** Pretend this agent cannot block (true/false), or restore detection (null). */
  setCanBlockForTesting: (v: boolean | null) => setCanBlockForTesting(v === null ? null : v),
  /** This agent's id (the owner id stored in mutex lock words). */
  agentId: (): number => heap.agentId,
} as const;
