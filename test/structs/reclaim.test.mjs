// Reclamation across agents (issue 7): a stop-the-world mark–sweep at safepoints frees structs, arrays, strings and
// bigints that no agent holds and no reachable shared value refers to, cycles included; what any agent still holds,
// or what is in transit, survives, and its memory is never handed out again while it lives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import * as S from '../../dist/src/structs/index.js';
import { SharedArray, __internals } from '../../dist/src/structs/index.js';
import { makeWire } from './fixtures/wire.mjs';
import { startTorture } from './fixtures/run-torture.mjs';
import { makeRecord, checkRecord, makeList, checkList } from './fixtures/reclaim-values.mjs';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
const { enc, dec } = makeWire(S);
const tick = () => new Promise((r) => setImmediate(r));
/** Let this agent's engine collect dropped handles and run their finalizers (they stop being roots). */
async function settle() { __internals.clearHotCache(); for (let i = 0; i < 3; i++) { gc(); await tick(); } }
const start = (id) => startTorture(id, { script: './reclaim-agent.mjs' });
/** Collect and return the live bytes (the collection must succeed: every agent answers). */
function live() {
  const r = __internals.collect();
  assert.equal(r.ok, true, r.reason);
  return r.liveBytes;
}

test('structs, arrays, strings and bigints held only by a worker survive churn, and are freed once dropped', async () => {
  const w = start(1);
  try {
    await settle();
    const base = live();
    let head = makeList('w1', 2000);
    await w.run('hold', { value: enc(head) });
    head = null;
    await settle();
    const held = live();
    assert.ok(held - base > 2000 * 150, `the list is live while only the worker holds it (${held - base} bytes)`);
    // Churn in this agent: the memory collections free here is handed out again. The worker's list must stay intact.
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 10_000; i++) makeRecord('junk', i);
      await settle();
      live();
    }
    const { bad } = await w.run('checkList', { tag: 'w1', n: 2000 });
    assert.equal(bad, 0, 'the held list reads back exactly after its neighbours were freed and reused');
    await w.run('drop');
    await settle();
    const after = live();
    assert.ok(after - base < 64 * 1024, `dropped everywhere: freed (live ${after - base} bytes above the start)`);
  } finally { await w.terminate(); }
});

test('cycles are freed, including a cycle through records made by two agents', async () => {
  const w = start(2);
  try {
    await settle();
    const base = live();
    let mine = makeRecord('main', 7); // its array points back at it: a cycle
    await w.run('makeAndLinkPeer', { value: enc(mine), tag: 'peer' });
    assert.equal(checkRecord(mine.next, 'peer', 1), 0, "the worker's record");
    assert.equal(mine.next.next, mine, 'main → worker → main');
    assert.ok(live() - base > 200, 'live while this agent holds it');
    mine = null;
    await w.run('drop'); // the worker's handles go too
    await settle();
    const after = live();
    assert.ok(after - base < 1024, `the cross-agent cycle was freed (live ${after - base} bytes above the start)`);
  } finally { await w.terminate(); }
});

test('a value in transit survives until it is received, even when its sender dropped it', async () => {
  const w = start(3);
  try {
    await settle();
    const base = live();
    const transitBefore = __internals.transitCount();
    let head = makeList('t', 500);
    const payload = enc(head); // encoded: in transit now
    head = null;
    await settle();
    assert.equal(__internals.transitCount(), transitBefore + 1);
    assert.ok(live() - base > 500 * 150, 'the payload keeps the list alive');
    for (let i = 0; i < 15_000; i++) makeRecord('junk', i); // reuse of freed memory must not touch it
    await settle();
    live();
    await w.run('hold', { value: payload });
    assert.equal(__internals.transitCount(), transitBefore, 'decoding released the transit slot');
    assert.equal((await w.run('checkList', { tag: 't', n: 500 })).bad, 0, 'received intact');
    await w.run('drop');
    await settle();
    assert.ok(live() - base < 64 * 1024, 'freed once received and dropped');
  } finally { await w.terminate(); }
});

test('a worker that exits holds no roots: what only it held is freed', async () => {
  const w = start(4);
  await settle();
  const base = live();
  let head = makeList('dead', 1000);
  await w.run('hold', { value: enc(head) });
  head = null;
  await settle();
  assert.ok(live() - base > 1000 * 150);
  await w.terminate();
  await w.exited; // reported with __agentExited, as modmap's transport does
  assert.ok(live() - base < 64 * 1024, 'freed after the worker exited');
});

test('a worker in a long synchronous loop makes a collection give up, and nothing changes', async () => {
  const w = start(5);
  try {
    const keep = makeList('keep', 100);
    assert.equal((await w.run('collect', { timeoutMs: 5000 })).ok, true, 'the worker is up and answers');
    const spinning = w.run('spin', { ms: 1500 });
    await new Promise((r) => setTimeout(r, 100));
    const used = __internals.heapStats().usedBytes;
    const r = __internals.collect(300);
    assert.equal(r.ok, false);
    assert.match(r.reason, /did not reach a safepoint/);
    assert.equal(__internals.heapStats().usedBytes, used, 'nothing was freed or moved');
    await spinning;
    assert.equal(live() > 0, true, 'once it answers again, collections run');
    assert.equal(checkList(keep, 'keep', 100), 0);
  } finally { await w.terminate(); }
});

test('the heap plateaus under churn, with live agents answering from their event loops', async () => {
  const ws = [start(6), start(7)];
  try {
    const keep = makeList('k', 1000);
    await Promise.all(ws.map((w) => w.run('hold', { value: enc(keep) })));
    const used = [];
    for (let round = 0; round < 6; round++) {
      // Main and both workers churn at the same time: 3 × 15,000 records (about 3 × 9 MB) per round.
      await Promise.all([
        ...ws.map((w, k) => w.run('churn', { n: 15_000, tag: `w${k}` })),
        (async () => { for (let b = 0; b < 15; b++) { for (let i = 0; i < 1000; i++) makeRecord('m', i); await tick(); } })(),
      ]);
      used.push(__internals.heapStats().usedBytes);
    }
    // About 160 MB were allocated in all; the heap stays within a bounded size, and does not keep growing.
    const peak = Math.max(...used);
    assert.ok(peak < 80 * 1024 * 1024, `peak ${peak} bytes (${used.join(', ')})`);
    assert.ok(used[5] <= Math.max(...used.slice(0, 3)) * 1.25, `no growth trend: ${used.join(', ')}`);
    assert.equal(checkList(keep, 'k', 1000), 0);
    for (const w of ws) assert.equal((await w.run('check', { tag: 'k' })).n, 1);
  } finally { await Promise.all(ws.map((w) => w.terminate())); }
});

test("handles that were read and then dropped stop being roots after the engine's full collections (the identity cache lets go)", async () => {
  await settle();
  const base = live();
  let head = makeList('read', 2000);
  assert.equal(checkList(head, 'read', 2000), 0); // every record and array is read back: the identity cache holds them
  head = null;
  // No clearHotCache() here: the engine's full collections alone must release what the identity cache held.
  for (let i = 0; i < 4; i++) { gc(); await tick(); }
  const after = live();
  assert.ok(after - base < 64 * 1024, `read, then dropped: freed (live ${after - base} bytes above the start)`);
});
