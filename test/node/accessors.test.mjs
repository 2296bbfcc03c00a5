// Field accessors: in Node each field gets a copy of its own (core.ts fieldAccessorCopy), so that V8 keeps separate
// feedback per field; where code generation from strings is disallowed, the shared accessors run instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNode, fixture } from '../helpers/run-node.mjs';

const integerFirst = Number(process.versions.v8.split('.')[0]) >= 12;
const expected = { int: -7, dbl: 0.5, str: 'text', big: String(2n ** 70n), refInt: 9, flag: true, negZero: true };

test('every kind of field value through the per-field copies; a released struct throws from the copy', async () => {
  const r = await runNode([fixture('accessors/fields.mjs')]);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  assert.deepEqual(r.json.values, expected);
  assert.deepEqual(r.json.released, { code: 'ERR_MODMAP_RELEASED', fromOwnCopy: true });
  assert.deepEqual(r.json.getters, [integerFirst ? 'integer' : 'general', 'general']);
});

test('--disallow-code-generation-from-strings: the shared accessors give the same values and errors', async () => {
  const r = await runNode([fixture('accessors/fields.mjs')], { execArgv: ['--disallow-code-generation-from-strings'] });
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  assert.deepEqual(r.json.values, expected);
  assert.deepEqual(r.json.released, { code: 'ERR_MODMAP_RELEASED', fromOwnCopy: false });
  assert.deepEqual(r.json.getters, ['general', 'general'], 'the shared accessors are never integer-specialised');
});

test('--disallow-code-generation-from-strings: the registry scenarios across workers give the same results', async () => {
  const [plain, refused] = await Promise.all([
    runNode([fixture('registry/main.mjs')]),
    runNode([fixture('registry/main.mjs')], { execArgv: ['--disallow-code-generation-from-strings'] }),
  ]);
  assert.equal(refused.stderr, '');
  assert.equal(refused.code, 0);
  assert.ok(plain.json, 'the scenario ran');
  assert.deepEqual(refused.json, plain.json);
});
