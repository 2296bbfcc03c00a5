// Mutex and Condition in the shared heap.
//
// Mutex block:     [K_MUTEX, 6, gc word, state, reserved, reserved]
//   state = 0 (unlocked) or ownerAgentId | CONTENDED? — the owner's agent id is in the lock word itself, so a
//   locker can check whether the owner has exited (robust mutexes: heap.ts "Agents", token.ownerDied), and
//   self-deadlock is detected for free.
// Condition block: [K_CONDITION, 6, gc word, sequence, waiters, reserved]
//   wait() samples the sequence, unlocks, and sleeps on the sequence word; notify() bumps it and wakes.

import { codes } from '../errors.js';
import { registerKind, SharedHandle } from './core.js';
import { alloc, ensureHeap, heap, i32, isAgentDead, K_CONDITION, K_MUTEX } from './heap.js';
import { describe } from './values.js';
import { safepoint } from './collect.js';

const CONTENDED = 1 << 30;
const OWNER = CONTENDED - 1;
const M_STATE = 3;
const C_SEQ = 3;
const C_WAITERS = 4;
const POLL_MS = 4;
/**
 * A blocked locker wakes at least this often to check whether the owner has exited (robust mutexes). An unlock
 * wakes it at once; this only bounds how late an owner's death is noticed. Costs one wake-up per slice per
 * blocked agent, nothing on the uncontended path.
 */
const OWNER_CHECK_MS = 50;

// Results of the acquire functions.
const TIMED_OUT = 0;
const ACQUIRED = 1;
/** Acquired from an owner that exited while holding the mutex. */
const OWNER_DIED = 2;
type Acquired = typeof TIMED_OUT | typeof ACQUIRED | typeof OWNER_DIED;

/** If the lock word `c` names an agent that has exited, take the mutex over from it. */
function takeOverFromDead(s: number, c: number): boolean {
  if (c === 0 || !isAgentDead(c & OWNER)) return false;
  // Agent ids are never reused, so a word naming a dead agent cannot come back to life: exactly one locker's
  // compareExchange from that word succeeds. Keep the contended bit: other lockers may be waiting.
  return Atomics.compareExchange(i32, s, c, heap.agentId | CONTENDED) === c;
}

const disposeSymbol: symbol = (Symbol as { dispose?: symbol }).dispose ?? Symbol.for('nodejs.dispose');

let canBlockCache: boolean | null = null;
/** Can this agent block in Atomics.wait? (A browser main thread cannot.) */
export function canBlock(): boolean {
  if (canBlockCache === null) {
    try {
      // A value mismatch returns at once where waiting is allowed, and throws where it is not.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
      canBlockCache = true;
    } catch {
      canBlockCache = false;
    }
  }
  return canBlockCache;
}

/** Internal, for tests: pretend this agent cannot block (null restores detection). */
export function setCanBlockForTesting(v: boolean | null): void {
  canBlockCache = v;
}

const hasWaitAsync = typeof (Atomics as { waitAsync?: unknown }).waitAsync === 'function';

let pendingAsyncWaits = 0;
let keepAliveTimer: ReturnType<typeof setInterval> | null = null;
function keepAlive(delta: number): void {
  pendingAsyncWaits += delta;
  if (pendingAsyncWaits > 0 && keepAliveTimer === null && typeof setInterval === 'function') {
    keepAliveTimer = setInterval(() => {}, 1 << 30);
  } else if (pendingAsyncWaits === 0 && keepAliveTimer !== null) {
    clearInterval(keepAliveTimer);
    keepAliveTimer = null;
  }
}

/** Wait asynchronously until word `index` is no longer `value` (or timeout). Resolves to true unless it timed out. */
function waitAsyncOn(index: number, value: number, timeoutMs: number): Promise<boolean> {
  if (hasWaitAsync) {
    const r = (Atomics as unknown as {
      waitAsync(a: Int32Array, i: number, v: number, t: number): { async: boolean; value: Promise<string> | string };
    }).waitAsync(i32, index, value, timeoutMs);
    if (!r.async) return Promise.resolve(r.value !== 'timed-out');
    // Node does not keep the event loop alive for a pending Atomics.waitAsync (the process or worker would
    // exit while waiting), so hold a timer for as long as any asynchronous wait is pending.
    keepAlive(+1);
    return (r.value as Promise<string>).then(
      (v) => { keepAlive(-1); return v !== 'timed-out'; },
      (e: unknown) => { keepAlive(-1); throw e; },
    );
  }
  // Fallback: poll.
  const start = Date.now();
  return new Promise((resolve) => {
    const tick = (): void => {
      if (Atomics.load(i32, index) !== value) resolve(true);
      else if (Date.now() - start >= timeoutMs) resolve(false);
      else setTimeout(tick, POLL_MS);
    };
    tick();
  });
}

