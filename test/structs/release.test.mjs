// Explicit release (issue 7): SharedStruct.release(s) poisons the handle (every later use throws
// ERR_MODMAP_RELEASED) and frees the block at once only when its address never escaped; an escaped struct is left
// to the collector. A released block is zeroed before reuse, and no stale handle ever reads or writes it again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import * as S from '../../dist/src/structs/index.js';
import { SharedStruct, SharedArray, atomics, canBeShared, __internals } from '../../dist/src/structs/index.js';
import { makeWire } from './fixtures/wire.mjs';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
const tick = () => new Promise((r) => setImmediate(r));
const { enc, dec } = makeWire(S);
class P extends SharedStruct('x', 'y', 's', 'next') {}
const released = { code: 'ERR_MODMAP_RELEASED', name: 'TypeError' };

test('every use of a released struct throws ERR_MODMAP_RELEASED', () => {
  const p = new P();
  p.x = 1;
  p.s = 'a string';
  assert.equal(SharedStruct.release(p), true, 'never escaped: freed at once');
  const holder = new P();
  const uses = {
    'read an integer field': () => p.x,
    'read a string field': () => p.s,
    'write an integer': () => { p.x = 2; },
    'write a double': () => { p.y = 0.5; },
    'write a string': () => { p.s = 'b'; },
    'store it in a field': () => { holder.next = p; },
    'store it in an array': () => new SharedArray(p),
    'atomics.load': () => atomics.load(p, 'x'),
    'atomics.store': () => atomics.store(p, 'x', 3),
    'toJSON': () => JSON.stringify(p),
    'SharedStruct.fields': () => SharedStruct.fields(p),
    'encode for a message': () => S.__encodeShared(p),
    'release again': () => SharedStruct.release(p),
  };
  for (const [what, use] of Object.entries(uses)) assert.throws(use, released, what);
  assert.equal(holder.next, undefined, 'the failed store changed nothing');
  assert.equal(canBeShared(1), true);
});

test('a released block is zeroed and reused, and the stale handle never aliases the new struct', () => {
  __internals.setCollectTrigger(-1);
  try {
    const warm = new P(); // start an allocation buffer
    warm.x = 0;
    const before = __internals.heapStats().usedBytes;
    let stale = [];
    for (let i = 0; i < 100_000; i++) {
      const p = new P();
      assert.equal(p.x, undefined, 'a reused block reads as fresh');
      assert.equal(p.s, undefined);
      assert.equal(p.next, undefined);
      p.x = i;
      p.next = warm; // its fields may point elsewhere: only its own address must not have escaped
      if (i % 1000 === 0) stale.push(p);
      assert.equal(SharedStruct.release(p), true);
    }
    // 100,000 structs of 8 words would be 3.2 MB; released blocks are reused, so the heap did not grow.
    assert.equal(__internals.heapStats().usedBytes, before, 'no growth');
    const fresh = new P();
    fresh.x = 42;
    for (const s of stale) assert.throws(() => s.x, released);
    for (const s of stale) assert.throws(() => { s.x = 7; }, released);
    assert.equal(fresh.x, 42, 'writes through stale handles never reached the new struct');
    stale = null;
  } finally { __internals.setCollectTrigger(0); }
});

test('a struct whose address escaped is only dropped by this agent: others keep it, the collector frees it later', async () => {
  const owner = new P();
  const inner = new P();
  inner.x = 5;
  inner.s = 'kept';
  owner.next = inner; // escaped: a shared field names it
  assert.equal(SharedStruct.release(inner), false);
  assert.throws(() => inner.x, released);
  const again = owner.next; // a fresh, usable handle for the same block
  assert.notEqual(again, inner);
  assert.equal(again.x, 5);
  assert.equal(again.s, 'kept');
  assert.equal(owner.next, again, 'identity holds for the new handle');

  const sent = new P();
  sent.x = 9;
  const payload = enc(sent); // encoded for a message: escaped
  assert.equal(SharedStruct.release(sent), false);
  assert.equal(dec(payload).x, 9, 'the receiver gets it intact');

  // Collections with released blocks waiting for reuse, and released escaped handles still to be finalized:
  // everything reachable stays intact, and allocation goes on.
  for (let i = 0; i < 1000; i++) SharedStruct.release(new P());
  for (let i = 0; i < 3; i++) { gc(); await tick(); }
  assert.equal(__internals.collect().ok, true);
  for (let i = 0; i < 1000; i++) { const p = new P(); p.x = i; assert.equal(p.s, undefined); SharedStruct.release(p); }
  assert.equal(owner.next.x, 5);
  assert.equal(owner.next.s, 'kept');
});

test('release takes only shared structs', () => {
  for (const v of [{}, null, 1, new SharedArray(1)]) {
    assert.throws(() => SharedStruct.release(v), { code: 'ERR_MODMAP_INVALID_SHARED' });
  }
});
