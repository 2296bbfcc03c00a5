// Crossing agents: one heap per process, identity, fallback prototypes, writes visible both ways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as S from '../../dist/src/structs/index.js';
import { SharedStruct, SharedArray, Mutex, __encodeShared, __decodeShared, __heapForWorker, __attachHeap } from '../../dist/src/structs/index.js';
import { makeWire } from './fixtures/wire.mjs';

const { enc, dec } = makeWire(S);
import { startAgent } from './fixtures/run-agent.mjs';

class Point extends SharedStruct('x', 'y', 'next') {
  len2() { return this.x * this.x + this.y * this.y; }
}

test('a write in a worker is visible in main, and main writes are visible in the worker', async () => {
  const agent = startAgent();
  try {
    const p = new Point();
    p.next = new Point();
    p.next.x = 'main wrote this';
    const r = await agent.run('writeFields', { target: enc(p) });
    assert.equal(r.sawNextX, 'main wrote this');
    assert.equal(p.x, 'written in a worker');
    assert.equal(p.y, 2.5);
  } finally { await agent.close(); }
});

test('a struct created in a worker is stored into a field of a struct created in main', async () => {
  const agent = startAgent();
  try {
    const p = new Point();
    const r = await agent.run('createAndStore', { target: enc(p) });
    const w = p.next;
    assert.equal(w.a, 'made in a worker');
    assert.equal(w.b, -(2n ** 80n));
    assert.equal(dec(r.made), w, 'the message and the field give the same object');
    assert.deepEqual(SharedStruct.fields(w), ['a', 'b']);
    w.a = 'main changed it';
    assert.equal(p.next.a, 'main changed it');
  } finally { await agent.close(); }
});

test('a struct whose class has no key in the receiving agent: fields work, methods throw a coded error', async () => {
  const agent = startAgent();
  try {
    const p = new Point();
    p.x = 7;
    const r = await agent.run('fallbackType', { target: enc(p) });
    assert.deepEqual(r.fields, ['x', 'y', 'next']);
    assert.equal(r.x, 7);
    assert.equal(r.method, 'ERR_MODMAP_UNKEYED_STRUCT');
    assert.equal(r.json, '{"x":7}');
    assert.equal(r.same, true);
    assert.equal(r.isStruct, true);
    assert.equal(p.y, 'set by worker');
    assert.equal(p.len2, Point.prototype.len2, 'main keeps its prototype');
  } finally { await agent.close(); }
});

test('identity in an agent: messages, fields and array elements give one object', async () => {
  const agent = startAgent();
  try {
    const p = new Point();
    const arr = new SharedArray(p);
    const r = await agent.run('identity', { items: [enc(arr), enc(p)] });
    assert.deepEqual(r, { same: true, viaArray: true });
    assert.equal(dec(enc(p)), p);
    assert.equal(arr.get(0), p);
    const wm = new WeakMap([[p, 1]]);
    assert.equal(wm.get(dec(enc(arr)).get(0)), 1, 'usable as a WeakMap key');
  } finally { await agent.close(); }
});

test('payloads are O(1): a 100,000-node list encodes to the same small object', () => {
  let head = null;
  for (let i = 0; i < 100000; i++) { const n = new Point(); n.x = i; n.next = head ?? undefined; head = n; }
  const holder = new SharedArray(head);
  const payload = __encodeShared(holder);
  assert.deepEqual(Object.keys(payload).sort(), ['addr', 'heap', 'kind', 'modmapShared', 'slot', 'ticket']); // slot + ticket: the transit root
  assert.ok(JSON.stringify(payload).length < 100);
  assert.equal(__decodeShared(payload).get(0), head);
  assert.equal(__encodeShared({}), undefined);
  assert.equal(__encodeShared(5), undefined);
  assert.throws(() => __encodeShared(head), { code: 'ERR_MODMAP_UNKEYED_STRUCT' }, 'an unkeyed struct cannot be a message on its own');
});

test('concurrent allocation in several workers while the heap grows', async () => {
  const agents = [1, 2, 3].map((id) => startAgent(id));
  try {
    const before = new Point();
    before.x = 'before';
    const results = await Promise.all(agents.map((a) => a.run('allocMany', { n: 30000 })));
    const seen = new Set();
    for (const [k, r] of results.entries()) {
      assert.equal(r.bad, 0);
      const list = dec(r.list);
      assert.equal(list.length, 30000);
      assert.equal(list.get(29999).a, `w${k + 1}:29999`);
      for (let i = 0; i < list.length; i += 997) seen.add(list.get(i));
    }
    assert.equal(before.x, 'before');
    assert.ok(seen.size > 90, 'distinct objects');
  } finally { await Promise.all(agents.map((a) => a.close())); }
});

test('heap bootstrap payloads and refusal of a foreign heap', () => {
  const payload = __heapForWorker();
  assert.ok(payload.buffer instanceof SharedArrayBuffer);
  assert.doesNotThrow(() => __attachHeap(payload), 'attaching to the same heap is a no-op');
  assert.throws(() => __attachHeap({}), { code: 'ERR_MODMAP_INVALID_SHARED' });
  const foreign = { ...__encodeShared(new SharedArray(1)), heap: 12345 };
  assert.throws(() => __decodeShared(foreign), { code: 'ERR_MODMAP_FOREIGN_HEAP' });
  assert.throws(() => __decodeShared({ nope: 1 }), { code: 'ERR_MODMAP_INVALID_SHARED' });
  const other = new SharedArrayBuffer(1024);
  new Int32Array(other)[8] = 0x6d6f646d; new Int32Array(other)[9] = 1;
  assert.throws(() => __attachHeap({ modmapHeap: 1, buffer: other, heapId: 1 }), { code: 'ERR_MODMAP_FOREIGN_HEAP' }, 'this agent already allocated in its heap');
  void Mutex;
});

test('a worker may define struct classes before it attaches to the heap', async () => {
  const { Worker } = await import('node:worker_threads');
  const src = `
    import { workerData, parentPort } from 'node:worker_threads';
    const S = await import(workerData.url);
    class Early extends S.SharedStruct('a') {}
    S.__attachHeap(workerData.heap);
    const e = new Early();
    e.a = 'early class, shared heap';
    S.__decodeShared(workerData.target).get(0).x = e;
    parentPort.postMessage('done');
  `;
  const p = new Point();
  const w = new Worker(new URL(`data:text/javascript,${encodeURIComponent(src)}`), {
    workerData: { url: new URL('../../dist/src/structs/index.js', import.meta.url).href, heap: __heapForWorker(), target: enc(p) },
  });
  try {
    await new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); });
    assert.equal(p.x.a, 'early class, shared heap');
  } finally { await w.terminate(); }
});
