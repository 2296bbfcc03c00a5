// Struct classes, sealing, value round trips, display.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import util from 'node:util';
import { SharedStruct, SharedArray, Mutex, Condition, canBeShared } from '../../dist/src/structs/index.js';

class Point extends SharedStruct('x', 'y', 'next') {
  constructor(x, y) { super(); this.x = x; this.y = y; }
  len2() { return this.x * this.x + this.y * this.y; }
}

test('a struct class: constructor, methods, fields start undefined', () => {
  const p = new Point(3, 4);
  assert.equal(p.len2(), 25, 'method');
  assert.equal(p.next, undefined, 'unset field');
  assert.equal(new (SharedStruct('a'))().a, undefined, 'fresh base');
  assert.ok(p instanceof Point && p instanceof SharedStruct, 'instanceof');
  assert.throws(() => Point(1, 2), TypeError, 'call without new');
  const Base = SharedStruct('a');
  assert.throws(() => Base(), TypeError, 'base without new');
});

test('field lists: duplicates and non-strings are TypeErrors', () => {
  assert.throws(() => SharedStruct('a', 'a'), { name: 'TypeError', code: 'ERR_MODMAP_INVALID_FIELDS' });
  assert.throws(() => SharedStruct('a', 1), { name: 'TypeError', code: 'ERR_MODMAP_INVALID_FIELDS' });
  assert.throws(() => SharedStruct(Symbol('s')), { name: 'TypeError', code: 'ERR_MODMAP_INVALID_FIELDS' });
  assert.throws(() => SharedStruct.extend(Point, 'x'), { code: 'ERR_MODMAP_INVALID_FIELDS' }, 'extend repeats a field');
  assert.throws(() => SharedStruct.extend(class {}, 'x'), { code: 'ERR_MODMAP_INVALID_SHARED' }, 'extend a non-struct');
});

test('SharedStruct.extend adds fields and keeps methods', () => {
  class Point3 extends SharedStruct.extend(Point, 'z') {
    constructor(x, y, z) { super(x, y); this.z = z; }
    len2() { return super.len2() + this.z * this.z; }
  }
  const p = new Point3(1, 2, 3);
  assert.deepEqual(SharedStruct.fields(p), ['x', 'y', 'next', 'z']);
  assert.equal(p.len2(), 14);
  assert.ok(p instanceof Point);
  assert.deepEqual(SharedStruct.fields(new Point(0, 0)), ['x', 'y', 'next'], 'parent unchanged');
});

test('instances are sealed: no add, delete of fields has no effect, no redefine, freeze, setPrototypeOf', () => {
  'use strict';
  const p = new Point(1, 2);
  assert.throws(() => { p.z = 1; }, TypeError, 'add');
  assert.equal(Reflect.set(p, 'z', 1), false, 'Reflect.set add');
  assert.throws(() => Object.defineProperty(p, 'x', { value: 5 }), TypeError, 'redefine field');
  assert.equal(Reflect.defineProperty(p, 'x', { value: 5 }), false, 'Reflect.defineProperty');
  assert.equal(p.x, 1, 'field intact after redefine attempts');
  assert.throws(() => Object.freeze(p), { name: 'TypeError', code: 'ERR_MODMAP_IMMUTABLE_LAYOUT' }, 'freeze');
  assert.equal(Object.isFrozen(p), false);
  assert.equal(Object.isSealed(p), true);
  assert.equal(Object.isExtensible(p), false);
  assert.throws(() => Object.setPrototypeOf(p, {}), TypeError, 'setPrototypeOf');
  assert.equal(Reflect.setPrototypeOf(p, {}), false, 'Reflect.setPrototypeOf');
  assert.equal(Reflect.deleteProperty(p, 'x'), true, 'delete: fields are not own properties');
  assert.equal(p.x, 1, 'delete leaves the field');
  assert.deepEqual(Object.keys(p), [], 'no own keys');
  assert.equal(Object.hasOwn(p, 'x'), false);
  assert.equal('x' in p, true);
  class WithField extends SharedStruct('a') { extra = 1; }
  assert.throws(() => new WithField(), TypeError, 'class fields cannot be added');
  assert.equal(Object.freeze({ a: 1 }).a, 1, 'freeze still works on ordinary objects');
});

