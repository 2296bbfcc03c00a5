// Mutex and Condition, in one agent and across workers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as S from '../../dist/src/structs/index.js';
import { SharedStruct, Mutex, Condition, UnlockToken, __internals } from '../../dist/src/structs/index.js';
import { makeWire } from './fixtures/wire.mjs';

const { enc } = makeWire(S);
import { startAgent } from './fixtures/run-agent.mjs';

class Counter extends SharedStruct('count', 'queue') {}

test('tokens: lock, unlock, dispose, lockIfAvailable', () => {
  const m = new Mutex();
  const t = Mutex.lock(m);
  assert.ok(t instanceof UnlockToken);
  assert.equal(t.locked, true);
  assert.equal(Mutex.lockIfAvailable(m), null, 'held');
  assert.equal(t.unlock(), true);
  assert.equal(t.locked, false);
  assert.equal(t.unlock(), false, 'second unlock does nothing');
  const t2 = Mutex.lockIfAvailable(m, 10);
  assert.ok(t2 && t2.locked);
  t2[Symbol.dispose]();
  assert.equal(t2.locked, false);
  assert.ok(Mutex.lockIfAvailable(m), 'free again');
  assert.throws(() => new UnlockToken(m), { name: 'TypeError' }, 'tokens cannot be forged');
});

test('locking a mutex this agent holds is a TypeError, not a deadlock', () => {
  const m = new Mutex();
  const t = Mutex.lock(m);
  assert.throws(() => Mutex.lock(m), { name: 'TypeError', code: 'ERR_MODMAP_SELF_DEADLOCK' });
  assert.throws(() => Mutex.lockIfAvailable(m, 50), { code: 'ERR_MODMAP_SELF_DEADLOCK' });
  t.unlock();
  assert.throws(() => Mutex.lock({}), { code: 'ERR_MODMAP_INVALID_SHARED' });
});

test('lockAsync waits for another async task of the same agent', async () => {
  const m = new Mutex();
  const t = Mutex.lock(m);
  let got = false;
  const p = Mutex.lockAsync(m).then((t2) => { got = true; return t2; });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(got, false, 'still waiting');
  t.unlock();
  const t2 = await p;
  assert.equal(t2.locked, true);
  t2.unlock();
});

test('mutual exclusion across workers: locked read-modify-write loses no update', async () => {
  const agents = [1, 2, 3, 4].map((id) => startAgent(id));
  try {
    const c = new Counter();
    c.count = 0;
    const m = new Mutex();
    await Promise.all(agents.map((a) => a.run('lockedIncrements', { target: enc(c), mutex: enc(m), n: 5000 })));
    assert.equal(c.count, 20000);
  } finally { await Promise.all(agents.map((a) => a.close())); }
});

test('lockAsync gets a mutex once a worker releases it', async () => {
  const agent = startAgent();
  try {
    const m = new Mutex();
    const flag = new (SharedStruct('a'))();
    const holding = agent.run('holdMutex', { mutex: enc(m), ms: 200, flag: enc(flag) });
    while (flag.a !== 'held') await new Promise((r) => setTimeout(r, 5));
    assert.equal(Mutex.lockIfAvailable(m), null, 'the worker holds it');
    const t0 = Date.now();
    const t = await Mutex.lockAsync(m);
    assert.equal(t.locked, true);
    t.unlock();
    await holding;
    const r = await agent.run('lockAsyncInWorker', { mutex: enc(m) });
    assert.equal(r.locked, true, 'lockAsync in a worker');
  } finally { await agent.close(); }
});

test('timeout of lockIfAvailable', async () => {
  const agent = startAgent();
  try {
    const m = new Mutex();
    const flag = new (SharedStruct('a'))();
    const holding = agent.run('holdMutex', { mutex: enc(m), ms: 300, flag: enc(flag) });
    while (flag.a !== 'held') await new Promise((r) => setTimeout(r, 5));
    const t0 = Date.now();
    assert.equal(Mutex.lockIfAvailable(m, 50), null);
    assert.ok(Date.now() - t0 >= 45, 'waited about the timeout');
    await holding;
  } finally { await agent.close(); }
});

test('Condition: producer in main, consumer in a worker', async () => {
  const agent = startAgent();
  try {
    const s = new Counter();
    const m = new Mutex();
    const cv = new Condition();
    const consumed = agent.run('consumer', { target: enc(s), mutex: enc(m), cv: enc(cv), expect: 5 });
    for (let i = 0; i < 5; i++) {
      const t = await Mutex.lockAsync(m);
      while (s.queue !== undefined) await Condition.waitAsync(cv, t, 1000);
      s.queue = `item ${i}`;
      Condition.notify(cv);
      t.unlock();
    }
    const { seen } = await consumed;
    assert.deepEqual(seen, [0, 1, 2, 3, 4].map((i) => `item ${i}`));
  } finally { await agent.close(); }
});

test('Condition.waitFor: timeout and predicate; notify counts', () => {
  const m = new Mutex();
  const cv = new Condition();
  const t = Mutex.lock(m);
  const t0 = Date.now();
  assert.equal(Condition.waitFor(cv, t, 30), false, 'timed out');
  assert.ok(Date.now() - t0 >= 25);
  assert.equal(t.locked, true, 'relocked after waiting');
  assert.equal(Condition.waitFor(cv, t, 30, () => true), true, 'predicate already true');
  assert.equal(Condition.waitFor(cv, t, 20, () => false), false, 'predicate never true');
  assert.equal(Condition.notify(cv), 0, 'nobody waiting');
  t.unlock();
  assert.throws(() => Condition.wait(cv, t), { code: 'ERR_MODMAP_TOKEN_NOT_LOCKED' });
});

test('an agent that cannot block gets a TypeError pointing at the async forms', async () => {
  __internals.setCanBlockForTesting(false);
  try {
    const m = new Mutex();
    const cv = new Condition();
    // the blocking form throws even for a free mutex; the non-blocking try works
    assert.throws(() => Mutex.lock(m), (e) => e.code === 'ERR_MODMAP_CANNOT_BLOCK' && e.name === 'TypeError' && /lockAsync/.test(e.message));
    assert.throws(() => Mutex.lockIfAvailable(m, 5), (e) => e.code === 'ERR_MODMAP_CANNOT_BLOCK' && /lockAsync/.test(e.message));
    const t = Mutex.lockIfAvailable(m);
    assert.ok(t !== null && t.locked, 'lockIfAvailable without a timeout never blocks');
    assert.throws(() => Condition.wait(cv, t), (e) => e.code === 'ERR_MODMAP_CANNOT_BLOCK' && /waitAsync/.test(e.message));
    assert.equal(await Condition.waitAsync(cv, t, 10), false, 'async form works');
    t.unlock();
  } finally { __internals.setCanBlockForTesting(null); }
});
