// The transport, wired into Node's worker_threads. `installNodeTransport()` is called once per agent by the register
// entry (`--import modmap/register`), before any user code runs in that agent.
//
// Interception points, chosen as the lowest ones every path goes through (measured on Node 20 and 24):
// - Send: `MessagePort.prototype.postMessage`. Worker#postMessage forwards to its public port's postMessage,
//   `parentPort` and MessageChannel ports are MessagePorts, and a BroadcastChannel posts through a native
//   MessagePort handle. So one wrapper covers every sender.
// - Receive: `MessagePort.prototype[Symbol.for('nodejs.internal.kHybridDispatch')]`. Node's per-context
//   `emitMessage` (lib/internal/per_context/messageport.js) hands each incoming message to that method before any
//   listener sees it, whatever the listener style: `on`/`once`/`addListener` (node-style listeners get the data),
//   `addEventListener` and `onmessage` (a MessageEvent is made lazily from the same data), `events.once`/`events.on`,
//   `worker.on('message')` (the Worker re-emits its public port's node-style event) and BroadcastChannel (its
//   native handle is a MessagePort whose listener re-dispatches the data as a MessageEvent). Only messages coming
//   from the native side arrive with no event object; a user's `dispatchEvent()` passes an event and is left alone.
// - `receiveMessageOnPort()` bypasses listeners, so the exported function is wrapped.
// - `structuredClone()` is wrapped too (structured-clone.ts): encode, clone, decode in one step.
// - `Worker` is replaced by a subclass that encodes `workerData`, passes the shared heap, keeps modmap's `--import`
//   in `execArgv`, and accepts a Module as its entry.
// - `setEnvironmentData`/`getEnvironmentData` encode and decode their values (Node clones them into new workers
//   with its internal start message).
// Replaced exports are published to ESM importers with `module.syncBuiltinESMExports()`.
//
// Start-up cost: this file and the codec are loaded as one bundle (dist/src/transport/node.bundle.js) only when
// first needed. With the synchronous hooks the register entry installs small stand-ins instead
// (src/node/lazy-transport.ts): accessors for the global port classes, a wrapped `process.getBuiltinModule`, the
// engine's before-heap call, the load hook's view of `node:worker_threads`, and a `structuredClone` that goes
// straight to the host while no modmap value can exist. Loading `node:worker_threads`, or merely reading the global
// MessagePort, costs the main thread several million instructions (callgrind, Node 24), and this bundle ~1 ms more.
// All of them load it and call patchWorkerThreads() before user code can touch a port, a Worker, `workerData` or a
// shared value. In a worker thread Node has loaded worker_threads already, so everything is patched at once there.

import * as nodeModule from 'node:module';
import type { WorkerOptions } from 'node:worker_threads';
import * as builtins from './builtins.js';
import { decodeEnvelope, decodeMessage, encodeMessage, isEnvelope, registerCodec } from './codec.js';
import type { Envelope } from './codec.js';
import { createModuleCodec, sharedCodec } from './codecs.js';
import { cloneWithCodecs, installStructuredClone } from './structured-clone.js';
import { REGISTER_URL, workerExecArgv } from './exec-argv.js';
import type * as ModuleExpression from '../module-expression.js';
import { requireEngine } from '../structs/bridge.js';
import { codes } from '../errors.js';

export { cloneWithCodecs };

/** The runtime (src/module-expression.ts) as the register entry loads it: `loaded()` answers without loading. */
export interface NodeRuntime {
  loaded(): typeof ModuleExpression | undefined;
  load(): typeof ModuleExpression;
}

type WorkerThreads = typeof import('node:worker_threads');
/** node:worker_threads, once patchWorkerThreads() has run. */
let wt: WorkerThreads;
let runtime: NodeRuntime | undefined;
const isModule = (value: unknown): boolean => runtime?.loaded()?.isModule(value) === true;

/** Node's hybrid dispatch entry point, shared with its per-context messaging code through the global registry. */
const kHybridDispatch = Symbol.for('nodejs.internal.kHybridDispatch');
/** Marks functions installed by modmap, so a second install (or a second copy) does not wrap twice. */
const kInstalled = Symbol.for('modmap.transport.installed');

/** The reserved key of the `workerData` that modmap's Worker sends: the heap and the encoded user data. */
export const BOOTSTRAP_KEY = 'modmap.bootstrap';

interface Bootstrap {
  readonly [BOOTSTRAP_KEY]: 1;
  readonly heap: unknown;
  readonly data: unknown;
}

type HybridDispatch = (this: unknown, nodeValue: unknown, type: string, event: unknown) => unknown;
type PostMessage = (this: unknown, value?: unknown, transfer?: unknown) => unknown;

let installed = false;
let threadsPatched = false;

/** The host's own structuredClone, taken before modmap wraps the global. */
const hostStructuredClone = globalThis.structuredClone;

/**
 * Install the codecs in this agent and wrap `structuredClone` (SPEC §6), unless a modmap wrapper is already there
 * (the register entry's stand-in, which calls cloneWithCodecs once a modmap value can exist). Idempotent. Then
 * patchWorkerThreads() wires the ports and workers, at once or when worker_threads is first needed.
 */
