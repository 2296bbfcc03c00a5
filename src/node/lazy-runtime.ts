// The runtime that transformed code calls, loaded on first use rather than at start-up.
//
// `node --import modmap/register` runs in every agent, and most agents of most programs never evaluate a module block
// or define a struct type. Loading the runtime's modules (module-expression, identity, registry, errors) up front cost
// every run ~11 M instructions (callgrind, Node 24; about 3% of loading a 500-module app). So the register entry only
// defines the two globals, as accessors that load the runtime synchronously the first time anything reads them
// (`require()` of an ES module: Node 20.19+, 22.12+). The runtime global stays non-configurable, as when it was a
// plain value, so app code still cannot replace what transformed code calls. The registry's token verifier goes
// into its own non-writable slot now, before any app code, so the registry gets it whenever it loads.
import { createRequire } from 'node:module';
import type * as ModuleExpression from '../module-expression.js';

type Api = typeof ModuleExpression;

const RUNTIME_KEY = Symbol.for('modmap');
const LAZY_RUNTIME_MARK = Symbol.for('modmap.lazyRuntime');
const VERIFIER_SLOT = Symbol.for('modmap.tokenVerifier');
/** The runtime file of this copy of modmap (the path holds from dist/src/node/, bundled or not). */
export const RUNTIME_URL = new URL('../module-expression.js', import.meta.url).href;

let api: Api | undefined;

/** The runtime module if something has loaded it through the globals; undefined means no Module exists yet. */
export function loadedRuntime(): Api | undefined {
  return api;
}

/** Where require() cannot load ES modules (Node before 20.19): the register entry imports the runtime at once. */
export function provideRuntime(module: Api): void {
  api ??= module;
}

/** The runtime module, loading it now if needed. */
export function runtimeApi(): Api {
  return (api ??= createRequire(import.meta.url)('../module-expression.js') as Api);
}

/**
 * Define `globalThis[Symbol.for('modmap')]` (non-configurable) and, when absent, `globalThis.Module`, both loading
 * the runtime on first read, and the registry's verifier slot. Call once, before app code runs. Returns the runtime
 * URL of another copy of modmap already installed in this agent (two node_modules folders), having changed nothing;
 * the caller throws ERR_MODMAP_DUPLICATE_INSTALL (the error table is not part of the start-up bundle).
 */
export function installLazyRuntime(verify: (url: string, token: string) => boolean): string | undefined {
  const g = globalThis as Record<PropertyKey, unknown>;
  const current = Object.getOwnPropertyDescriptor(g, RUNTIME_KEY);
  if (current !== undefined) {
    const origin = (current.get as unknown as Record<symbol, string> | undefined)?.[LAZY_RUNTIME_MARK] ??
      String((current.value as { origin?: unknown } | undefined)?.origin);
    if (origin !== RUNTIME_URL) return origin;
  }
  // Non-configurable: a slot defined before this (by anything else) makes this throw rather than trust it.
  Object.defineProperty(g, VERIFIER_SLOT, { value: verify, writable: false, enumerable: false, configurable: false });
  if (current !== undefined) return undefined; // this copy's runtime, installed as a plain value (it was imported first)
  const get = function modmapRuntime() {
    return runtimeApi().runtime;
  };
  Object.defineProperty(get, LAZY_RUNTIME_MARK, { value: RUNTIME_URL });
  Object.defineProperty(g, RUNTIME_KEY, { get, enumerable: false, configurable: false });
  if ('Module' in g) return;
  const define = (value: unknown) =>
    Object.defineProperty(g, 'Module', { value, writable: true, enumerable: false, configurable: true });
  Object.defineProperty(g, 'Module', {
    get() {
      const M = runtimeApi().Module;
      define(M);
      return M;
    },
    set(value: unknown) {
      define(value);
    },
    enumerable: false,
    configurable: true,
  });
  return undefined;
}
