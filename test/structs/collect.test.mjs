// Reclamation, first piece: __internals.collectBoxes() frees the boxes that overwritten fields leave behind,
// when this is the heap's only live agent. Everything still reachable must read back exactly, even after the
// freed memory has been handed out again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as S from '../../dist/src/structs/index.js';
import { SharedStruct, SharedArray, Mutex, __internals } from '../../dist/src/structs/index.js';
import { makeWire } from './fixtures/wire.mjs';
import { startTorture } from './fixtures/run-torture.mjs';
import { checkBig, checkString, makeBig, makeString } from './fixtures/tear-values.mjs';

const { enc } = makeWire(S);
// These tests are about collectBoxes (the single-agent box sweep) and measure heap growth: no automatic collection.
__internals.setCollectTrigger(-1);
class Rec extends SharedStruct('id', 'str', 'dbl', 'big', 'next', 'arr') {}

/** A self-checking graph: a list of records with strings, doubles, bigints and arrays (with a cycle). */
function build(n, tag) {
  let head;
  for (let i = 0; i < n; i++) {
    const r = new Rec();
    r.id = i;
    r.str = `${tag}:${i}:` + makeString(7, i).slice(0, i % 40);
    r.dbl = i + 0.125;
    r.big = makeBig(3, i);
    r.arr = new SharedArray(i * 1.5, `${tag}#${i}`, -0, r);
    r.next = head;
    head = r;
  }
  return head;
}
function verify(head, n, tag) {
  let k = n;
  for (let r = head; r !== undefined; r = r.next) {
    k--;
    assert.equal(r.id, k);
    assert.equal(r.str, `${tag}:${k}:` + makeString(7, k).slice(0, k % 40));
    assert.equal(r.dbl, k + 0.125);
    assert.equal(r.big, makeBig(3, k));
    assert.equal(r.arr.get(0), k * 1.5);
    assert.equal(r.arr.get(1), `${tag}#${k}`);
    assert.ok(Object.is(r.arr.get(2), -0));
    assert.equal(r.arr.get(3), r, 'cycle');
  }
  assert.equal(k, 0);
}

test('overwritten boxes are freed, reachable data is intact, and freed memory is reused', () => {
  const live = build(500, 'a');
  const cell = new Rec();
  const before = __internals.heapStats().usedBytes;
  for (let i = 0; i < 100_000; i++) { cell.dbl = i + 0.5; cell.str = makeString(1, i % 50); cell.big = makeBig(2, i); }
  const grown = __internals.heapStats().usedBytes - before;
  assert.ok(grown > 5_000_000, `the churn allocated ${grown} bytes`);
  const r = __internals.collectBoxes();
  assert.ok(r.freedBytes > grown * 0.9, `freed ${r.freedBytes} of ${grown}`);
  assert.ok(r.runBytes + r.trimmedBytes > grown * 0.9, `free runs ${r.runBytes}, trimmed ${r.trimmedBytes}`);
  verify(live, 500, 'a');
  assert.equal(cell.dbl, 99_999.5);
  assert.equal(cell.str, makeString(1, 99_999 % 50));
  assert.equal(cell.big, makeBig(2, 99_999));
  // Churn again: memory is reused, so the heap does not grow by the churn again; then check everything.
  const used = __internals.heapStats().usedBytes;
  const second = build(200, 'b');
  for (let i = 0; i < 100_000; i++) { cell.dbl = i + 0.25; cell.str = makeString(2, i % 50); }
  __internals.collectBoxes();
  for (let i = 0; i < 100_000; i++) { cell.dbl = -i - 0.25; }
  assert.ok(__internals.heapStats().usedBytes < used + grown / 2, 'freed memory was handed out again');
  verify(live, 500, 'a');
  verify(second, 200, 'b');
  assert.equal(cell.dbl, -99_999.25);
  assert.ok(checkString(cell.str));
  assert.ok(checkBig(cell.big));
});