test('values round-trip bit-exact', () => {
  const p = new Point();
  const cases = [undefined, null, true, false, 0, 1, -1, 2 ** 30 - 1, -(2 ** 30), 2 ** 30, -(2 ** 30) - 1, 2 ** 31, 2 ** 53,
    1.5, -1e308, Number.MIN_VALUE, Infinity, -Infinity, NaN, -0, '', 'a', 'héllo', '\ud800', 'x\udc00y', '😀', 'z'.repeat(100000),
    0n, 1n, -1n, 2n ** 64n, -(2n ** 1000n) + 7n, 123456789012345678901234567890n];
  for (const v of cases) {
    p.x = v;
    assert.ok(Object.is(p.x, v), `round trip ${typeof v} ${String(v).slice(0, 20)}`);
    assert.equal(canBeShared(v), true);
  }
  let long = '';
  for (let i = 0; i < 70000; i++) long += String.fromCharCode(i & 0xffff);
  p.y = long;
  assert.equal(p.y, long, 'every code unit, including lone surrogates');
});

test('shared references: structs, arrays, mutexes, conditions', () => {
  const p = new Point(1, 2);
  const q = new Point(3, 4);
  const a = new SharedArray(2);
  const m = new Mutex();
  const c = new Condition();
  for (const v of [q, a, m, c]) {
    p.next = v;
    assert.equal(p.next, v, 'same object back');
    assert.equal(canBeShared(v), true);
  }
  p.next = p;
  assert.equal(p.next.next.next, p, 'cycles');
});

test('unshareable values throw a TypeError and leave the field unchanged; canBeShared agrees', () => {
  const p = new Point(1, 2);
  p.next = 'keep';
  let called = false;
  const bad = [{}, [], () => {}, Symbol('s'), new Map(), { valueOf() { called = true; return 1; } }, new Int32Array(1),
    Object.create(null), new Date(0), /re/];
  for (const v of bad) {
    assert.throws(() => { p.next = v; }, { name: 'TypeError', code: 'ERR_MODMAP_NOT_SHAREABLE' }, String(typeof v));
    assert.equal(p.next, 'keep', 'unchanged');
    assert.equal(canBeShared(v), false, 'canBeShared agrees');
  }
  assert.equal(called, false, 'valueOf is never called');
});

test('fields in declaration order: SharedStruct.fields, JSON.stringify, util.inspect, for-in', () => {
  class Z extends SharedStruct('z', 'a', 'm') {}
  const s = new Z();
  s.z = 1; s.a = 'two'; s.m = new Point(1, 2);
  assert.deepEqual(SharedStruct.fields(s), ['z', 'a', 'm']);
  assert.equal(JSON.stringify(s), '{"z":1,"a":"two","m":{"x":1,"y":2}}');
  assert.equal(util.inspect(s), "Z { z: 1, a: 'two', m: Point { x: 1, y: 2, next: undefined } }");
  const keys = [];
  for (const k in s) keys.push(k);
  assert.deepEqual(keys.slice(0, 3), ['z', 'a', 'm']);
  assert.throws(() => SharedStruct.fields({}), { code: 'ERR_MODMAP_INVALID_SHARED' });
  assert.equal(SharedStruct.isStruct(s), true);
  assert.equal(SharedStruct.isStruct({}), false);
});

test('accessors refuse foreign receivers', () => {
  const desc = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Point.prototype), 'x');
  assert.equal(typeof desc.get, 'function');
  assert.throws(() => desc.get.call({}), TypeError);
  assert.throws(() => desc.set.call({}, 1), TypeError);
});
