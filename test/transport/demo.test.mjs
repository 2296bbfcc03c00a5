// The pool demo runs as a user would run it, and computes the right answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNode, root } from '../helpers/run-node.mjs';
import { join } from 'node:path';

test('demo/pool.mjs: a block shipped to a worker pool', async () => {
  const { code, stderr, json } = await runNode([join(root, 'demo/pool.mjs'), '--json', '--workers', '2']);
  assert.equal(stderr, '');
  assert.equal(code, 0);
  // π(n) for n = 100 000 … 800 000.
  const expected = [9592, 17984, 25997, 33860, 41538, 49098, 56543, 63951];
  assert.deepEqual(json.results.map((r) => r.output), expected);
  assert.equal(json.threads, 2, 'both workers ran jobs');
  assert.equal(json.distinctModulesPerWorker, 1, 'one Module object per worker for the same block');
  assert.deepEqual(json.shout, ['MODULE!', 'BLOCKS!']);
});
