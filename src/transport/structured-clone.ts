// SPEC §6: `structuredClone(s)` must never make an independent copy of a shared value that silently diverges from it.
// The host's structuredClone would turn a struct handle into `{}` and a Module into a plain object. modmap wraps
// the global so that modmap values inside the value go through the same codec as postMessage: they come back as
// this agent's canonical objects (the struct itself, the Module itself), while everything around them is cloned as
// usual. Values without modmap values go straight to the host's function. Platform-neutral (Node and the shim).
import { decodeMessage, encodeMessage } from './codec.js';
import { installCloneWrapper } from './clone-wrapper.js';

/** structuredClone through the codec: modmap values come back as this agent's own objects. */
export function cloneWithCodecs(host: typeof structuredClone, value: unknown, options?: StructuredSerializeOptions): unknown {
  const encoded = encodeMessage(value);
  if (encoded === value) return host(value, options);
  return decodeMessage(host(encoded, options));
}

/** Wrap `globalThis.structuredClone` with the codec, once per realm. Idempotent. */
export function installStructuredClone(): void {
  installCloneWrapper(cloneWithCodecs);
}
