// Errors of module blocks in Chromium, from fixtures/blocks/errors (as in test/node/module-expressions.test.mjs).
import { equal, match, ok } from './assert.js';

const here = (p) => new URL(p, location.origin).href;
const syntaxCases = [
  ['statement-start.mjs', 2, 1, /cannot start an expression statement/],
  ['body-syntax.mjs', 4, 25, /invalid module block body/],
  ['missing-brace.mjs', 1, 26, /never closed/],
];

describe('module block errors in Chromium (fixtures/blocks/errors)', () => {
  before(async () => { await (await import('/dist/src/browser/shim.js')).ready; });

  for (const [file, line, column, pattern] of syntaxCases) {
    it(`a syntax error in ${file} fails the enclosing file at the original place`, async () => {
      const url = here(`/fixtures/blocks/errors/${file}`);
      let error;
      try { await importShim(url); } catch (e) { error = e; }
      ok(error !== undefined, 'the import rejects');
      equal(error.name, 'SyntaxError');
      equal(error.code, 'ERR_MODMAP_SYNTAX');
      equal(error.url, url);
      equal(`${error.line}:${error.column}`, `${line}:${column}`);
      match(error.message, pattern);
    });
  }

  it('an error thrown inside a block has a stack at the original lines', async () => {
    const url = here('/fixtures/blocks/errors/runtime-throw.mjs');
    let error;
    try { await importShim(url); } catch (e) { error = e; }
    equal(error?.message, 'boom from a block');
    ok(error.stack.includes(`${url}?modmap-block=0:3:11`), `frame inside the block at line 3, column 11:\n${error.stack}`);
    ok(error.stack.includes(`${url}:7:1`), `frame of the caller at line 7:\n${error.stack}`);
  });
});
