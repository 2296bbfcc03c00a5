// Struct types for bench/registry.mjs. Each agent that imports this file gets the same keys.
import { SharedStruct } from 'modmap';

export class Vec extends SharedStruct('x', 'y') {
  len2() { return this.x * this.x + this.y * this.y; }
}
export class Holder extends SharedStruct('item') {}
export class Fresh extends SharedStruct('x', 'y') {
  len2() { return this.x * this.x + this.y * this.y; }
}

/** The plain-object anchor: the same method on an ordinary class. */
export class PlainVec {
  constructor(x, y) { this.x = x; this.y = y; }
  len2() { return this.x * this.x + this.y * this.y; }
}
