// SharedArray.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import util from 'node:util';
import { SharedArray, SharedStruct, canBeShared } from '../../dist/src/structs/index.js';

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
