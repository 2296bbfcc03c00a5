// The struct engine as the transport sees it, loaded when first needed (bridge.ts adds requireEngine()).
//
// Every agent runs the transport, but most programs (and most workers) never touch a shared struct; loading the
// engine (about ten modules) at start-up cost every `node --import modmap/register` run several milliseconds. So
// the transport talks to the engine through this small module. The engine provides itself when it loads
// (structs/transport.ts), which happens when user code imports `modmap`; otherwise the first need loads it through
// the loader the register entry installs (synchronous `require` of ES modules, unflagged since Node 20.19 and
// 22.12). The needs: starting a worker (it must share this agent's heap) and receiving a shared value.
// This half imports nothing, so that the register entry's start-up bundle carries no error table (src/errors.ts).

/** The engine's cross-agent entry points (see structs/transport.ts). */
export interface Engine {
  canBeShared(value: unknown): boolean;
  __encodeShared(value: unknown): unknown;
  __decodeShared(payload: unknown): unknown;
  __heapForWorker(): unknown;
  __attachHeap(payload: unknown): void;
  /** Report that the worker started with this heap payload has exited (call from its 'exit' event only). */
  __agentExited(payload: unknown): boolean;
}

// The state lives on one global, so that the register bundle (which carries its own copy of this file, to save
// start-up a module load) and the engine's copy in dist/ are one bridge. Non-writable and non-configurable: the
// object cannot be swapped; what it holds is what an app could reach by importing this file anyway.
interface BridgeState {
  engine: Engine | undefined;
  loader: (() => void) | undefined;
  beforeHeap: (() => void) | undefined;
}
const BRIDGE_KEY = Symbol.for('modmap.engineBridge');
const state: BridgeState = ((g: Record<symbol, unknown>) => {
  if (g[BRIDGE_KEY] === undefined) {
    const fresh: BridgeState = Object.seal({ __proto__: null, engine: undefined, loader: undefined, beforeHeap: undefined } as BridgeState);
    Object.defineProperty(g, BRIDGE_KEY, { value: fresh, writable: false, enumerable: false, configurable: false });
  }
  return g[BRIDGE_KEY] as BridgeState;
})(globalThis as unknown as Record<symbol, unknown>);

/**
 * Called by the Node transport when it patches worker_threads lazily: the engine calls `hook` before it would create
 * a heap of its own, so that the transport can patch worker_threads first.
 */
export function setBeforeHeap(hook: () => void): void {
  state.beforeHeap = hook;
}

/** Called by the engine (heap.ts) before it creates a heap. */
export function runBeforeHeap(): void {
  state.beforeHeap?.();
}

/** Called once by the engine as it loads. */
export function provideEngine(e: Engine): void {
  state.engine ??= e;
}

/** Called by the register entry: how to load the engine synchronously when it is first needed. */
export function setEngineLoader(load: () => void): void {
  state.loader = load;
}

/** The engine if it is loaded; undefined means no shared value exists in this agent yet. */
export function loadedEngine(): Engine | undefined {
  return state.engine;
}

/** The engine loader the register entry set, if any. */
export function engineLoader(): (() => void) | undefined {
  return state.loader;
}
