// atomics.* on fields and elements.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as S from '../../dist/src/structs/index.js';
import { SharedStruct, SharedArray, atomics } from '../../dist/src/structs/index.js';
import { makeWire } from './fixtures/wire.mjs';

const { enc } = makeWire(S);
import { startAgent } from './fixtures/run-agent.mjs';

class Box extends SharedStruct('v', 'count') {}

test('load, store, exchange', () => {
  const b = new Box();
  assert.equal(atomics.load(b, 'v'), undefined);
  assert.equal(atomics.store(b, 'v', 'hello'), 'hello');
  assert.equal(b.v, 'hello');
  assert.equal(atomics.exchange(b, 'v', 2n ** 70n), 'hello');
  assert.equal(atomics.load(b, 'v'), 2n ** 70n);
  const other = new Box();
  atomics.store(b, 'v', other);
  assert.equal(atomics.load(b, 'v'), other);
});

test('compareExchange uses SameValue', () => {
  const b = new Box();
  b.v = 'abc';
  assert.equal(atomics.compareExchange(b, 'v', 'ab' + 'c', 1), 'abc', 'strings by value');
  assert.equal(b.v, 1);
  b.v = 0;
  assert.equal(atomics.compareExchange(b, 'v', -0, 5), 0, '-0 is not 0');
  assert.equal(b.v, 0);
  b.v = -0;
  assert.ok(Object.is(atomics.compareExchange(b, 'v', -0, 5), -0));
  assert.equal(b.v, 5);
  b.v = NaN;
  assert.ok(Number.isNaN(atomics.compareExchange(b, 'v', NaN, 'was NaN')));
  assert.equal(b.v, 'was NaN');
  b.v = 10n ** 30n;
  atomics.compareExchange(b, 'v', 10n ** 30n, true);
  assert.equal(b.v, true, 'bigints by value');
  b.v = 1.5;
  atomics.compareExchange(b, 'v', 1.5, null);
  assert.equal(b.v, null, 'boxed doubles by value');
  const o = new Box();
  b.v = o;
  assert.equal(atomics.compareExchange(b, 'v', new Box(), 1), o, 'structs by identity');
  assert.equal(atomics.compareExchange(b, 'v', o, 1), o);
  assert.equal(b.v, 1);
  assert.equal(atomics.compareExchange(b, 'v', '1', 2), 1, 'no type coercion');
  assert.equal(b.v, 1);
});

test('missing fields are RangeErrors; bad values TypeErrors with the field unchanged', () => {
  const b = new Box();
  b.v = 'keep';
  for (const op of [() => atomics.load(b, 'nope'), () => atomics.store(b, 'nope', 1), () => atomics.exchange(b, 'x', 1),
    () => atomics.compareExchange(b, 'y', 1, 2), () => atomics.load(b, 0)]) {
    assert.throws(op, { name: 'RangeError', code: 'ERR_MODMAP_NO_SUCH_FIELD' });
  }
  assert.throws(() => atomics.store(b, 'v', {}), { name: 'TypeError', code: 'ERR_MODMAP_NOT_SHAREABLE' });
  assert.throws(() => atomics.exchange(b, 'v', () => {}), { code: 'ERR_MODMAP_NOT_SHAREABLE' });
  assert.throws(() => atomics.compareExchange(b, 'v', 'keep', Symbol()), { code: 'ERR_MODMAP_NOT_SHAREABLE' });
  assert.equal(b.v, 'keep');
  assert.throws(() => atomics.load({}, 'v'), { code: 'ERR_MODMAP_INVALID_SHARED' });
});

test('elements of a SharedArray', () => {
  const a = new SharedArray(3);
  atomics.store(a, 1, 'x');
  assert.equal(atomics.load(a, 1), 'x');
  assert.equal(atomics.exchange(a, 1, 2), 'x');
  assert.equal(atomics.compareExchange(a, 1, 2, 3), 2);
  assert.equal(a.get(1), 3);
  assert.throws(() => atomics.load(a, 3), { name: 'RangeError', code: 'ERR_MODMAP_INDEX_OUT_OF_RANGE' });
  assert.throws(() => atomics.load(a, -1), { name: 'RangeError' });
});

test('compareExchange increments from several workers lose nothing (sequential consistency of CAS)', async () => {
  const agents = [1, 2, 3, 4].map((id) => startAgent(id));
  try {
    const b = new Box();
    b.count = 2 ** 30 - 5000; // crosses from inline small ints to boxed numbers on the way
    await Promise.all(agents.map((a) => a.run('casIncrements', { target: enc(b), n: 4000 })));
    assert.equal(b.count, 2 ** 30 - 5000 + 16000);
  } finally { await Promise.all(agents.map((a) => a.close())); }
});
