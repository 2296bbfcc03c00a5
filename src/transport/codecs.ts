// The codecs for modmap's own values. Both send O(1) payloads: a module block travels as its identity, a shared
// value as its heap address, whatever graph stands behind it.
//
// The module codec reaches the runtime through two functions rather than an import, so that the Node register
// entry can load the runtime lazily (src/node/lazy-runtime.ts): until something has loaded it, no Module exists in
// the agent and nothing needs encoding. The browser shim passes the runtime it has already loaded.

import type { Codec } from './codec.js';
import type { Module } from '../module-expression.js';
import { loadedEngine, requireEngine } from '../structs/bridge.js';

/** The part of the runtime (src/module-expression.ts) the module codec needs. */
export interface ModuleRuntime {
  isModule(value: unknown): value is Module;
  moduleIdentity(value: Module): { readonly base: string; readonly path: string; readonly source: string } | undefined;
  moduleFor(base: string, path: string, source: string): Module;
}

/**
 * A Module object travels as `[base, path, source]`; the receiver gets its own canonical Module (moduleFor).
 * `loaded()` answers without loading (undefined: no Module can exist yet); `load()` loads the runtime to decode.
 */
export function createModuleCodec(loaded: () => ModuleRuntime | undefined, load: () => ModuleRuntime): Codec {
  return {
    name: 'module',
    matches: (value) => loaded()?.isModule(value) === true,
    encode(value) {
      const id = loaded()!.moduleIdentity(value as Module)!;
      return [id.base, id.path, id.source];
    },
    decode(payload) {
      const [base, path, source] = payload as [string, string, string];
      return load().moduleFor(base, path, source);
    },
  };
}

/** A struct, SharedArray, Mutex or Condition travels as the struct engine's handle payload (heap address). */
export const sharedCodec: Codec = {
  name: 'shared',
  // canBeShared is true for primitives too; the codec is only ever asked about objects. Without the engine loaded,
  // no shared value exists in this agent.
  matches: (value) => loadedEngine()?.canBeShared(value) === true,
  encode(value) {
    return loadedEngine()!.__encodeShared(value);
  },
  decode(payload) {
    return requireEngine().__decodeShared(payload);
  },
};
