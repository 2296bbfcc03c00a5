// The load hook factories, called directly with a stub nextLoad (as tsx tests its hooks), no child process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createState } from '../../dist/loader-hooks/state.js';
import { createLoad, createLoadSync } from '../../dist/loader-hooks/load.js';

const url = 'file:///app/main.mjs';
const blockSrc = 'const a = 1;\nexport const m = module {\n  export const x = await import(y);\n};\n';

function stub(format, source) {
  const calls = [];
  const next = (u, context) => { calls.push(u); return { format, source, shortCircuit: false }; };
  return { next, calls };
}

test('non-ESM formats pass through untouched, as the very same result object', () => {
  const load = createLoadSync(createState());
  for (const format of ['commonjs', 'json', 'wasm', 'builtin', undefined]) {
    const { next } = stub(format, Buffer.from('module.exports = import(x)'));
    const result = next(url);
    const r = load(url, {}, () => result);
    assert.equal(r, result, String(format));
  }
});

test('ESM without blocks or dynamic imports passes through as the same result, with the same text', async () => {
  const load = createLoadSync(createState());
  // ASCII bytes: the text the byte test read them as (latin1) is what UTF-8 decoding gives, so Node gets that string.
  const text = 'import a from "./a.js";\nexport default a; // plain ASCII\r\n\t`${a}`\n';
  const result = { format: 'module', source: Buffer.from(text) };
  assert.equal(load(url, {}, () => result), result);
  assert.equal(result.source, text);
  // Any other byte keeps the bytes, for Node's own UTF-8 decoding: a byte order mark, a non-ASCII character.
  for (const bytes of [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('export default 1;')]), Buffer.from('export default "é";')]) {
    const r = { format: 'module', source: bytes };
    assert.equal(load(url, {}, () => r), r);
    assert.equal(r.source, bytes);
  }
  // A TypeScript module keeps its bytes too (Node strips its types from what it decodes itself).
  const ts = { format: 'module-typescript', source: Buffer.from('export const a: number = 1;') };
  assert.equal(load(url, {}, () => ts).source, ts.source);
  // The async hooks (Node 20's thread) leave the result as it was.
  const asyncResult = { format: 'module', source: Buffer.from(text) };
  assert.equal(await createLoad(createState())(url, {}, async () => asyncResult), asyncResult);
  assert.ok(Buffer.isBuffer(asyncResult.source));
});

test('ESM with a block is transformed; the block URL loads the block body', async () => {
  const state = createState();
  const load = createLoad(state);
  const r = await load(url, {}, async () => ({ format: 'module', source: Buffer.from(blockSrc) }));
  assert.equal(typeof r.source, 'string');
  assert.match(r.source, /globalThis\[Symbol\.for\("modmap"\)\]\.block\("file:\/\/\/app\/main\.mjs","0",/);
  assert.equal(r.source.split('\n').length, blockSrc.split('\n').length);
  const b = await load(`${url}?modmap-block=0`, {}, async () => ({ format: 'module', source: Buffer.from(blockSrc) }));
  assert.equal(b.format, 'module');
  const lines = b.source.split('\n');
  assert.match(lines[0], /^import\.meta\.url="file:\/\/\/app\/main\.mjs";/);
  assert.equal(lines[2], '  export const x = await import(globalThis[Symbol.for("modmap")].specifier(y));');
});

test('a block URL whose path the file lacks fails with ERR_MODMAP_BLOCK_NOT_FOUND', () => {
  const load = createLoadSync(createState());
  assert.throws(() => load(`${url}?modmap-block=4`, {}, () => ({ format: 'module', source: blockSrc })),
    { code: 'ERR_MODMAP_BLOCK_NOT_FOUND', url, path: '4' });
});

test('a block body that does not parse fails the enclosing file with ERR_MODMAP_SYNTAX (acorn)', () => {
  const load = createLoadSync(createState());
  assert.throws(() => load(url, {}, () => ({ format: 'module', source: 'const m = module {\n  const x = ;\n};' })),
    { code: 'ERR_MODMAP_SYNTAX', name: 'SyntaxError', line: 2, column: 13 });
});

test('modern syntax inside blocks parses: using, import attributes, class fields, regex flags, top-level await', () => {
  const load = createLoadSync(createState());
  const src = 'const m = module {\n  import data from "./d.json" with { type: "json" };\n  class A { #x = 1; static { } get x() { return this.#x; } }\n  const r = /a/v;\n  await 1;\n  { using res = { [Symbol.dispose]() {} }; }\n  export { A, r, data };\n};';
  assert.doesNotThrow(() => load(url, {}, () => ({ format: 'module', source: src })));
});
