// SharedArray.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import util from 'node:util';
import { SharedArray, SharedStruct, canBeShared, __internals } from '../../dist/src/structs/index.js';

test('one numeric argument is a length; otherwise the arguments are the elements', () => {
  const a = new SharedArray(4);
  assert.equal(a.length, 4);
  assert.deepEqual([...a], [undefined, undefined, undefined, undefined]);
  const b = new SharedArray('x', 2, 3n);
  assert.deepEqual([...b], ['x', 2, 3n]);
  const c = new SharedArray(7, 8);
  assert.deepEqual([...c], [7, 8]);
  assert.equal(new SharedArray().length, 0);
  assert.throws(() => new SharedArray(1.5), { name: 'RangeError', code: 'ERR_MODMAP_INVALID_LENGTH' });
  assert.throws(() => new SharedArray(-1), { name: 'RangeError' });
  assert.throws(() => new SharedArray(2 ** 32), { name: 'RangeError', code: 'ERR_MODMAP_INVALID_LENGTH' });
  assert.throws(() => new SharedArray(2 ** 32 - 2), { name: 'RangeError', code: 'ERR_MODMAP_HEAP_EXHAUSTED' }, 'no cap but memory');
  assert.throws(() => new SharedArray('a', {}), { name: 'TypeError', code: 'ERR_MODMAP_NOT_SHAREABLE' });
  assert.throws(() => SharedArray(3), TypeError, 'without new');
});

test('get/set/at, indexed access, read-only length, sealed', () => {
  'use strict';
  const a = new SharedArray(3);
  a.set(0, 'zero');
  a[1] = -0;
  a[2] = new SharedArray(1);
  assert.equal(a.get(0), 'zero');
  assert.ok(Object.is(a[1], -0));
  assert.equal(a.at(-1), a[2]);
  assert.equal(a.at(-1), a.get(2), 'identity');
  assert.equal(a[3], undefined, 'out of range read');
  assert.equal(a.get(3), undefined);
  assert.throws(() => a.set(3, 1), { name: 'RangeError', code: 'ERR_MODMAP_INDEX_OUT_OF_RANGE' });
  assert.throws(() => { a[3] = 1; }, TypeError, 'out of range write through []');
  assert.throws(() => { a.length = 5; }, TypeError, 'length is read-only');
  assert.equal(a.length, 3);
  assert.throws(() => { a.foo = 1; }, TypeError, 'no new properties');
  assert.throws(() => Object.freeze(a), { code: 'ERR_MODMAP_IMMUTABLE_LAYOUT' });
  assert.throws(() => { a[0] = {}; }, { code: 'ERR_MODMAP_NOT_SHAREABLE' });
  assert.equal(a[0], 'zero', 'unchanged');
  assert.deepEqual(Object.keys(a), []);
  assert.equal(SharedArray.isSharedArray(a), true);
  assert.equal(SharedArray.isSharedArray([]), false);
  assert.equal(canBeShared(a), true);
  assert.equal(typeof a.toString, 'function', 'Object.prototype is still reachable');
});

test('JSON and inspect', () => {
  class P extends SharedStruct('x') {}
  const p = new P();
  p.x = 1;
  const a = new SharedArray(1, 'two', p, null);
  assert.equal(JSON.stringify(a), '[1,"two",{"x":1},null]');
  assert.equal(util.inspect(a), "SharedArray(4) [ 1, 'two', P { x: 1 }, null ]");
});

test('a large array', () => {
  const n = 5_000_000;
  const a = new SharedArray(n);
  a.set(n - 1, 'last');
  a.set(0, 1.25);
  assert.equal(a.get(n - 1), 'last');
  assert.equal(a.at(0), 1.25);
  assert.equal(a.length, n);
});

test('the fast get/set/length keep every value kind and every coded error, hot or not', () => {
  class P extends SharedStruct('x') {}
  const p = new P();
  const a = new SharedArray(8);
  // Hot loops first, so that what follows runs through optimised code where V8 gets there.
  const sum = (arr) => { let s = 0; for (let i = 0; i < arr.length; i++) s += arr.get(i); return s; };
  const fill = (arr, v) => { for (let i = 0; i < arr.length; i++) arr.set(i, v + i); };
  for (let k = 0; k < 20_000; k++) { fill(a, k); assert.equal(sum(a), 8 * k + 28); }
  // Every other kind of value through the same hot functions.
  const values = ['s', 1.5, -0, 2 ** 31, -(2 ** 30) - 1, 2 ** 30 - 1, -(2 ** 30), 12n, true, null, undefined, p];
  for (const v of values) {
    for (let i = 0; i < a.length; i++) a.set(i, v);
    for (let i = 0; i < a.length; i++) assert.ok(Object.is(a.get(i), v), `${String(v)} at ${i}`);
  }
  assert.equal(sum(new SharedArray(1, 2, 3)), 6, 'back to integers');
  // Indexes that are not array indexes: undefined on read, RangeError on write, the array unchanged.
  a.set(0, 7);
  for (const i of [8, -1, 1.5, NaN, '0', 2 ** 32]) {
    assert.equal(a.get(i), undefined, `get(${String(i)})`);
    assert.throws(() => a.set(i, 1), { name: 'RangeError', code: 'ERR_MODMAP_INDEX_OUT_OF_RANGE' }, `set(${String(i)})`);
  }
  assert.equal(a.get(0), 7);
  // Other receivers: coded TypeErrors, for a struct handle (whose block is not an array) as well.
  const { get, set } = SharedArray.prototype;
  const length = Object.getOwnPropertyDescriptor(SharedArray.prototype, 'length').get;
  for (const other of [{}, p, 5, undefined]) {
    assert.throws(() => get.call(other, 0), { name: 'TypeError', code: 'ERR_MODMAP_INVALID_SHARED' });
    assert.throws(() => set.call(other, 0, 1), { name: 'TypeError', code: 'ERR_MODMAP_INVALID_SHARED' });
    assert.throws(() => length.call(other), { name: 'TypeError', code: 'ERR_MODMAP_INVALID_SHARED' });
  }
  assert.equal(p.x, undefined, 'the struct was not written');
  // Unshareable values leave the element as it was.
  assert.throws(() => a.set(0, {}), { code: 'ERR_MODMAP_NOT_SHAREABLE' });
  assert.equal(a.get(0), 7);
});

test('fast paths made before the heap grew still work on arrays made after', () => {
  const { get, set } = SharedArray.prototype;
  const before = __internals.heapStats().bufferBytes;
  const keep = [];
  while (__internals.heapStats().bufferBytes === before) keep.push(new SharedArray(100_000));
  assert.notEqual(SharedArray.prototype.get, get, 'installed again for the new views');
  const late = keep.at(-1);
  set.call(late, 99_999, 41);
  assert.equal(get.call(late, 99_999), 41);
  late.set(0, 'x');
  assert.equal(get.call(late, 0), 'x');
  assert.equal(late.get(99_999), 41);
});
