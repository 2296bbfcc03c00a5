// The heap: growth on demand, exhaustion without corruption, identity cache without leaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import * as S from '../../dist/src/structs/index.js';
import { SharedStruct, SharedArray, Mutex, __internals } from '../../dist/src/structs/index.js';
import { makeWire } from './fixtures/wire.mjs';

const { enc, dec } = makeWire(S);

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

class Node2 extends SharedStruct('value', 'next') {}

test('the heap grows on demand, from a small buffer to far more', () => {
  const before = __internals.heapStats();
  assert.ok(before.maxBytes >= 2 ** 28, 'a large reservation');
  const keep = [];
  for (let i = 0; i < 300; i++) keep.push(new SharedArray(250_000)); // 300 MB, mostly never touched
  const after = __internals.heapStats();
  assert.ok(after.bufferBytes > before.bufferBytes + 200e6, 'grew');
  keep[299].set(249_999, 'end');
  keep[0].set(0, 1.5);
  assert.equal(keep[299].get(249_999), 'end');
  assert.equal(keep[0].get(0), 1.5);
});

test('exhaustion is a coded RangeError; existing structs and fields stay intact', () => {
  const list = [];
  let head;
  for (let i = 0; i < 1000; i++) { const n = new Node2(); n.value = `v${i}`; n.next = head; head = n; list.push(n); }
  const keep = new Node2();
  keep.value = 'kept';
  const used = __internals.heapStats().usedBytes;
  __internals.setHeapLimit(used + 64 * 1024);
  try {
    let error;
    const made = [];
    try {
      for (;;) made.push(new Node2());
    } catch (e) { error = e; }
    assert.equal(error.name, 'RangeError');
    assert.equal(error.code, 'ERR_MODMAP_HEAP_EXHAUSTED');
    assert.ok(made.length > 100, 'allocated up to the limit');
    // A failing write leaves the field unchanged.
    assert.throws(() => { keep.value = 'x'.repeat(100_000); }, { code: 'ERR_MODMAP_HEAP_EXHAUSTED' });
    assert.equal(keep.value, 'kept');
    assert.throws(() => { keep.value = 2n ** 100000n; }, { code: 'ERR_MODMAP_HEAP_EXHAUSTED' });
    assert.throws(() => new SharedArray(1_000_000), { code: 'ERR_MODMAP_HEAP_EXHAUSTED' });
    assert.throws(() => new Mutex(), { code: 'ERR_MODMAP_HEAP_EXHAUSTED' });
    class Late extends SharedStruct('a') {}
    assert.throws(() => new Late(), { code: 'ERR_MODMAP_HEAP_EXHAUSTED' }, 'a new type descriptor cannot be allocated');
    // Small integers and shared references need no allocation, so they still work.
    keep.value = 42;
    keep.next = head;
    assert.equal(keep.next, head);
    let n = 0;
    for (let p = head; p !== undefined; p = p.next) { assert.equal(p.value, `v${999 - n}`); n++; }
    assert.equal(n, 1000, 'the list is intact');
    for (const m of made) assert.equal(m.value, undefined);
  } finally {
    __internals.setHeapLimit(0);
  }
  keep.value = 'after the limit is lifted';
  assert.equal(keep.value, 'after the limit is lifted');
});

test('identity cache entries go when their objects become unreachable', async () => {
  const holder = new SharedArray(20_000);
  for (let i = 0; i < holder.length; i++) holder.set(i, new Node2());
  // Reach every element through the shared array: each becomes a cache entry.
  let objs = [];
  for (let i = 0; i < holder.length; i++) objs.push(holder.get(i));
  const withEntries = __internals.identityStats().weakEntries;
  assert.ok(withEntries >= 20_000);
  assert.equal(holder.get(5), objs[5], 'canonical while alive');
  const wm = new WeakMap([[objs[5], 'tag']]);
  objs = null;
  __internals.clearHotCache();
  for (let i = 0; i < 10 && __internals.identityStats().weakEntries > withEntries - 15_000; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(__internals.identityStats().weakEntries < withEntries - 15_000, 'dead entries were removed');
  // Reading again gives a fresh canonical object, stable from then on.
  const again = holder.get(5);
  assert.equal(holder.get(5), again);
  assert.equal(dec(enc(again)), again);
  void wm;
});

test('field accessors keep working across heap growth (they are re-installed with the new view)', () => {
  class G extends SharedStruct('a', 'b') {}
  const early = new G();
  const readA = (s) => s.a;
  const writeA = (s, v) => { s.a = v; };
  for (let i = 0; i < 50_000; i++) { writeA(early, i); readA(early); } // optimize with the current view
  const oldSetter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(G.prototype), 'a').set;
  const before = __internals.heapStats().bufferBytes;
  const big = [];
  while (__internals.heapStats().bufferBytes === before) big.push(new SharedArray(1_000_000));
  const late = new G();
  writeA(late, 7);
  assert.equal(readA(late), 7, 'new block, past the old view');
  writeA(late, 2.5);
  assert.equal(readA(late), 2.5);
  oldSetter.call(late, 9); // an accessor saved before the growth still writes correctly
  assert.equal(late.a, 9);
  assert.equal(readA(early), 49_999);
  void big;
});
