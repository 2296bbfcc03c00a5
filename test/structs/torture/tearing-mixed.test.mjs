// Torture: racing readers and writers on fields and SharedArray elements of every value kind produce 0 torn
// reads. Complements test/structs/tearing.test.mjs (one kind per field): here each word changes kind all the
// time — inline integers, -0, NaN, ±Infinity, doubles, boxed integers, long strings of lone surrogates, short
// strings, bigints (and 0n), null/undefined/booleans, references to fresh structs (whose fields must be visible
// once the reference is), to a SharedArray and to a Mutex — through plain writes, atomics.store/exchange/load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import * as S from '../../../dist/src/structs/index.js';
import { SharedStruct, SharedArray, Mutex, __heapForWorker } from '../../../dist/src/structs/index.js';
import { makeWire } from '../fixtures/wire.mjs';
import { checkAny, makeAny, KINDS } from '../fixtures/torture-values.mjs';
import { makeString } from '../fixtures/tear-values.mjs';

const { enc } = makeWire(S);
class Cell extends SharedStruct('mix', 'amix', 'go') {}

function run(workerData) {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('../fixtures/torture-tear.mjs', import.meta.url), { workerData });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

test('3 writers, 3 readers, every value kind in the same words: 0 torn reads', { timeout: 120_000 }, async () => {
  const cell = new Cell();
  const arr = new SharedArray(16);
  const mutex = new Mutex();
  const base = { heap: __heapForWorker(), cell: enc(cell), array: enc(arr), mutex: enc(mutex) };
  const W = 12_000;
  const R = 12_000;
  const writers = [1, 2, 3].map((id) => run({ ...base, heap: __heapForWorker(), role: 'writer', id, iterations: W }));
  const readers = [1, 2, 3].map((id) => run({ ...base, heap: __heapForWorker(), role: 'reader', id, iterations: R }));
  await new Promise((r) => setTimeout(r, 200));
  cell.go = true;
  const results = await Promise.all([...writers, ...readers]);
  const failures = results.reduce((n, r) => n + r.failures, 0);
  const checks = results.reduce((n, r) => n + r.checks, 0);
  assert.equal(checks, 3 * W + 3 * R * 5, 'fixed number of checked reads');
  assert.equal(failures, 0, `no torn or misdecoded reads: ${results.flatMap((r) => r.bad).join('; ')}`);
  const kinds = new Set(results.flatMap((r) => r.kindsSeen));
  assert.deepEqual([...kinds].sort(), ['bigint', 'boolean', 'null', 'number', 'object', 'string', 'undefined'], 'readers met every kind');
  // The words still decode after the race.
  const objects = { arr, mutex, isNode: (v) => SharedStruct.isStruct(v) };
  assert.ok(checkAny(cell.mix, objects) && checkAny(cell.amix, objects));
});

test('the mixed-kind checker rejects wrong kinds and torn content (the torture test can fail)', () => {
  const objects = { arr: {}, mutex: {}, makeNode: () => ({}), isNode: () => false };
  for (let i = 0; i < KINDS * 3; i++) {
    const v = makeAny(2, i, objects);
    if (typeof v !== 'object') assert.ok(checkAny(v, objects), `kind ${i % KINDS}`);
  }
  assert.equal(checkAny(8 * 7 + 4, objects), false, 'an integer not of the written form (e.g. a misread word)');
  assert.equal(checkAny(1234.5, objects), false, 'a double not of the written form');
  assert.equal(checkAny(2 ** 31 + 6, objects), false, 'a boxed integer not of the written form');
  assert.equal(checkAny(makeString(1, 6).slice(0, -1) + '\0', objects), false, 'torn long string');
  assert.equal(checkAny('1:6:\udc01', objects), false, 'torn short string');
  assert.equal(checkAny(12345678901234567890n, objects), false, 'a bigint not of the written form');
  assert.equal(checkAny({}, { arr: 1, mutex: 2, isNode: () => false }), false, 'an unknown object');
  assert.equal(checkAny(Symbol('x'), objects), false);
});
