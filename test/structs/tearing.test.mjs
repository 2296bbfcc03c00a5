// No tearing: several workers write distinct self-checking multi-word values into the same fields while
// others read them. Every read must pass its check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import * as S from '../../dist/src/structs/index.js';
import { SharedStruct, SharedArray, __heapForWorker } from '../../dist/src/structs/index.js';
import { makeWire } from './fixtures/wire.mjs';

const { enc } = makeWire(S);
import { checkBig, checkDouble, checkString, makeBig, makeDouble, makeString } from './fixtures/tear-values.mjs';

class Cell extends SharedStruct('str', 'big', 'dbl', 'go') {}

function run(workerData) {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./fixtures/tear.mjs', import.meta.url), { workerData });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

test('concurrent writers and readers never observe a torn value', async () => {
  const cell = new Cell();
  const arr = new SharedArray(8);
  const base = { heap: __heapForWorker(), target: enc(cell), array: enc(arr) };
  const writers = [1, 2, 3].map((id) => run({ ...base, role: 'writer', id, iterations: 20000 }));
  const readers = [1, 2, 3].map((id) => run({ ...base, role: 'reader', id, iterations: 40000 }));
  await new Promise((r) => setTimeout(r, 200)); // let the workers start and spin on `go`
  cell.go = true;
  const results = await Promise.all([...writers, ...readers]);
  const readerResults = results.slice(3);
  const failures = readerResults.reduce((n, r) => n + r.failures, 0);
  const reads = readerResults.reduce((n, r) => n + r.reads, 0);
  assert.equal(reads, 3 * 40000 * 5, 'fixed number of checked reads');
  assert.equal(failures, 0, 'no torn reads');
  const seen = new Set(readerResults.flatMap((r) => r.writersSeen));
  assert.ok(seen.size >= 2, `readers saw values from several writers (${[...seen]})`);
});

test('the checkers reject torn values (the stress test can fail)', () => {
  const a = makeString(1, 10);
  const b = makeString(2, 10);
  assert.ok(checkString(a) && checkString(b));
  assert.equal(checkString(a.slice(0, 20) + b.slice(20)), false, 'string halves of two writes');
  assert.equal(checkString(a.slice(0, -1) + '\0'), false, 'a unit not yet written');
  const x = makeBig(1, 4);
  const y = makeBig(2, 4);
  assert.ok(checkBig(x) && checkBig(y));
  const mask = (1n << 64n) - 1n;
  assert.equal(checkBig((x & ~mask) | (y & mask)), false, 'limbs of two writes');
  const d1 = makeDouble(1, 5);
  const d2 = makeDouble(3, 7);
  assert.ok(checkDouble(d1) && checkDouble(d2));
  const f = new Float64Array([d1, d2]);
  const w = new Int32Array(f.buffer);
  const torn = new Float64Array(new Int32Array([w[0], w[3]]).buffer)[0];
  assert.equal(checkDouble(torn), false, 'words of two doubles');
});
