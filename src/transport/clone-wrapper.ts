// The one wrapper modmap puts on the global `structuredClone` (SPEC §6), with no imports, so that the Node register
// entry's start-up bundle can install it without the codec (src/node/lazy-transport.ts); structured-clone.ts
// installs it with the codec. Platform-neutral.

/** Marks the wrapper, so that a second call (register entry, installNodeTransport, a second copy) does not wrap twice. */
const kWrapped = Symbol.for('modmap.structuredClone');

type Clone = (host: typeof structuredClone, value: unknown, options?: StructuredSerializeOptions) => unknown;

/** Wrap `globalThis.structuredClone` once per realm with `clone`, which gets the host's own function. Idempotent. */
export function installCloneWrapper(clone: Clone): void {
  const g = globalThis as { structuredClone?: typeof structuredClone };
  const host = g.structuredClone;
  if (typeof host !== 'function' || (host as unknown as Record<symbol, unknown>)[kWrapped] === true) return;
  const wrapped = function structuredClone(this: unknown, value: unknown, options?: StructuredSerializeOptions): unknown {
    // No argument: let the host throw its own TypeError, exactly as without modmap.
    if (arguments.length === 0) return Reflect.apply(host, this, []);
    return clone(host, value, options);
  };
  Object.defineProperty(wrapped, kWrapped, { value: true });
  // Same attributes as the host's own global (enumerable, writable, configurable).
  Object.defineProperty(globalThis, 'structuredClone', { value: wrapped, writable: true, enumerable: true, configurable: true });
}
