// Torture: heap exhaustion under load. Four workers allocate self-checking records as fast as they can into a
// heap capped by __internals.setHeapLimit; every one of them must get the coded RangeError (nothing else), keep
// getting it (not a crash, not corruption), and every record any agent published before must still read back
// exactly, as must data that existed before the load. Then, with the same cap and every worker still alive, the
// lists are dropped and the workers allocate again: the collector (run by whichever agent's allocation fails, with
// every other agent at a safepoint) frees the dropped lists and allocation works again. Lifting the cap works too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import * as S from '../../../dist/src/structs/index.js';
import { SharedStruct, SharedArray, Mutex, __internals } from '../../../dist/src/structs/index.js';
import { makeWire } from '../fixtures/wire.mjs';
import { startTorture } from '../fixtures/run-torture.mjs';

const { enc } = makeWire(S);
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
class Rec extends SharedStruct('id', 'i', 'str', 'dbl', 'big', 'next') {}

test('4 workers allocate until the heap is exhausted: coded RangeError everywhere, all data intact', { timeout: 120_000 }, async () => {
  // Data from before the load.
  let before;
  for (let i = 0; i < 2000; i++) {
    const r = new Rec();
    r.id = -1; r.i = i; r.str = `before ${i}`; r.dbl = i + 0.25; r.big = -BigInt(i); r.next = before;
    before = r;
  }
  const heads = new SharedArray(5);
  const last = new Rec();
  const m = new Mutex();
  const agents = [1, 2, 3, 4].map((id) => startTorture(id));
  const payloads = [1, 2, 3, 4].map(() => ({ heads: enc(heads), last: enc(last) })); // allocate before the cap
  const againPayloads = [1, 2, 3, 4].map(() => enc(heads));
  const limitBytes = __internals.heapStats().usedBytes + 8 * 1024 * 1024;
  __internals.setHeapLimit(limitBytes);
  let results;
  try {
    results = await Promise.all(agents.map((a, k) => a.run('allocUntilExhausted', { ...payloads[k], id: k + 1, extra: 200 })));
    // The main thread reaches the limit too. Its first failing allocation may collect what the workers left (automatic
    // collection on exhaustion), so allocate until the cap is hit again; the handles stay roots inside this loop.
    assert.throws(() => { for (let i = 0; i < 1_000_000; i++) new Rec(); }, { name: 'RangeError', code: 'ERR_MODMAP_HEAP_EXHAUSTED' });
    assert.throws(() => { last.str = 'x'.repeat(10_000); }, { code: 'ERR_MODMAP_HEAP_EXHAUSTED' });
    assert.ok(__internals.heapStats().usedBytes <= limitBytes, 'the cap held');
    for (const [k, r] of results.entries()) {
      assert.deepEqual(r.error, { name: 'RangeError', code: 'ERR_MODMAP_HEAP_EXHAUSTED' }, `worker ${k + 1}`);
      assert.equal(r.failures, 200, 'kept failing cleanly under continued load');
      assert.equal(r.bad, 0, `worker ${k + 1}: its own records are intact`);
      assert.equal(r.walked, r.n, 'its list has every record');
      assert.ok(r.n > 0, `worker ${k + 1} allocated ${r.n} records first`); // how many depends on scheduling
    }
    const total = results.reduce((n, r) => n + r.n, 0);
    assert.ok(total > 20_000, `the workers filled the 8 MiB together (${total} records)`);
    // Main checks every worker's list through the shared heads: nothing a failed allocation touched is corrupt.
    for (let k = 1; k <= 4; k++) {
      let n = results[k - 1].n;
      for (let r = heads.get(k); r !== undefined; r = r.next) {
        n--;
        assert.equal(r.i, n);
        assert.equal(r.str, `${k}:${n}:` + '\udc00'.repeat(n % 50));
        assert.equal(r.dbl, n + 0.5);
        assert.equal(r.big, BigInt(n) << 40n);
      }
      assert.equal(n, 0, `worker ${k}'s list is complete`);
    }
    // Allocation works again once memory is freed, under the same cap, with all four workers alive and allocating:
    // drop the lists (the shared references here, the workers' handles there), then allocate from every worker.
    for (let k = 1; k <= 4; k++) heads.set(k, undefined);
    __internals.clearHotCache();
    for (let i = 0; i < 3; i++) { gc(); await new Promise((r) => setImmediate(r)); }
    const again = await Promise.all(agents.map((a, k) => a.run('allocAgain', { heads: againPayloads[k], id: k + 1, n: 2000 })));
    for (const [k, r] of again.entries()) {
      assert.deepEqual(r, { made: 2000, bad: 0, error: null }, `worker ${k + 1} allocates again under the cap`);
    }
    assert.ok(__internals.heapStats().usedBytes <= limitBytes, 'the cap still held');
    for (let k = 1; k <= 4; k++) {
      let n = 2000;
      for (let r = heads.get(k); r !== undefined; r = r.next) assert.equal(r.str, `again ${k}:${--n}`);
      assert.equal(n, 0);
    }
  } finally {
    __internals.setHeapLimit(0);
    await Promise.all(agents.map((a) => a.terminate()));
  }
  let n = 2000;
  for (let r = before; r !== undefined; r = r.next) {
    n--;
    assert.deepEqual([r.id, r.i, r.str, r.dbl, r.big], [-1, n, `before ${n}`, n + 0.25, -BigInt(n)]);
  }
  assert.equal(n, 0, 'data from before the load is intact');
  assert.ok([1, 2, 3, 4].includes(last.i), 'a no-allocation write after exhaustion landed');
  assert.match(last.str, /^[1-4]:\d+:\udc00*$/, 'the racily written string is one whole value');
  // Lifting the cap makes allocation work again, and the mutex created before still works.
  const after = new Rec();
  after.str = 'allocated again';
  assert.equal(after.str, 'allocated again');
  const t = Mutex.lock(m);
  t.unlock();
});
