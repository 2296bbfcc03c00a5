// No tearing: several workers write distinct self-checking multi-word values into the same fields while
// others read them. Every read must pass its check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { SharedStruct, SharedArray, __encodeShared as enc, __heapForWorker } from '../../dist/src/structs/index.js';

class Cell extends SharedStruct('str', 'big', 'dbl') {}

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
  const results = await Promise.all([...writers, ...readers]);
  const readerResults = results.slice(3);
  const failures = readerResults.reduce((n, r) => n + r.failures, 0);
  const reads = readerResults.reduce((n, r) => n + r.reads, 0);
  assert.equal(reads, 3 * 40000 * 5, 'fixed number of checked reads');
  assert.equal(failures, 0, 'no torn reads');
  const seen = new Set(readerResults.flatMap((r) => r.writersSeen));
  assert.ok(seen.size >= 2, `readers saw values from several writers (${[...seen]})`);
});
