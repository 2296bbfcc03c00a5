import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNode, fixture } from '../helpers/run-node.mjs';

test('a worker terminated while holding a Mutex: the next locker gets it, told once by token.ownerDied', async () => {
  const r = await runNode([fixture('structs/owner-died.mjs')]);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  assert.deepEqual(r.json, { first: { ownerDied: true, locked: true }, laterOwnerDied: false });
});
