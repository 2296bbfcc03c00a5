// The struct engine as the transport sees it, loaded when first needed.
//
// Every agent runs the transport, but most programs (and most workers) never touch a shared struct; loading the
// engine (about ten modules) at start-up cost every `node --import modmap/register` run several milliseconds. So
// the transport talks to the engine through this small module. The engine provides itself when it loads
// (structs/transport.ts), which happens when user code imports `modmap`; otherwise the first need loads it through
// the loader the register entry installs (synchronous `require` of ES modules, unflagged since Node 20.19 and
// 22.12). The needs: starting a worker (it must share this agent's heap) and receiving a shared value.
import { codes } from '../errors.js';

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

let engine: Engine | undefined;
let loader: (() => void) | undefined;

/** Called once by the engine as it loads. */
export function provideEngine(e: Engine): void {
  engine ??= e;
}

/** Called by the register entry: how to load the engine synchronously when it is first needed. */
export function setEngineLoader(load: () => void): void {
  loader = load;
}

/** The engine if it is loaded; undefined means no shared value exists in this agent yet. */
export function loadedEngine(): Engine | undefined {
  return engine;
}

/** The engine, loading it now if needed. */
export function requireEngine(): Engine {
  if (engine === undefined && loader !== undefined) loader();
  if (engine === undefined) throw codes.ERR_MODMAP_NOT_INSTALLED('Receiving or sharing a shared struct');
  return engine;
}
