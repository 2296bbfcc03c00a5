// The transport, wired into the browser's messaging. Installed once per agent (page or worker) by the shim, before
// any user code runs there. It reuses the platform-neutral codec (src/transport/codec.ts) and codecs unchanged.
//
// Interception points:
// - Send: `postMessage` on the prototypes of Worker, MessagePort, BroadcastChannel and DedicatedWorkerGlobalScope
//   (`self.postMessage` in a worker). Each wrapper encodes the message (an identity no-op for a message without
//   modmap values) and hands it to the native method with the caller's other arguments as they were.
// - Receive: the `data` getter of MessageEvent.prototype. Every message a listener can see (`onmessage`,
//   `addEventListener`, on a Worker, a port, a BroadcastChannel or `self`) is read through it, so decoding there
//   covers them all. The decoded value is cached per event, so every read of `event.data` is the same object.
// - `Worker`: replaced by a subclass. A module worker (or a Module entry) starts modmap's bootstrap script, which
//   installs the shim with the page's import map and joins the shared heap before it imports the real entry.
//   Classic workers are left alone.
// - `structuredClone`: the shared wrapper (src/transport/structured-clone.ts), as in Node.

import { decodeEnvelope, encodeMessage, isEnvelope, registerCodec } from '../transport/codec.js';
import { sharedCodec } from '../transport/codecs.js';
import { moduleCodec } from '../transport/module-codec.js';
import { installStructuredClone } from '../transport/structured-clone.js';
import { isModule, moduleUrl } from '../module-expression.js';

/** The key of the first message modmap's Worker sends to its bootstrap script. */
export const INIT_KEY = 'modmap.init';

/** Marks functions installed by modmap, so a second install does not wrap twice. */
const kInstalled = Symbol.for('modmap.transport.installed');

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

export interface BrowserTransportOptions {
  /** URL of the worker bootstrap module (src/browser/worker.js). */
  readonly bootstrapUrl: string;
  /** What a new worker's bootstrap needs, given its entry URL. Called once per worker, at construction. */
  readonly workerInit: (entry: string) => unknown;
}

let installed = false;
let nativeDataGetter: ((this: MessageEvent) => unknown) | undefined;

/** The raw, still-encoded data of a message event (what the platform delivered). */
export function rawData(event: MessageEvent): unknown {
  const get = nativeDataGetter ?? Object.getOwnPropertyDescriptor(MessageEvent.prototype, 'data')!.get!;
  return get.call(event);
}

/** Install the transport in this agent. Idempotent. */
export function installBrowserTransport(options: BrowserTransportOptions): void {
  if (installed) return;
  installed = true;
  registerCodec(moduleCodec);
  registerCodec(sharedCodec);
  const g = globalThis as Record<string, unknown>;
  for (const name of ['Worker', 'MessagePort', 'BroadcastChannel', 'DedicatedWorkerGlobalScope']) {
    const ctor = g[name] as { prototype: Record<string, unknown> } | undefined;
    if (ctor !== undefined && typeof ctor.prototype === 'object') patchPostMessage(ctor.prototype);
  }
  // [Global] interfaces (a worker's DedicatedWorkerGlobalScope) hold their operations on the global object itself.
  if (Object.getOwnPropertyDescriptor(globalThis, 'postMessage') !== undefined && typeof document === 'undefined') {
    patchPostMessage(globalThis as unknown as Record<string, unknown>);
  }
  patchData();
  installStructuredClone(); // SPEC §6: structuredClone(s) gives s itself, never a copy that diverges
  if (typeof g.Worker === 'function' && (g.Worker as unknown as Record<symbol, unknown>)[kInstalled] !== true) {
    g.Worker = createWorkerClass(g.Worker as typeof Worker, options);
  }
}

function mark<F extends object>(fn: F): F {
  Object.defineProperty(fn, kInstalled, { value: true });
  return fn;
}

function patchPostMessage(proto: Record<string, unknown>): void {
  const own = Object.getOwnPropertyDescriptor(proto, 'postMessage');
  if (own === undefined || typeof own.value !== 'function') return;
  const nativePost = own.value as AnyFn;
  if ((nativePost as unknown as Record<symbol, unknown>)[kInstalled] === true) return;
  const postMessage = function postMessage(this: unknown, ...args: unknown[]): unknown {
    // Zero arguments: let the platform throw its own TypeError.
    if (args.length > 0) args[0] = encodeMessage(args[0]);
    return nativePost.apply(this, args);
  };
  Object.defineProperty(proto, 'postMessage', { ...own, value: mark(postMessage) });
}

function patchData(): void {
  const proto = MessageEvent.prototype;
  const own = Object.getOwnPropertyDescriptor(proto, 'data');
  if (own === undefined || typeof own.get !== 'function') return;
  if ((own.get as unknown as Record<symbol, unknown>)[kInstalled] === true) return;
  const nativeGet = own.get as (this: MessageEvent) => unknown;
  nativeDataGetter = nativeGet;
  const decoded = new WeakMap<MessageEvent, unknown>();
  const get = function data(this: MessageEvent): unknown {
    const raw = nativeGet.call(this);
    if (!isEnvelope(raw)) return raw;
    if (decoded.has(this)) return decoded.get(this);
    const value = decodeEnvelope(raw);
    decoded.set(this, value);
    return value;
  };
  Object.defineProperty(proto, 'data', { ...own, get: mark(get) });
}

type WorkerCtor = typeof Worker;

function createWorkerClass(NativeWorker: WorkerCtor, options: BrowserTransportOptions): WorkerCtor {
  const nativePost = Object.getOwnPropertyDescriptor(NativeWorker.prototype, 'postMessage')!.value as AnyFn;
  // A module worker runs modmap's bootstrap (a real same-origin URL, so `worker-src 'self'` suffices), which
  // receives the init message first; every message the page posts afterwards is held there until the entry ran.
  const Worker = class Worker extends NativeWorker {
    constructor(scriptURL: string | URL, workerOptions?: WorkerOptions) {
      const block = isModule(scriptURL);
      if (!block && workerOptions?.type !== 'module') {
        super(scriptURL, workerOptions);
        return;
      }
      const base = typeof document !== 'undefined' ? document.baseURI : (globalThis as { location?: Location }).location!.href;
      const entry = block ? moduleUrl(scriptURL as never) : new URL(String(scriptURL), base).href;
      const opts: WorkerOptions = { type: 'module' };
      if (workerOptions?.name !== undefined) opts.name = workerOptions.name;
      if (workerOptions?.credentials !== undefined) opts.credentials = workerOptions.credentials;
      super(options.bootstrapUrl, opts);
      nativePost.call(this, { [INIT_KEY]: options.workerInit(entry) });
    }
  };
  Object.defineProperty(Worker, kInstalled, { value: true });
  return Worker as unknown as WorkerCtor;
}
