// Shared structs: storage, object model and synchronization (SPEC §4, issue 4).
// Public values first, then types. Names starting with `__` are internal hooks for modmap's transport and
// worker start-up; they are exported so that the transport (a separate module) can reach them.

export { SharedStruct } from './struct.js';
export { SharedArray } from './array.js';
export { Mutex, Condition, UnlockToken } from './sync.js';
export { atomics } from './atomics.js';
export { canBeShared } from './core.js';
export { __heapForWorker, __attachHeap, __agentExited, __encodeShared, __decodeShared } from './transport.js';
export { __internals } from './internals.js';

export type { Shareable } from './types.js';
export type { SharedStructClass, SharedStructInstance, SharedStructFunction, StructFields, FieldsOf } from './struct.js';
export type { SharedPayload } from './transport.js';
