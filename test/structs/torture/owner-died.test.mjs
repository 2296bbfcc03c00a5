// Torture: a worker terminated while it holds a Mutex. Like a robust mutex, the next locker gets the lock and
// `token.ownerDied === true`; nobody stays blocked. Detection needs the worker's exit to be reported to the heap
// (__agentExited, which modmap's transport calls from the Worker's 'exit' event; run-torture.mjs does the same).
import { test as nodeTest } from 'node:test';
import { inspect } from 'node:util';
import assert from 'node:assert/strict';
import * as S from '../../../dist/src/structs/index.js';
import { SharedStruct, Mutex, Condition, __agentExited, __internals, __heapForWorker } from '../../../dist/src/structs/index.js';
import { makeWire } from '../fixtures/wire.mjs';
import { startTorture } from '../fixtures/run-torture.mjs';

const { enc } = makeWire(S);
class Cell extends SharedStruct('count', 'a', 'b') {}
// A regression must fail, not hang: every test here has a time limit.
const test = (name, fn) => nodeTest(name, { timeout: 30_000 }, fn);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(pred, what, ms = 20_000) {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** A worker that locks `m` and then hangs (how: 'hang' idle, 'spin' busy, 'exit' process.exit while holding). */
async function holder(m, how = 'hang', opts) {
  const flag = new Cell();
  const h = startTorture(0, opts);
  h.post('holdAndHang', { mutex: enc(m), flag: enc(flag), how });
  await until(() => flag.a === 'held', 'the holder to lock');
  return h;
}

for (const how of ['hang', 'spin']) {
  test(`holder terminated while ${how === 'hang' ? 'idle' : 'busy'}: every kind of waiting locker gets the lock, exactly one with ownerDied`, async () => {
    const m = new Mutex();
    const s = new Cell();
    s.count = 0;
    const h = await holder(m, how);
    const waiters = [1, 2, 3].map((id) => startTorture(id));
    try {
      const args = { mutex: enc(m), target: enc(s) };
      const pending = [
        waiters[0].run('waitLock', args),
        waiters[1].run('waitLockIfAvailable', { ...args, timeoutMs: 30_000 }),
        waiters[2].run('waitLockAsync', args),
        (async () => { // the main thread, asynchronously
          const t = await Mutex.lockAsync(m);
          const v = s.count; await sleep(2); s.count = v + 1;
          const ownerDied = t.ownerDied;
          t.unlock();
          return { ownerDied };
        })(),
      ];
      await sleep(300); // several owner-check periods: a live holder is never taken over
      assert.equal(s.count, 0, 'nobody got the mutex while its holder lived');
      assert.match(inspect(m), /locked by agent/);
      const t0 = Date.now();
      await h.terminate();
      await h.exited;
      const results = await Promise.all(pending);
      const took = Date.now() - t0;
      assert.equal(s.count, 4, 'each locker ran its critical section once, without overlap');
      assert.equal(results.filter((r) => r.ownerDied === true).length, 1, `exactly one took over from the dead holder (${JSON.stringify(results)})`);
      assert.equal(results.filter((r) => r.ownerDied === false).length, 3);
      assert.ok(took < 10_000, `recovered in ${took} ms`);
      const t = Mutex.lockIfAvailable(m);
      assert.ok(t && t.ownerDied === false, 'free and healthy afterwards');
      t.unlock();
    } finally { await Promise.all([h, ...waiters].map((a) => a.terminate())); }
  });
}

test('a mutex held by an exited worker: lock, lockIfAvailable (no timeout) and lockAsync take it over at once', async () => {
  const w = startTorture(1);
  try {
    for (const form of ['lock', 'lockIfAvailable', 'lockAsync']) {
      const m = new Mutex();
      const s = new Cell();
      s.count = 0;
      const h = await holder(m);
      await h.terminate();
      await h.exited;
      assert.match(inspect(m), /held by exited agent/);
      if (form === 'lock') {
        // In a worker: a blocking lock on the main thread could not be timed out if this regressed.
        assert.deepEqual(await w.run('waitLock', { mutex: enc(m), target: enc(s) }), { ownerDied: true });
        continue;
      }
      const t = form === 'lockIfAvailable' ? Mutex.lockIfAvailable(m) : await Mutex.lockAsync(m);
      assert.equal(t.ownerDied, true, form);
      assert.equal(t.locked, true);
      assert.equal(Mutex.lockIfAvailable(m), null, 'held by us now');
      t.unlock();
      const again = Mutex.lockIfAvailable(m, 1000);
      assert.equal(again.ownerDied, false, 'the signal is for the first locker only');
      again.unlock();
    }
  } finally { await w.terminate(); }
});

test('process.exit() in a worker that holds a mutex is detected too', async () => {
  const m = new Mutex();
  const h = await holder(m, 'exit');
  assert.equal(await h.exited, 3);
  const t = Mutex.lockIfAvailable(m, 5000);
  assert.equal(t.ownerDied, true);
  t.unlock();
});

test('without the exit report the holder is not known dead: waiters keep waiting (documented), then recover once it is reported', async () => {
  const m = new Mutex();
  const h = await holder(m, 'hang', { reportExit: false });
  await h.terminate();
  await h.exited;
  assert.equal(Mutex.lockIfAvailable(m, 150), null, 'an unreported exit is not detected');
  assert.equal(__agentExited(h.heap), true, 'report it now');
  assert.equal(__agentExited(h.heap), false, 'a second report does nothing');
  const t = Mutex.lockIfAvailable(m);
  assert.equal(t.ownerDied, true);
  t.unlock();
});

test('a live holder busy for many owner-check periods is never taken over', async () => {
  const m = new Mutex();
  const h = startTorture(0);
  const w = startTorture(1);
  try {
    const s = new Cell();
    s.count = 0;
    // A worker takes and releases it once (its id is a tracked, reportable worker id), then the main thread
    // holds it for 600 ms (12 check periods) while another worker waits.
    assert.deepEqual(await h.run('waitLockIfAvailable', { mutex: enc(m), target: enc(s), timeoutMs: 0 }), { got: true, ownerDied: false });
    const t = Mutex.lock(m);
    const waiting = w.run('waitLock', { mutex: enc(m), target: enc(s) });
    const end = Date.now() + 600;
    while (Date.now() < end) await sleep(20);
    assert.equal(s.count, 1, 'the waiter did not get in');
    t.unlock();
    assert.deepEqual(await waiting, { ownerDied: false });
    assert.equal(s.count, 2);
  } finally { await Promise.all([h.terminate(), w.terminate()]); }
});

test('Condition.wait re-locking from a holder that died sets token.ownerDied', async () => {
  const m = new Mutex();
  const cv = new Condition();
  const flag = new Cell();
  const waiter = startTorture(1);
  const h = startTorture(2);
  try {
    const waited = waiter.run('waitCondition', { mutex: enc(m), cv: enc(cv), flag: enc(flag) });
    await until(() => flag.b === 'waiting', 'the waiter to wait');
    await sleep(20); // it unlocks inside wait
    h.post('holdThenNotifyAndHang', { mutex: enc(m), cv: enc(cv), flag: enc(flag) });
    await until(() => flag.a === 'held', 'the notifier to hold the mutex');
    await sleep(100);
    await h.terminate();
    await h.exited;
    assert.deepEqual(await waited, { notified: true, ownerDied: true, locked: true });
  } finally { await Promise.all([h.terminate(), waiter.terminate()]); }
});

test('workers started by an exited worker are exited too (Node stops them first): their mutexes are taken over', async () => {
  const m = new Mutex();
  const flag = new Cell();
  const parent = startTorture(0);
  parent.post('spawnHolder', { mutex: enc(m), flag: enc(flag) });
  await until(() => flag.a === 'held', 'the nested worker to lock');
  assert.equal(Mutex.lockIfAvailable(m), null);
  await parent.terminate();
  await parent.exited;
  const t = Mutex.lockIfAvailable(m);
  assert.ok(t, 'taken over from the nested holder');
  assert.equal(t.ownerDied, true);
  t.unlock();
});

test('agent ids: a payload is claimed once; only reserved worker ids can be reported', async () => {
  const heap = __heapForWorker();
  const a = startTorture(1, { heap, reportExit: false });
  const b = startTorture(2, { heap, reportExit: false });
  try {
    const [ia, ib] = await Promise.all([a.run('agentId'), b.run('agentId')]);
    assert.notEqual(ia.agentId, ib.agentId, 'two workers on one payload get distinct ids');
    assert.ok([ia.agentId, ib.agentId].includes(heap.agentId), 'one of them claimed the reserved id');
    assert.equal(__agentExited(__internals.agentId()), false, "the main thread's id is not a worker's");
    assert.equal(__agentExited(123456789), false);
    assert.equal(__agentExited({}), false);
    assert.equal(__agentExited(-1), false);
  } finally { await Promise.all([a.terminate(), b.terminate()]); }
});
