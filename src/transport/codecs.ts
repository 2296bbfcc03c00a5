// The codecs for modmap's own values. Both send O(1) payloads: a module block travels as its identity, a shared
// value as its heap address, whatever graph stands behind it.

import type { Codec } from './codec.js';
import { isModule, moduleFor, moduleIdentity } from '../module-expression.js';
import { loadedEngine, requireEngine } from '../structs/bridge.js';

/** A Module object travels as `[base, path, source]`; the receiver gets its own canonical Module (moduleFor). */
export const moduleCodec: Codec = {
  name: 'module',
  matches: isModule,
  encode(value) {
    const id = moduleIdentity(value)!;
    return [id.base, id.path, id.source];
  },
  decode(payload) {
    const [base, path, source] = payload as [string, string, string];
    return moduleFor(base, path, source);
  },
};

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