export function installNodeTransport(rt: NodeRuntime): void {
  if (installed) return;
  installed = true;
  runtime = rt;
  registerCodec(createModuleCodec(rt.loaded, rt.load));
  registerCodec(sharedCodec);
  installStructuredClone();
}

/** The worker_threads half of the transport (Worker, receiveMessageOnPort, environment data; a worker's bootstrap). */
export function patchWorkerThreads(): void {
  if (threadsPatched) return;
  threadsPatched = true;
  const host = process as unknown as { getBuiltinModule?: (id: string) => unknown };
  wt = (host.getBuiltinModule?.('node:worker_threads') ??
    nodeModule.createRequire(import.meta.url)('node:worker_threads')) as WorkerThreads;
  const proto = wt.MessagePort.prototype as unknown as Record<PropertyKey, unknown>;
  if ((proto.postMessage as Record<symbol, unknown>)[kInstalled] !== true) {
    patchPostMessage(proto);
    patchDispatch(proto);
  }
  if ((wt.Worker as unknown as Record<symbol, unknown>)[kInstalled] !== true) patchExports();
  if (!wt.isMainThread) bootstrapWorker();
}

function mark<F extends object>(fn: F): F {
  Object.defineProperty(fn, kInstalled, { value: true });
  return fn;
}

function patchPostMessage(proto: Record<PropertyKey, unknown>): void {
  const nativePost = proto.postMessage as PostMessage;
  const postMessage = function postMessage(this: unknown, value?: unknown, transfer?: unknown): unknown {
    // Keep the native argument checks (a missing message, a bad transfer list) exactly as Node does them.
    switch (arguments.length) {
      case 0: return nativePost.call(this);
      case 1: return nativePost.call(this, encodeMessage(value));
      default: return nativePost.call(this, encodeMessage(value), transfer);
    }
  };
  Object.defineProperty(proto, 'postMessage', {
    value: mark(postMessage), writable: true, enumerable: true, configurable: true,
  });
}

function patchDispatch(proto: Record<PropertyKey, unknown>): void {
  const inherited = proto[kHybridDispatch] as HybridDispatch | undefined;
  if (typeof inherited !== 'function') {
    // Node changed how ports deliver messages; receiving modmap values would silently fail, so say it at once.
    throw codes.ERR_MODMAP_NOT_INSTALLED(`modmap's message transport on Node ${process.version} (no hybrid dispatch)`);
  }
  const dispatch = function (this: unknown, nodeValue: unknown, type: string, event: unknown): unknown {
    // Native deliveries come without an event; only they can carry an envelope from another agent.
    if (event === undefined && isEnvelope(nodeValue)) {
      let data: unknown;
      try {
        data = decodeEnvelope(nodeValue);
      } catch (error) {
        // Like a message Node itself cannot deserialize: a 'messageerror', not an exception in the event loop.
        return inherited.call(this, error, 'messageerror', undefined);
      }
      return inherited.call(this, data, type, undefined);
    }
    return inherited.call(this, nodeValue, type, event);
  };
  Object.defineProperty(proto, kHybridDispatch, {
    value: mark(dispatch), writable: true, enumerable: false, configurable: true,
  });
}

function patchExports(): void {
  const exportsObject = wt as unknown as Record<string, unknown>;
  const nativeReceive = wt.receiveMessageOnPort;
  exportsObject.receiveMessageOnPort = mark(function receiveMessageOnPort(port: Parameters<typeof nativeReceive>[0]) {
    const result = nativeReceive(port);
    if (result !== undefined && isEnvelope(result.message)) result.message = decodeEnvelope(result.message);
    return result;
  });
  exportsObject.Worker = createWorkerClass(wt.Worker);
  patchEnvironmentData(exportsObject);
  nodeModule.syncBuiltinESMExports();
}

/**
 * `setEnvironmentData` values are cloned into every worker started later (Node sends them with the worker's start
 * message, which modmap does not see), so they are encoded when set. The setting agent keeps its own value; an agent
 * that inherited an encoded value decodes a private copy once per key, leaving the stored envelope intact for the
 * workers it starts in turn.
 */
function patchEnvironmentData(exportsObject: Record<string, unknown>): void {
  const nativeSet = wt.setEnvironmentData;
  const nativeGet = wt.getEnvironmentData;
  const ownValues = new Map<unknown, unknown>();
  const decoded = new WeakMap<object, unknown>();
  exportsObject.setEnvironmentData = mark(function setEnvironmentData(key: Parameters<typeof nativeSet>[0], value?: unknown) {
    const wire = encodeMessage(value);
    nativeSet(key, wire as Parameters<typeof nativeSet>[1]);
    if (wire !== value) ownValues.set(key, value);
    else ownValues.delete(key);
  });
  exportsObject.getEnvironmentData = mark(function getEnvironmentData(key: Parameters<typeof nativeGet>[0]) {
    if (ownValues.has(key)) return ownValues.get(key);
    const value = nativeGet(key);
    if (!isEnvelope(value)) return value;
    if (!decoded.has(value)) decoded.set(value, decodeEnvelope(hostStructuredClone(value) as Envelope));
    return decoded.get(value);
  });
}

