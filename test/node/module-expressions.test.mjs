import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { runNode, fixture } from '../helpers/run-node.mjs';
import { blocksMain } from '../helpers/scenarios.mjs';

test('module expressions end to end (SPEC §3)', async () => {
  const r = await runNode([fixture('blocks/main.mjs')]);
  assert.equal(r.stderr, '', 'no warnings or errors');
  assert.equal(r.code, 0);
  assert.deepEqual(r.json, blocksMain);
});

const syntaxCases = [
  ['statement-start.mjs', 2, 1, /cannot start an expression statement/],
  ['body-syntax.mjs', 4, 25, /invalid module block body/],
  ['missing-brace.mjs', 1, 26, /never closed/],
];

for (const [file, line, column, pattern] of syntaxCases) {
  test(`syntax error in ${file} fails the enclosing file at the original place`, async () => {
    const target = fixture(`blocks/errors/${file}`);
    const r = await runNode([fixture('blocks/errors/import-error.mjs'), pathToFileURL(target).href]);
    assert.equal(r.code, 0, r.stderr);
    const e = r.json;
    assert.equal(e.name, 'SyntaxError', file);
    assert.equal(e.code, 'ERR_MODMAP_SYNTAX', file);
    assert.equal(e.url, pathToFileURL(target).href, file);
    assert.deepEqual([e.line, e.column], [line, column], `${file}: line and column`);
    assert.match(e.message, pattern);
    assert.ok(e.stack.includes(`${pathToFileURL(target).href}:${line}:${column}`), `${file}: the stack names the place`);
  });
}

test('a syntax error also stops the program with the place on stderr', async () => {
  const target = fixture('blocks/errors/statement-start.mjs');
  const r = await runNode([target]);
  assert.equal(r.code, 1);
  assert.ok(r.stderr.includes(`${pathToFileURL(target).href}:2:1`), r.stderr);
});

test('an error thrown inside a block has a stack at the original lines', async () => {
  const target = fixture('blocks/errors/runtime-throw.mjs');
  const r = await runNode([target]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /boom from a block/);
  const url = pathToFileURL(target).href;
  assert.ok(r.stderr.includes(`${url}?modmap-block=0:3:11`), `frame inside the block at line 3, column 11:\n${r.stderr}`);
  assert.ok(r.stderr.includes(`${url}:7:1`), `frame of the caller at line 7:\n${r.stderr}`);
});
