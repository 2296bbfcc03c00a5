// The module-map keyed registry (SPEC §5), app-realm half: which struct class a (module URL, export name) key names
// in THIS agent, and which key a struct class has. No string registry: a key is only ever made from a module
// namespace object that the loader vouched for, and the only way to get a class for a key is to have loaded that
// module in this agent.
//
// How a module joins: the loader adds two lines' worth of code to a module that mentions `SharedStruct`:
//   globalThis[Symbol.for("modmap")].exports("<url>", "<token>", __modmap_ns);   (start of the file)
//   import * as __modmap_ns from "<url>";                                          (a new last line)
// The self-import is hoisted, so the namespace object exists before the module's first statement runs, and the
// registry reads its exports lazily, whenever it needs them: instances made during top-level evaluation (or
// top-level await) are keyed as soon as their class binding is initialised. The token proves the call comes from the
// transformed module at <url>: it is an HMAC of the URL under a per-agent secret that only the register entry and
// the hooks hold (in the browser, a random value the shim remembers). A call with a wrong token is refused.

/** A struct type key: the canonical URL of the defining module, and the export name. */
export interface StructKey {
  readonly url: string;
  readonly name: string;
}

/** Checks a module's token. Installed once per agent by the register entry or the shim. */
export type TokenVerifier = (url: string, token: string) => boolean;

/**
 * Where the Node register entry leaves its verifier, as a non-writable, non-configurable global defined before any
 * app code runs, so that this module can load late (on first need) and still get it before anyone else could
 * install one. Reading the slot only lets a caller check tokens, never make them.
 */
export const VERIFIER_SLOT: unique symbol = Symbol.for('modmap.tokenVerifier') as never;

let verifier: TokenVerifier | undefined = ((slot) => (typeof slot === 'function' ? slot as TokenVerifier : undefined))(
  (globalThis as Record<symbol, unknown>)[VERIFIER_SLOT],
);

/** url → the module's namespace object, for every module that joined in this agent. */
const modules = new Map<string, object>();
/** class → key, filled lazily from the namespaces. */
const keys = new WeakMap<Function, StructKey>();
/** Modules whose exports have not all been initialised yet (top-level code still running): read them again. */
const unsettled = new Set<string>();
const listeners = new Set<(url: string) => void>();

/** Predicate the struct engine installs: is this value a struct class (a subclass of a SharedStruct base)? */
let isStructClass: (value: unknown) => boolean = () => false;

/**
 * Install the token verifier. The first caller wins (the register entry or the shim, which run before any app
 * code); any later call throws, so app code cannot replace it.
 */
export function installTokenVerifier(verify: TokenVerifier): void {
  if (verifier !== undefined) throw new TypeError('modmap: the registry token verifier is already installed');
  verifier = verify;
}

/** Called by the struct engine once, to tell the registry which exports are struct classes. */
export function setStructClassPredicate(predicate: (value: unknown) => boolean): void {
  isStructClass = predicate;
}

/** Called by the struct engine to learn when a module joins (to resolve instances waiting for it). */
export function onModuleJoined(listener: (url: string) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** What transformed code calls (via the runtime object). Refuses a call whose token does not match the URL. */
export function joinModule(url: unknown, token: unknown, namespace: unknown): void {
  if (typeof url !== 'string' || typeof token !== 'string' || typeof namespace !== 'object' || namespace === null ||
      verifier === undefined || !verifier(url, token)) {
    throw new TypeError('modmap: refused a registry entry that did not come from the loader');
  }
  if (modules.has(url)) return; // a module evaluates once per agent; nothing to do
  modules.set(url, namespace);
  unsettled.add(url);
  // In join order: a defining module joins (at its first statement) before any module that imports it evaluates,
  // so settling earlier modules first gives a class the key of its defining module, not of a re-exporter.
  for (const u of [...unsettled]) settle(u);
  for (const listener of listeners) listener(url);
}

/** Read a module's exports; keep it unsettled while some binding is still uninitialised (TDZ). */
function settle(url: string): void {
  const ns = modules.get(url) as Record<string, unknown>;
  let complete = true;
  const found = new Map<Function, string[]>();
  // Namespace keys come sorted by code unit, so the rule below is deterministic. Reflect.ownKeys, because
  // Object.keys reads every binding (to check enumerability) and would throw in the temporal dead zone.
  for (const name of Reflect.ownKeys(ns)) {
    if (typeof name !== 'string') continue; // Symbol.toStringTag
    let value: unknown;
    try {
      value = ns[name];
    } catch {
      complete = false; // not initialised yet: top-level code has not reached it
      continue;
    }
    if (typeof value === 'function' && isStructClass(value)) {
      const names = found.get(value);
      if (names === undefined) found.set(value, [name]);
      else names.push(name);
    }
  }
  for (const [cls, names] of found) {
    if (keys.has(cls)) continue; // keyed by an earlier module: a re-export does not change the key
    keys.set(cls, { url, name: canonicalExportName(names) });
  }
  if (complete) unsettled.delete(url);
}

/**
 * The rule for a class exported under several names from its module (README, "Keys"): a named export wins over
 * `default`, and among named exports the first in code-unit order. `export { Point as P }` keys as `P`.
 */
export function canonicalExportName(names: readonly string[]): string {
  const named = names.filter((n) => n !== 'default').sort();
  return named[0] ?? 'default';
}

/** The key of a struct class in this agent, or undefined if no module that joined exports it. */
export function keyOfClass(cls: Function): StructKey | undefined {
  let key = keys.get(cls);
  if (key === undefined && unsettled.size > 0) {
    for (const url of [...unsettled]) settle(url);
    key = keys.get(cls);
  }
  return key;
}

/**
 * The class a key names in this agent: `undefined` if the module is not loaded here (the caller throws
 * ERR_MODMAP_MODULE_NOT_LOADED), `null` if it is loaded but the export is not (yet) a struct class.
 */
export function classForKey(url: string, name: string): Function | null | undefined {
  const ns = modules.get(url) as Record<string, unknown> | undefined;
  if (ns === undefined) return undefined;
  let value: unknown;
  try {
    value = ns[name];
  } catch {
    return null; // still in its temporal dead zone
  }
  return typeof value === 'function' && isStructClass(value) ? value : null;
}
