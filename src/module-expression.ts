// The value of a `module { … }` expression, and the small runtime that transformed code calls.
//
// Transformed modules reach the runtime through one well-known global, `globalThis[Symbol.for('modmap')]`
// (RUNTIME_KEY), defined non-writable and non-configurable by the Node register entry or the browser shim. The
// transform cannot import it instead: SPEC §3 allows a file with dynamic imports but no block to change only at its
// `import(…)` call sites, so the call site itself must name the runtime.

import { blockUrl, isOrdinalPath } from './identity.js';
import { codes } from './errors.js';
import { joinModule } from './registry.js';

export const RUNTIME_KEY: unique symbol = Symbol.for('modmap') as never;

const CONSTRUCT = Symbol('modmap.Module.construct');

/** What identifies a block in every agent: the enclosing file's canonical URL and the block's ordinal path. */
export interface ModuleIdentity {
  readonly base: string;
  readonly path: string;
  /** The exact source text of the whole `module { … }` expression. */
  readonly source: string;
}

// Brand checks, set by the class's static block (private names are only reachable inside the class body).
let identityOf: (value: unknown) => ModuleIdentity | undefined;
let urlOf: (value: unknown) => string | undefined;

class ModuleImpl {
  readonly #base: string;
  readonly #path: string;
  readonly #source: string;
  readonly #url: string;

  /** Module objects are made by `module { … }` expressions; the constructor is not public. */
  constructor(token?: unknown, base?: string, path?: string, source?: string) {
    if (token !== CONSTRUCT) {
      throw codes.ERR_MODMAP_INVALID_MODULE('new Module()'); // the proposal has no public constructor either
    }
    this.#base = base!;
    this.#path = path!;
    this.#source = source!;
    this.#url = blockUrl(base!, path!);
    Object.freeze(this);
  }

  /** The exact source text of the whole module expression, as the proposal specifies. */
  toString(): string {
    return this.#source;
  }

  get [Symbol.toStringTag](): string {
    return 'Module';
  }

  static #identityOf(value: unknown): ModuleIdentity | undefined {
    if (typeof value !== 'object' || value === null || !(#base in value)) return undefined;
    const m = value as ModuleImpl;
    return { base: m.#base, path: m.#path, source: m.#source };
  }

  static #urlOf(value: unknown): string | undefined {
    return typeof value === 'object' && value !== null && #url in value ? (value as ModuleImpl).#url : undefined;
  }

  static {
    identityOf = ModuleImpl.#identityOf;
    urlOf = ModuleImpl.#urlOf;
  }
}

// One canonical Module object per block identity in this agent, so every evaluation of the same expression, and
// every copy received from another agent, is the same object (usable as a Map key). The number of entries is bounded
// by the number of `module {` positions in the code this agent has seen.
const canonical = new Map<string, ModuleImpl>();

/** The agent's Module object for a block identity. Used by transformed code and by the transport. */
export function moduleFor(base: string, path: string, source: string): Module {
  const url = blockUrl(base, path);
  let m = canonical.get(url);
  if (m === undefined) {
    if (typeof base !== 'string' || typeof path !== 'string' || !isOrdinalPath(path) || typeof source !== 'string') {
      throw codes.ERR_MODMAP_INVALID_MODULE(`A module identity (${String(base)}, ${String(path)})`);
    }
    m = new ModuleImpl(CONSTRUCT, base, path, source);
    canonical.set(url, m);
  }
  return m;
}

/** The identity of a Module object, or `undefined` for any other value (a brand check, not `instanceof`). */
export function moduleIdentity(value: unknown): ModuleIdentity | undefined {
  return identityOf(value);
}

/** True when `value` is a Module object of this copy of modmap. */
export function isModule(value: unknown): value is Module {
  return urlOf(value) !== undefined;
}

/** The URL under which the agent's module map holds the block. */
export function moduleUrl(m: Module): string {
  const url = urlOf(m);
  if (url === undefined) throw codes.ERR_MODMAP_INVALID_MODULE(describe(m));
  return url;
}

/** `import(x)` in transformed code becomes `import(runtime.specifier(x))`: a Module becomes its block URL. */
export function specifier(x: unknown): unknown {
  return urlOf(x) ?? x;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `An object (${Object.prototype.toString.call(value)})`;
  if (typeof value === 'function') return 'A function';
  return `The ${typeof value} ${String(value).slice(0, 40)}`;
}

/** The value of a `module { … }` expression. `String(m)` is its source text; `await import(m)` its namespace. */
export type Module = ModuleImpl;

/** What transformed code calls, under `globalThis[Symbol.for('modmap')]`. */
export interface Runtime {
  readonly version: string;
  /** Where the runtime was loaded from: two copies in one agent are refused (ERR_MODMAP_DUPLICATE_INSTALL). */
  readonly origin: string;
  readonly Module: typeof ModuleImpl;
  block(base: string, path: string, source: string): Module;
  specifier(x: unknown): unknown;
  /** A transformed module joins the struct registry (src/registry.ts); refused without the loader's token. */
  exports(url: string, token: string, namespace: object): void;
}

// A second copy of modmap in the same agent (another node_modules folder, another bundle) must not make a second
// Module class: it delegates to the first copy's runtime, so `instanceof Module` agrees everywhere.
// The Node register entry defines the global as a lazy accessor that loads this very file on first use
// (src/node/lazy-runtime.ts); when this file is that one, there is no other copy to delegate to, and reading the
// accessor now would load this file from inside its own evaluation.
export const LAZY_RUNTIME_MARK: unique symbol = Symbol.for('modmap.lazyRuntime') as never;
const existing = ((): Runtime | undefined => {
  const d = Object.getOwnPropertyDescriptor(globalThis, RUNTIME_KEY);
  if (d === undefined) return undefined;
  if (d.get !== undefined && (d.get as unknown as Record<symbol, unknown>)[LAZY_RUNTIME_MARK] === import.meta.url) return undefined;
  return (globalThis as Record<symbol, Runtime | undefined>)[RUNTIME_KEY];
})();

export const Module: typeof ModuleImpl = existing?.Module ?? ModuleImpl;

/** The runtime of this copy. */
export const runtime: Runtime = Object.freeze({
  version: '0.1.0',
  origin: import.meta.url,
  Module: ModuleImpl,
  block: moduleFor,
  specifier,
  exports: joinModule,
});

/**
 * Define `globalThis[Symbol.for('modmap')]` and, when absent, `globalThis.Module`. Idempotent for the same copy;
 * a different copy that is already installed makes this throw ERR_MODMAP_DUPLICATE_INSTALL.
 */
export function installRuntime(): Runtime {
  const g = globalThis as Record<PropertyKey, unknown>;
  const current = g[RUNTIME_KEY] as Runtime | undefined;
  if (current !== undefined) {
    if (current.origin !== runtime.origin) throw codes.ERR_MODMAP_DUPLICATE_INSTALL(current.origin, runtime.origin);
    return current;
  }
  Object.defineProperty(g, RUNTIME_KEY, { value: runtime, writable: false, enumerable: false, configurable: false });
  if (!('Module' in g)) {
    Object.defineProperty(g, 'Module', { value: ModuleImpl, writable: true, enumerable: false, configurable: true });
  }
  return runtime;
}
