// Struct types for bench/registry.mjs. Each agent that imports this file gets the same keys.
import { SharedStruct } from 'modmap';

export class Vec extends SharedStruct('x', 'y') {
  len2() { return this.x * this.x + this.y * this.y; }
  /** len2 reading each field once (methodCallReadOnce). */
  len2Once() { const x = this.x, y = this.y; return x * x + y * y; }
}
export class Holder extends SharedStruct('item') {}
export class Fresh extends SharedStruct('x', 'y') {
  len2() { return this.x * this.x + this.y * this.y; }
}

// Four more struct types, each with a field the worker reads before its second measurement: five struct types in
// one agent, as in a real app (bench/registry.mjs methodCallFiveTypes).
export class T1 extends SharedStruct('a') {}
export class T2 extends SharedStruct('a') {}
export class T3 extends SharedStruct('a') {}
export class T4 extends SharedStruct('a') {}

// The plain-object anchor: the same method on an ordinary class (its own file, so that the native anchor's child,
// bench/registry-native.mjs, can use it without loading modmap).
export { PlainVec } from './plain-vec.mjs';