type WorkerCtor = typeof wt.Worker;

function createWorkerClass(NativeWorker: WorkerCtor): WorkerCtor {
  // Named Worker, so that stack traces, util.inspect and `worker.constructor.name` read as they do without modmap.
  const Worker = class Worker extends NativeWorker {
    constructor(filename: string | URL, options?: WorkerOptions) {
      const opts: WorkerOptions = { ...options };
      let entry = filename;
      if (isModule(filename)) {
        const { moduleIdentity, moduleUrl } = runtime!.load();
        // The block URL carries a query (`?modmap-block=…`) that a file path cannot hold, so the entry is a tiny
        // data: module that imports the block by its absolute URL (data: modules may import absolute file: URLs).
        entry = new URL(`data:text/javascript,${encodeURIComponent(`import ${JSON.stringify(moduleUrl(filename as never))};`)}`);
        delete opts.eval;
        // A data: entry leaves process.argv[1] out (as an eval'd worker does); a file worker has its entry path there.
        // Put the enclosing file there, so that `process.argv.slice(2)` is `options.argv` as with any file worker.
        const { base } = moduleIdentity(filename as never)!;
        opts.argv = [base.startsWith('file:') ? builtins.url().fileURLToPath(base) : base, ...(options?.argv ?? [])];
      }
      opts.execArgv = workerExecArgv(options?.execArgv, process.execArgv, process.env.NODE_OPTIONS);
      if (opts.execArgv === undefined) delete opts.execArgv;
      if (opts.eval === true && typeof entry === 'string' && runsAsClassicScript(entry, opts.execArgv ?? process.execArgv)) {
        entry = classicEvalWithModmap(entry);
      }
      const bootstrap: Bootstrap = {
        [BOOTSTRAP_KEY]: 1,
        heap: requireEngine().__heapForWorker(), // a worker shares this agent's heap
        data: encodeMessage(options?.workerData),
      };
      opts.workerData = bootstrap;
      try {
        super(entry, opts);
      } catch (error) {
        // Only possible when modmap made an inherited execArgv explicit (modmap imported from code) and this
        // process has flags a worker may not take (e.g. --title). Say how to fix it rather than start without hooks.
        if ((error as { code?: unknown }).code === 'ERR_WORKER_INVALID_EXEC_ARGV' && options?.execArgv === undefined) {
          throw Object.assign(
            codes.ERR_MODMAP_NOT_INSTALLED(`A worker started from code that imported modmap (${(error as Error).message})`),
            { cause: error },
          );
        }
        throw error;
      }
      // Robust mutexes (src/structs/sync.ts): once the thread has really stopped ('exit' fires after it and after
      // every worker it started), a mutex it still held may be taken over, and the next locker sees token.ownerDied.
      // Never earlier: that would let another agent take a lock from a live worker.
      const heapPayload = bootstrap.heap;
      this.once('exit', () => requireEngine().__agentExited(heapPayload));
    }
  };
  Object.defineProperty(Worker, kInstalled, { value: true });
  return Worker;
}

/**
 * Will Node run this `eval: true` code as a classic script? Node does not run `--import` entries before a classic
 * eval'd script (checked on Node 20 and 24; it does for module code), so such a worker would start without modmap.
 * Node runs eval code as a module under `--input-type=module`, or when it only compiles as one.
 */
function runsAsClassicScript(code: string, execArgv: readonly string[]): boolean {
  for (let i = 0; i < execArgv.length; i++) {
    if (execArgv[i] === '--input-type=module' || (execArgv[i] === '--input-type' && execArgv[i + 1] === 'module')) {
      return false;
    }
  }
  try {
    new (builtins.vm().Script)(code); // compiles only; nothing runs
    return true;
  } catch {
    return false; // module syntax (Node runs it as a module, after --import) or a real error Node will report
  }
}

/**
 * A classic eval'd worker script that loads modmap's register entry first, then runs the user's code as the same
 * kind of global script (indirect eval), with Node's eval globals (`require`, `module`, …) already defined. An error
 * it throws rejects the chain and reaches the worker's `error` event, as a thrown error does.
 */
function classicEvalWithModmap(code: string): string {
  return `import(${JSON.stringify(REGISTER_URL)}).then(() => { (0, eval)(${JSON.stringify(code)}); });`;
}

/** In a worker: join the parent's heap, then make `workerData` the decoded user data, before user code runs. */
function bootstrapWorker(): void {
  const exportsObject = wt as unknown as Record<string, unknown>;
  const data = exportsObject.workerData as Partial<Bootstrap> | null | undefined;
  if (typeof data !== 'object' || data === null || data[BOOTSTRAP_KEY] !== 1) return;
  if (data.heap !== undefined) requireEngine().__attachHeap(data.heap);
  exportsObject.workerData = decodeMessage(data.data);
  nodeModule.syncBuiltinESMExports();
}
