// Field accessor tiers (core.ts "Tiers" and "Integer fields"). In Node a field starts with the counting accessors
// (getter name 'get'); after FIELD_BUDGET (256) accesses in the agent it gets accessors of its own: the integer
// getter on V8 12+ (Node 22 and later) if every access so far involved only small integers, else the general one.
// The first word of any other kind gives an integer field the general getter for good. Whatever the tier, every
// read returns the stored value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SharedStruct, SharedArray, __internals } from '../../dist/src/structs/index.js';

const integerFirst = Number(process.versions.v8.split('.')[0]) >= 12;
const hot = integerFirst ? 'integer' : 'general';
const BUDGET = 256;

/** Which getter a field of struct class C has now: 'get' (counting), 'integer' or 'general'. */
const getterOf = (C, name) => {
  for (let p = C.prototype; p !== null; p = Object.getPrototypeOf(p)) {
    const d = Object.getOwnPropertyDescriptor(p, name);
    if (d) return d.get.name;
  }
  return undefined;
};
const readMany = (s, name, n) => { let last; for (let k = 0; k < n; k++) last = s[name]; return last; };

test('a field is counted first, then gets its own accessors; non-integers seen meanwhile make them general', () => {
  class A extends SharedStruct('i', 'o', 'w') {}
  const x = new A();
  x.i = 1;
  x.o = 2;
  assert.deepEqual([getterOf(A, 'i'), getterOf(A, 'o')], ['get', 'get']);
  assert.equal(readMany(x, 'i', BUDGET - 2), 1);
  assert.equal(getterOf(A, 'i'), 'get', 'one access short of the budget (the write counted)');
  assert.equal(x.i, 1);
  assert.equal(getterOf(A, 'i'), hot, 'at the budget');
  x.o = 'text';
  assert.equal(readMany(x, 'o', BUDGET), 'text');
  assert.equal(getterOf(A, 'o'), 'general');
  for (let k = 0; k < BUDGET; k++) x.w = k === 5 ? 0.5 : k; // writes count, and a non-integer write is seen
  assert.equal(getterOf(A, 'w'), 'general');
  assert.equal(x.w, BUDGET - 1);
});

test('an integer field switches to the general getter on its first other word, and only that field', () => {
  class A extends SharedStruct('a', 'b') {}
  class B extends SharedStruct('a') {}
  const x = new A();
  const y = new B();
  x.a = 1;
  x.b = 2;
  y.a = 3;
  readMany(x, 'a', BUDGET);
  readMany(x, 'b', BUDGET);
  readMany(y, 'a', BUDGET);
  assert.deepEqual([getterOf(A, 'a'), getterOf(A, 'b'), getterOf(B, 'a')], [hot, hot, hot]);
  x.a = 'text'; // a write alone does not switch: the setter is not specialised
  assert.equal(getterOf(A, 'a'), hot);
  assert.equal(x.a, 'text');
  assert.deepEqual([getterOf(A, 'a'), getterOf(A, 'b'), getterOf(B, 'a')], ['general', hot, hot]);
  x.a = 5;
  assert.equal(x.a, 5, 'the general getter reads integers too');
  assert.equal(getterOf(A, 'a'), 'general', 'for good');
});

test('every kind of value read by a hot, optimised loop stays right across the switch', () => {
  class P extends SharedStruct('x', 'y') {}
  const ps = Array.from({ length: 64 }, (_, i) => { const p = new P(); p.x = i; p.y = -i - 1; return p; }); // not -i: -0 is not a small integer
  const sumX = (list) => { let s = 0; for (let i = 0; i < list.length; i++) s += list[i].x; return s; };
  const read = (p) => p.x;
  let total = 0;
  let expected = 0;
  for (let r = 0; r < 20_000; r++) { total += sumX(ps) + read(ps[r & 63]); expected += 2016 + (r & 63); } // optimised
  assert.equal(total, expected);
  assert.equal(getterOf(P, 'x'), hot);
  const other = new P();
  const values = [2 ** 30, -(2 ** 30) - 1, 0.5, -0, NaN, 'str', 10n ** 30n, true, null, undefined, other, 7];
  for (const v of values) {
    ps[5].x = v;
    assert.ok(Object.is(read(ps[5]), v), `read ${String(v)}`);
  }
  assert.equal(sumX(ps), 2016 - 5 + 7, 'the loop still sums the integers');
  assert.equal(getterOf(P, 'x'), 'general');
  readMany(ps[63], 'y', BUDGET);
  assert.equal(getterOf(P, 'y'), hot, 'the other field keeps its getter');
  assert.equal(ps[63].y, -64);
});

test('a released struct read through any tier throws, and the getter stays', () => {
  class R extends SharedStruct('n') {}
  const live = new R();
  live.n = 4;
  const gone = new R();
  gone.n = 1;
  SharedStruct.release(gone);
  assert.throws(() => gone.n, { code: 'ERR_MODMAP_RELEASED' }, 'counting getter');
  readMany(live, 'n', BUDGET);
  assert.equal(getterOf(R, 'n'), hot);
  assert.throws(() => gone.n, { code: 'ERR_MODMAP_RELEASED' }, 'own getter');
  assert.equal(getterOf(R, 'n'), hot, 'an error says nothing about what the field holds');
  assert.equal(live.n, 4);
});

test('heap growth re-makes the accessors and keeps each field in its tier', () => {
  class G extends SharedStruct('i', 's', 'cold') {}
  const g = new G();
  g.i = 11;
  g.s = 'before';
  g.cold = 1;
  readMany(g, 'i', BUDGET);
  readMany(g, 's', BUDGET);
  const getters = ['i', 's', 'cold'].map((f) => getterOf(G, f));
  assert.deepEqual(getters, [hot, 'general', 'get']);
  const proto = Object.getPrototypeOf(G.prototype);
  const oldGet = Object.getOwnPropertyDescriptor(proto, 'i').get;
  const oldCold = Object.getOwnPropertyDescriptor(proto, 'cold').get;
  const before = __internals.heapStats().bufferBytes;
  const big = [];
  while (__internals.heapStats().bufferBytes === before) big.push(new SharedArray(1_000_000));
  const late = new G();
  late.i = 12;
  late.s = 'after';
  late.cold = 2;
  assert.notEqual(Object.getOwnPropertyDescriptor(proto, 'i').get, oldGet, 're-made');
  assert.deepEqual(['i', 's', 'cold'].map((f) => getterOf(G, f)), getters);
  assert.equal(late.i, 12, 'a block past the old view');
  assert.equal(late.s, 'after');
  assert.equal(late.cold, 2);
  assert.equal(oldGet.call(late), 12, 'a getter kept from before the growth still reads the new block');
  assert.equal(oldCold.call(late), 2);
  assert.equal(getterOf(G, 'i'), hot, 'and does not switch the field');
  late.i = 'now a string';
  assert.equal(late.i, 'now a string');
  assert.equal(getterOf(G, 'i'), 'general');
  readMany(late, 'cold', BUDGET);
  assert.equal(getterOf(G, 'cold'), hot, 'the budget carried over the growth');
  void big;
});
