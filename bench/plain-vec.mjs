/** methodCall's anchor: len2 on an ordinary class (bench/registry-worker.mjs, bench/registry-native.mjs). */
export class PlainVec {
  constructor(x, y) { this.x = x; this.y = y; }
  len2() { return this.x * this.x + this.y * this.y; }
  len2Once() { const x = this.x, y = this.y; return x * x + y * y; }
}
