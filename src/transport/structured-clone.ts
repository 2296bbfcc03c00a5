// SPEC §6: `structuredClone(s)` must never make an independent copy of a shared value that silently diverges from it.
// The host's structuredClone would turn a struct handle into `{}` and a Module into a plain object. modmap wraps
// the global so that modmap values inside the value go through the same codec as postMessage: they come back as
// this agent's canonical objects (the struct itself, the Module itself), while everything around them is cloned as
// usual. Values without modmap values go straight to the host's function. Platform-neutral (Node and the shim).
import { decodeMessage, encodeMessage } from './codec.js';

/** Marks the wrapper, so that a second call (register entry, installNodeTransport, a second copy) does not wrap twice. */
const kWrapped = Symbol.for('modmap.structuredClone');

/** structuredClone through the codec: modmap values come back as this agent's own objects. */
export function cloneWithCodecs(host: typeof structuredClone, value: unknown, options?: StructuredSerializeOptions): unknown {
  const encoded = encodeMessage(value);
  if (encoded === value) return host(value, options);
  return decodeMessage(host(encoded, options));
}

/** Wrap `globalThis.structuredClone` once per realm. Idempotent. */
export function installStructuredClone(): void {
  const g = globalThis as { structuredClone?: typeof structuredClone };
  const host = g.structuredClone;
  if (typeof host !== 'function' || (host as unknown as Record<symbol, unknown>)[kWrapped] === true) return;
  const wrapped = function structuredClone(this: unknown, value: unknown, options?: StructuredSerializeOptions): unknown {
    // No argument: let the host throw its own TypeError, exactly as without modmap.
    if (arguments.length === 0) return Reflect.apply(host, this, []);
    return cloneWithCodecs(host, value, options);
  };
  Object.defineProperty(wrapped, kWrapped, { value: true });
  // Same attributes as the host's own global (enumerable, writable, configurable).
  Object.defineProperty(globalThis, 'structuredClone', { value: wrapped, writable: true, enumerable: true, configurable: true });
}
