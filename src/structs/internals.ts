// Internal knobs for modmap's own tests and benchmarks. Not public API: names and behaviour may change.

import { clearHotCache, identityStats } from './core.js';
import { heap, heapStats, setHeapLimit } from './heap.js';
import { setCanBlockForTesting } from './sync.js';
import { collect, collectBoxes, collectLog, setCollectTimeout, setCollectTrigger } from './collect.js';
import { transitCount } from './transport.js';

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
  /**
   * Free unreachable boxes (numbers, strings, bigints no field refers to); only when this is the heap's only live
   * agent (else ERR_MODMAP_AGENTS_RUNNING). Objects are never freed yet. See collect.ts.
   */
  collectBoxes,
  /**
   * Collect the whole heap now, with every live agent (stop-the-world mark–sweep at safepoints, see collect.ts).
   * Returns stats; `ok: false` (and nothing changed) when an agent did not reach a safepoint in time.
   */
  collect: (timeoutMs?: number) => collect(timeoutMs),
  /** This agent's collections so far: count, total and longest pause (ms), last stats. */
  collectLog: () => ({ ...collectLog }),
  /** How long a collector waits for the other agents' safepoints (ms; default 5000). Per agent. */
  setCollectTimeout,
  /** Bytes allocated between automatic collections (0 = default 16 MiB, -1 = no automatic collection). Per heap. */
  setCollectTrigger,
  /** Values encoded for a message and not decoded yet. */
  transitCount,
  /** This agent's id (the owner id stored in mutex lock words). */
  agentId: (): number => heap.agentId,
} as const;