function mutexAddr(v: unknown): number {
  const a = SharedHandle.addrOf(v);
  if (a < 0 || (i32[a]! & 0xff) !== K_MUTEX) throw codes.ERR_MODMAP_INVALID_SHARED(describe(v), 'a Mutex');
  return a;
}

function conditionAddr(v: unknown): number {
  const a = SharedHandle.addrOf(v);
  if (a < 0 || (i32[a]! & 0xff) !== K_CONDITION) throw codes.ERR_MODMAP_INVALID_SHARED(describe(v), 'a Condition');
  return a;
}

function tryAcquire(s: number): boolean {
  return Atomics.compareExchange(i32, s, 0, heap.agentId) === 0;
}

/** One attempt without waiting: ACQUIRED, OWNER_DIED (taken over from an exited owner) or TIMED_OUT. */
function tryAcquireOrTakeOver(s: number): Acquired {
  for (;;) {
    const c = Atomics.compareExchange(i32, s, 0, heap.agentId);
    if (c === 0) return ACQUIRED;
    if (!isAgentDead(c & OWNER)) return TIMED_OUT;
    if (takeOverFromDead(s, c)) return OWNER_DIED;
  }
}

/**
 * Block until the lock word `s` is ours, or until `deadline` (ms, Date.now() based; Infinity = no limit).
 * Three-state futex lock: 0, owner, owner|CONTENDED. Sleeps at most OWNER_CHECK_MS at a time, to notice an owner
 * that exited while holding the lock.
 */
function acquireBlocking(s: number, deadline: number): Acquired {
  const me = heap.agentId;
  let c = Atomics.compareExchange(i32, s, 0, me);
  if (c === 0) return ACQUIRED;
  if ((c & OWNER) === me) throw codes.ERR_MODMAP_SELF_DEADLOCK();
  for (;;) {
    if (c !== 0) {
      if (takeOverFromDead(s, c)) return OWNER_DIED;
      if ((c & CONTENDED) === 0) {
        const prev = Atomics.compareExchange(i32, s, c, c | CONTENDED);
        if (prev !== c) {
          c = prev;
          continue;
        }
        c |= CONTENDED;
      }
      const remaining = deadline === Infinity ? Infinity : deadline - Date.now();
      if (remaining <= 0) return TIMED_OUT;
      // A blocked agent takes part in collections between slices (a safepoint; collect.ts).
      safepoint();
      Atomics.wait(i32, s, c, Math.min(remaining, OWNER_CHECK_MS));
    }
    // We may not be the only waiter, so keep the contended bit when we take the lock.
    c = Atomics.compareExchange(i32, s, 0, me | CONTENDED);
    if (c === 0) return ACQUIRED;
  }
}

async function acquireAsync(s: number): Promise<Acquired> {
  const me = heap.agentId;
  for (;;) {
    let c = Atomics.compareExchange(i32, s, 0, me | CONTENDED);
    if (c === 0) return ACQUIRED;
    if (takeOverFromDead(s, c)) return OWNER_DIED;
    if ((c & CONTENDED) === 0) {
      const prev = Atomics.compareExchange(i32, s, c, c | CONTENDED);
      if (prev !== c) continue;
      c |= CONTENDED;
    }
    await waitAsyncOn(s, c, OWNER_CHECK_MS);
  }
}

function release(s: number): void {
  const prev = Atomics.exchange(i32, s, 0);
  if ((prev & CONTENDED) !== 0) Atomics.notify(i32, s, 1);
}

const tokenKey: unique symbol = Symbol('UnlockToken');

/** Proof that this agent holds a mutex. `using token = Mutex.lock(m)` unlocks at the end of the block. */
export class UnlockToken {
  #mutex: Mutex;
  #locked = true;
  #ownerDied: boolean;

