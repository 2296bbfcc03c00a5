// The transport's stand-ins, part of the register entry's start-up bundle. The transport itself (transport/node.ts
// and the codec, bundled as dist/src/transport/node.bundle.js) loads the first time anything could need it:
//
// - `node:worker_threads` is loaded: the load hook sees every `import` and `require` of it (register.ts passes
//   `patchWorkerThreads` as its callback), and `process.getBuiltinModule` is wrapped here;
// - a global port class (`MessagePort`, `MessageChannel`, `BroadcastChannel`) is read or redefined: they are deleted
//   unread (reading one, or redefining it, makes Node load its messaging internals, ~8 M instructions) and replaced
//   by accessors that become the same plain values (worker_threads exports the very same classes);
// - the struct engine is about to create a heap (a worker must attach its parent's instead);
// - `structuredClone` is called while a Module or a shared value can exist (before that, it is the host's own).
//
// Where worker_threads is already loaded (every worker thread; an app that imported modmap/register from code after
// loading it) or where Node gives no list of loaded built-ins, everything is patched at once.
import type * as Transport from '../transport/node.js';
import type { NodeRuntime } from '../transport/node.js';
import { loadedEngine, setBeforeHeap } from '../structs/bridge-state.js';
import { installCloneWrapper } from '../transport/clone-wrapper.js';

const WORKER_THREADS_IDS = new Set(['worker_threads', 'node:worker_threads']);

/**
 * Install the transport in this agent. `load` gives the transport module synchronously (require() of an ES module);
 * `preloaded`, where that is not possible, is the module already imported, and is then installed at once.
 * Returns the function the load hook calls when it sees `node:worker_threads`.
 */
export function installTransport(
  runtime: NodeRuntime,
  options: { lazy: boolean; load: () => typeof Transport; preloaded?: typeof Transport },
): () => void {
  let transport: typeof Transport | undefined;
  const full = (): typeof Transport => {
    if (transport === undefined) {
      transport = options.preloaded ?? options.load();
      transport.installNodeTransport(runtime);
    }
    return transport;
  };
  const patchWorkerThreads = (): void => full().patchWorkerThreads();
  const getBuiltin = process.getBuiltinModule;
  const loadedBuiltins = (process as unknown as { moduleLoadList?: unknown }).moduleLoadList;
  if (!options.lazy || !Array.isArray(loadedBuiltins) || loadedBuiltins.includes('NativeModule worker_threads')) {
    patchWorkerThreads();
    return patchWorkerThreads;
  }
  installStructuredCloneStandIn(runtime, full);
  for (const name of ['MessagePort', 'MessageChannel', 'BroadcastChannel'] as const) {
    if (!delete (globalThis as Record<string, unknown>)[name]) continue;
    const settle = (value: unknown) =>
      Object.defineProperty(globalThis, name, { value, writable: true, enumerable: false, configurable: true });
    Object.defineProperty(globalThis, name, {
      get() {
        patchWorkerThreads();
        const value = (getBuiltin('node:worker_threads') as Record<string, unknown>)[name];
        settle(value);
        return value;
      },
      set: settle,
      enumerable: false,
      configurable: true,
    });
  }
  setBeforeHeap(patchWorkerThreads);
  if (typeof getBuiltin === 'function') {
    Object.defineProperty(process, 'getBuiltinModule', {
      value: function getBuiltinModule(this: unknown, id: string) {
        if (WORKER_THREADS_IDS.has(id)) patchWorkerThreads();
        return Reflect.apply(getBuiltin, this, arguments);
      },
      writable: true, enumerable: true, configurable: true,
    });
  }
  return patchWorkerThreads;
}

/**
 * SPEC §6 without loading the codec at start-up: no Module and no shared value can exist in this agent until the
 * runtime or the struct engine has loaded (the very tests the codecs make), and until then this is the host's
 * structuredClone. The transport's own installStructuredClone() then finds this wrapper and leaves it.
 */
function installStructuredCloneStandIn(runtime: NodeRuntime, full: () => typeof Transport): void {
  installCloneWrapper((host, value, options) =>
    runtime.loaded() === undefined && loadedEngine() === undefined
      ? host(value, options)
      : full().cloneWithCodecs(host, value, options));
}