test('runs in the middle of the heap go to the free list and serve later allocations', () => {
  const cell = new Rec();
  for (let i = 0; i < 20_000; i++) cell.str = makeString(4, i); // ~20 MB of garbage
  const fence = build(50, 'fence'); // live data after the garbage, so the garbage is not at the top
  const r = __internals.collectBoxes();
  assert.ok(r.runs >= 1 && r.runBytes > 10_000_000, `free runs: ${r.runs}, ${r.runBytes} bytes`);
  const used = __internals.heapStats().usedBytes;
  const made = build(2000, 'c'); // allocation buffers come from the runs: the bump pointer stays put
  assert.equal(__internals.heapStats().usedBytes, used, 'served from free runs');
  verify(made, 2000, 'c');
  verify(fence, 50, 'fence');
  const fresh = new Rec();
  assert.deepEqual(SharedStruct.fields(fresh).map((f) => fresh[f]), [undefined, undefined, undefined, undefined, undefined, undefined], 'reused memory reads as fresh');
});

test('exhausted heap: collecting makes allocation work again, live data intact', () => {
  const live = build(300, 'x');
  const cell = new Rec();
  __internals.setHeapLimit(__internals.heapStats().usedBytes + 4 * 1024 * 1024);
  try {
    let error;
    try { for (let i = 0; ; i++) cell.dbl = i + 0.5; } catch (e) { error = e; }
    assert.equal(error.code, 'ERR_MODMAP_HEAP_EXHAUSTED');
    const last = cell.dbl;
    assert.throws(() => new Rec(), { code: 'ERR_MODMAP_HEAP_EXHAUSTED' });
    __internals.collectBoxes();
    const more = build(100, 'y');
    for (let i = 0; i < 10_000; i++) cell.dbl = i + 0.75;
    assert.equal(cell.dbl, 9_999.75);
    verify(more, 100, 'y');
    assert.ok(last > 1000);
  } finally { __internals.setHeapLimit(0); }
  verify(live, 300, 'x');
});

class Counter extends SharedStruct('count') {}

test('refused while another agent may run; allowed once every worker has exited and been reported', async () => {
  const w = startTorture(1);
  const m = new Mutex();
  const s = new Counter();
  s.count = 0;
  try {
    assert.deepEqual(await w.run('waitLock', { mutex: enc(m), target: enc(s) }), { ownerDied: false });
    assert.throws(() => __internals.collectBoxes(), { code: 'ERR_MODMAP_AGENTS_RUNNING' });
  } finally { await w.terminate(); }
  await w.exited; // run-torture reports the exit (__agentExited), as modmap's transport does
  const r = __internals.collectBoxes();
  assert.ok(r.usedAfter <= r.usedBefore);
  assert.equal(s.count, 1);
  const again = S.__heapForWorker(); // a payload reserves an id for a worker that may attach at any time
  assert.throws(() => __internals.collectBoxes(), { code: 'ERR_MODMAP_AGENTS_RUNNING' });
  assert.equal(S.__agentExited(again), true, 'a worker that never started is reported like one that exited');
  assert.doesNotThrow(() => __internals.collectBoxes());
});

test('a worker killed in the middle of allocating leaves a heap that can still be walked and collected', async () => {
  for (let round = 0; round < 3; round++) {
    const heads = new SharedArray(2);
    const last = new Rec();
    const w = startTorture(1);
    const running = w.run('allocUntilExhausted', { heads: enc(heads), last: enc(last), id: 1, extra: 1 }).catch(() => 'killed');
    while (heads.get(1) === undefined) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50 + 37 * round));
    await w.terminate();
    await w.exited;
    assert.equal(await running, 'killed', 'it was still allocating');
    const r = __internals.collectBoxes();
    assert.ok(r.usedAfter <= r.usedBefore);
    // The records it had linked are intact, and memory handed out again does not disturb them.
    const junk = build(300, `j${round}`);
    let n = 0;
    for (let rec = heads.get(1); rec !== undefined; rec = rec.next, n++) {
      const i = rec.i;
      assert.equal(rec.id, 1);
      assert.equal(rec.str, `1:${i}:` + '\udc00'.repeat(i % 50));
      assert.equal(rec.dbl, i + 0.5);
      assert.equal(rec.big, BigInt(i) << 40n);
      if (rec.next !== undefined) assert.equal(rec.next.i, i - 1);
    }
    assert.ok(n > 0);
    verify(junk, 300, `j${round}`);
  }
});