  /** @internal Tokens come only from Mutex.lock, lockIfAvailable and lockAsync. */
  constructor(mutex: Mutex, key?: typeof tokenKey, how: Acquired = ACQUIRED) {
    if (key !== tokenKey) throw codes.ERR_MODMAP_INVALID_SHARED('new UnlockToken()', 'Mutex.lock()');
    this.#mutex = mutex;
    this.#ownerDied = how === OWNER_DIED;
  }

  /** True until unlock() is called. */
  get locked(): boolean {
    return this.#locked;
  }

  /**
   * True when this token got the mutex from an agent (a worker) that exited while holding it, like a robust
   * mutex's EOWNERDEAD: the data it guards may be half-updated, so check or repair it before relying on it. Also
   * set when Condition.wait/waitFor/waitAsync re-took the mutex from such an agent. It stays true for this token.
   */
  get ownerDied(): boolean {
    return this.#ownerDied;
  }

  /** Unlock the mutex. Returns false (and does nothing) if this token already unlocked it. */
  unlock(): boolean {
    if (!this.#locked) return false;
    this.#locked = false;
    release(mutexAddr(this.#mutex) + M_STATE);
    return true;
  }

  [Symbol.dispose](): void {
    this.unlock();
  }

  /** @internal Used by Condition to re-take the lock after waiting. */
  static relockBlocking(t: UnlockToken): void {
    if (acquireBlocking(mutexAddr(t.#mutex) + M_STATE, Infinity) === OWNER_DIED) t.#ownerDied = true;
    t.#locked = true;
  }
  /** @internal */
  static async relockAsync(t: UnlockToken): Promise<void> {
    if ((await acquireAsync(mutexAddr(t.#mutex) + M_STATE)) === OWNER_DIED) t.#ownerDied = true;
    t.#locked = true;
  }
  /** @internal */
  static unlockForWait(t: UnlockToken, what: string): void {
    if (!t.#locked) throw codes.ERR_MODMAP_TOKEN_NOT_LOCKED(what);
    t.unlock();
  }
}
if (disposeSymbol !== Symbol.dispose) {
  Object.defineProperty(UnlockToken.prototype, disposeSymbol, { value: UnlockToken.prototype[Symbol.dispose] });
}

function assertCanBlock(what: string, asyncForm: string): void {
  if (!canBlock()) throw codes.ERR_MODMAP_CANNOT_BLOCK(what, asyncForm);
}

/** A mutual-exclusion lock in shared memory. */
export class Mutex extends SharedHandle {
  constructor() {
    ensureHeap();
    const a = alloc(6);
    i32[a + 1] = 6;
    i32[a] = K_MUTEX;
    super(a);
  }

  /** Block until the mutex is ours. TypeError if this agent already holds it (that would never return). */
  static lock(m: Mutex): UnlockToken {
    const s = mutexAddr(m) + M_STATE;
    // SPEC §4: on an agent that cannot block, the blocking form always throws, even for a free mutex, so that code
    // which works in a test does not start failing on the page's main thread the first time there is contention.
    assertCanBlock('Mutex.lock()', 'await Mutex.lockAsync(m)');
    if (tryAcquire(s)) return new UnlockToken(m, tokenKey);
    const now = tryAcquireOrTakeOver(s);
    if (now !== TIMED_OUT) return new UnlockToken(m, tokenKey, now);
    return new UnlockToken(m, tokenKey, acquireBlocking(s, Infinity));
  }

  /**
   * Take the mutex if it becomes free within `timeoutMs` (default 0: only if free now). Returns a token or null.
   * TypeError if this agent already holds it and a timeout was given.
   */
  static lockIfAvailable(m: Mutex, timeoutMs = 0): UnlockToken | null {
    const s = mutexAddr(m) + M_STATE;
    const t = Number(timeoutMs);
    if (t > 0) assertCanBlock('Mutex.lockIfAvailable() with a timeout', 'await Mutex.lockAsync(m)');
    if (tryAcquire(s)) return new UnlockToken(m, tokenKey);
    const now = tryAcquireOrTakeOver(s);
    if (now !== TIMED_OUT) return new UnlockToken(m, tokenKey, now);
    if (!(t > 0)) return null;
    const how = acquireBlocking(s, Date.now() + t);
    return how === TIMED_OUT ? null : new UnlockToken(m, tokenKey, how);
  }

  /** Take the mutex without blocking the agent (Atomics.waitAsync, or polling where it is missing). */
  static async lockAsync(m: Mutex): Promise<UnlockToken> {
    const s = mutexAddr(m) + M_STATE;
    if (tryAcquire(s)) return new UnlockToken(m, tokenKey);
    return new UnlockToken(m, tokenKey, await acquireAsync(s));
  }

  /** True for Mutex handles. */
  static isMutex(v: unknown): v is Mutex {
    const a = SharedHandle.addrOf(v);
    return a >= 0 && (i32[a]! & 0xff) === K_MUTEX;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    const owner = Atomics.load(i32, mutexAddr(this) + M_STATE) & OWNER;
    if (owner === 0) return 'Mutex { unlocked }';
    return isAgentDead(owner) ? `Mutex { held by exited agent ${owner} }` : `Mutex { locked by agent ${owner} }`;
  }
}

/** A condition variable in shared memory, used with a Mutex token. */
export class Condition extends SharedHandle {
  constructor() {
    ensureHeap();
    const a = alloc(6);
    i32[a + 1] = 6;
    i32[a] = K_CONDITION;
    super(a);
  }

  /** Unlock `token`, sleep until notified, lock again. */
  static wait(cv: Condition, token: UnlockToken): void {
    Condition.waitFor(cv, token, Infinity);
  }

  /**
   * Like wait, with a timeout. With a predicate, waits until it returns true (checked with the lock held) and
   * returns its last result; without, returns false on timeout and true when notified.
   */
  static waitFor(cv: Condition, token: UnlockToken, timeoutMs: number, predicate?: () => boolean): boolean {
    const c = conditionAddr(cv);
    assertCanBlock('Condition.wait()', 'await Condition.waitAsync(cv, token)');
    const deadline = Date.now() + Number(timeoutMs);
    for (;;) {
      if (predicate !== undefined && predicate()) return true;
      const remaining = deadline - Date.now();
      if (remaining <= 0 && timeoutMs !== Infinity) return predicate !== undefined ? predicate() : false;
      const seq = Atomics.load(i32, c + C_SEQ);
      Atomics.add(i32, c + C_WAITERS, 1);
      UnlockToken.unlockForWait(token, 'Condition.wait()');
      let result: string;
      try {
        // In slices, with a safepoint between them, so that a collection never waits for a sleeping agent for
        // longer than a slice (collect.ts).
        const end = timeoutMs === Infinity ? Infinity : Date.now() + remaining;
        for (;;) {
          safepoint();
          const left = end - Date.now();
          result = Atomics.wait(i32, c + C_SEQ, seq, Math.max(0, Math.min(left, OWNER_CHECK_MS)));
          if (result !== 'timed-out' || left <= OWNER_CHECK_MS) break;
        }
      } finally {
        Atomics.sub(i32, c + C_WAITERS, 1);
        UnlockToken.relockBlocking(token);
      }
      if (predicate === undefined) return result !== 'timed-out';
    }
  }

  /** Asynchronous wait: resolves to true when notified, false on timeout; the token is locked again either way. */
  static async waitAsync(cv: Condition, token: UnlockToken, timeoutMs = Infinity): Promise<boolean> {
    const c = conditionAddr(cv);
    const seq = Atomics.load(i32, c + C_SEQ);
    Atomics.add(i32, c + C_WAITERS, 1);
    UnlockToken.unlockForWait(token, 'Condition.waitAsync()');
    try {
      return await waitAsyncOn(c + C_SEQ, seq, timeoutMs);
    } finally {
      Atomics.sub(i32, c + C_WAITERS, 1);
      await UnlockToken.relockAsync(token);
    }
  }

  /** Wake up to `count` waiters (default all). Returns how many were woken in blocking waits. */
  static notify(cv: Condition, count = Infinity): number {
    const c = conditionAddr(cv);
    Atomics.add(i32, c + C_SEQ, 1);
    return Atomics.notify(i32, c + C_SEQ, count === Infinity ? undefined : Math.max(0, Math.trunc(count)));
  }

  /** True for Condition handles. */
  static isCondition(v: unknown): v is Condition {
    const a = SharedHandle.addrOf(v);
    return a >= 0 && (i32[a]! & 0xff) === K_CONDITION;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Condition { waiters: ${Atomics.load(i32, conditionAddr(this) + C_WAITERS)} }`;
  }
}

registerKind(K_MUTEX, Mutex);
registerKind(K_CONDITION, Condition);
