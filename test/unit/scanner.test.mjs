import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scan, transformModule, mayNeedTransform, mayNeedWork, lineCount, RUNTIME_EXPR } from '../helpers/transform.mjs';

const url = 'file:///app/main.mjs';
const paths = (src) => scan(src).allBlocks.map((b) => b.path);

// Each row: source that is valid JavaScript today and must come back byte for byte, because it holds no module
// expression (SPEC §3's hazards).
const untouched = [
  ['CommonJS module.exports', 'module.exports = { a: 1 };\nmodule.exports.b = 2;'],
  ['module, newline, {', 'let module = 1;\nlet a = module\n{ }'],
  ['line comment between module and {', 'let module = 1;\nlet a = (module // c\n);\n{ }'],
  ['block comment with a line terminator between module and {', 'let module = 1;\nlet a = module /* one\ntwo */\n{ }'],
  ['block comment with U+2028 between module and {', 'let module = 1;\nlet a = module /* \u2028 */\n{ }'],
  ['single-quoted string', "const s = 'module { export default 1 }';"],
  ['double-quoted string with escapes', 'const s = "\\" module { }";'],
  ['template', 'const s = `module { ${1} }`;'],
  ['nested template', 'const s = `a ${ `module { ${ "x" } }` } b`;'],
  ['template with an object inside ${}', 'const s = `${ { module: 1 }.module } module {`;'],
  ['line comment', '// module { }\nconst a = 1;'],
  ['block comment', '/* module { } */ const a = 1;'],
  ['hashbang', '#!/usr/bin/env node module { }\nconst a = 1;'],
  ['regex', 'const r = /module {/;'],
  ['regex with a class holding a slash', 'const r = /[/]module {/g;'],
  ['regex after return', 'function f() { return /module {/.test("x"); }'],
  ['regex after a block', 'if (a) {}\n/module {/.test(b);'],
  ['regex with a quote, then a string holding module {', 'const r = /\'/; const s = "module { }";'],
  ['division then a string', 'const a = b / 2; const s = "module { } /";'],
  ['division after a call', 'const a = f(x) / g(y) / 2; const s = \'module {\';'],
  ['property key', 'const o = { module: 1, module2: { } };'],
  ['shorthand property', 'const module = 1; const o = { module };'],
  ['method named module', 'const o = { module() { return 1; } };\nclass A { module() {} static module() {} }'],
  ['getter named module', 'const o = { get module() { return 1; } };'],
  ['member access', 'a.module; a?.module; a.module\n{ }'],
  ['private name', 'class A { #module = 1; m() { return this.#module; } }'],
  ['label', 'module: { break module; }'],
  ['label inside a function', 'function f() { module: for (;;) { break module; } }'],
  ['class named module', 'class module { }'],
  ['class X extends module {', 'const module = class {};\nclass X extends module { }'],
  ['function named module', 'function module() { }'],
  ['import binding named module', 'import module from "./m.js";\nexport { module };'],
  ['typeof module', 'if (typeof module !== "undefined") { }'],
  ['identifier containing module', 'const mymodule = 1; const module_ = 2; const $module = { };'],
  ['static import only', 'import { a } from "./a.js";\nexport const b = a;'],
  ['literal dynamic import', 'const m = await import("./a.js");\nconst n = import(\'./b.js\', { with: { type: "json" } });'],
  ['import.meta', 'console.log(import.meta.url, import.meta.resolve("./x"));'],
  ['method named import', 'obj.import(x); a?.import(y);'],
  ['empty file', ''],
  ['only a BOM', '\ufeff'],
];

for (const [name, src] of untouched) {
  test(`untouched: ${name}`, () => {
    assert.deepEqual(paths(src), [], `${name}: no block found`);
    assert.equal(transformModule(src, { url }), src, `${name}: byte for byte`);
  });
}

// Each row: source with module expressions and the ordinal paths expected, in order of the `module` keyword.
const blocks = [
  ['parenthesised', '(module { });', ['0']],
  ['assignment', 'const m = module { export default 1; };', ['0']],
  ['two arguments', 'f(module { }, module { });', ['0', '1']],
  ['export default', 'export default module { export const a = 1; };', ['0']],
  ['return', 'function f() { return module { }; }', ['0']],
  ['arrow body', 'const f = () => module { };', ['0']],
  ['typeof', 'const t = typeof module { };', ['0']],
  ['await', 'const ns = await import(await module { });', ['0']],
  ['ternary', 'const m = c ? module { } : module { };', ['0', '1']],
  ['array', 'const a = [module { }, module { }];', ['0', '1']],
  ['object value', 'const o = { a: module { }, b: [module { }] };', ['0', '1']],
  ['template substitution', 'const s = `${module { }}`;', ['0']],
  ['comment without a line terminator', 'const m = module /* same line */ { };', ['0']],
  ['after a newline inside an expression', 'const m =\n  module { };', ['0']],
  ['block holding strings and comments with braces', 'const m = module { const s = "}"; /* } */ // }\n const r = /}/; const t = `}${"}"}`; };', ['0']],
  ['nested', 'const m = module {\n  export const a = module { };\n  export const b = module { export const c = module { }; };\n};\nconst n = module { };', ['0', '0.0', '0.1', '0.1.0', '1']],
  ['ten siblings', Array.from({ length: 11 }, () => '(module {});').join('\n'), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']],
  ['case expression', 'switch (x) { case module { }: break; }', ['0']],
  ['after a block statement', 'if (x) { }\nconst m = module { };', ['0']],
  ['dynamic import of a block', 'const ns = await import(module { export default 1; });', ['0']],
];

for (const [name, src, expected] of blocks) {
  test(`block: ${name}`, () => {
    assert.deepEqual(paths(src), expected, `${name}: ordinal paths`);
    const out = transformModule(src, { url });
    assert.notEqual(out, src, `${name}: transformed`);
    assert.equal(lineCount(out), lineCount(src), `${name}: no line moves`);
    assert.equal(out.split(`${RUNTIME_EXPR}.block(`).length - 1, expected.filter((p) => !p.includes('.')).length,
      `${name}: one call per top-level block`);
  });
}

// Each row: `module {` where a statement starts, or a block that never closes: ERR_MODMAP_SYNTAX with the place.
const errors = [
  ['start of file', 'module { }', 1, 1],
  ['after a semicolon', 'const a = 1; module { }', 1, 14],
  ['after ASI', 'const a = 1\nmodule { }', 2, 1],
  ['after a block', 'if (a) { }\nmodule { }', 2, 1],
  ['if body', 'if (a) module { }', 1, 8],
  ['label', 'l: module { }', 1, 4],
  ['inside a block body', 'const m = module {\n  module { }\n};', 2, 3],
  ['missing brace', 'const m = module {\n  export default 1;\n', 1, 18],
  // the `}` on line 3 closes the nested block, so the outer one is the one left open
  ['missing brace of an outer block', 'const m = module {\n  const n = module {\n};', 1, 18],
  ['missing brace of a nested block', 'const m = module {\n  const n = module {\n  export default 1;\n', 2, 20],
];

for (const [name, src, line, column] of errors) {
  test(`syntax error: ${name}`, () => {
    assert.throws(() => transformModule(src, { url }), (error) => {
      assert.equal(error.code, 'ERR_MODMAP_SYNTAX', name);
      assert.ok(error instanceof SyntaxError, `${name}: a SyntaxError`);
      assert.equal(error.url, url, `${name}: url`);
      assert.deepEqual([error.line, error.column], [line, column], `${name}: line and column`);
      assert.ok(error.message.includes(`${url}:${line}:${column}`), `${name}: message names the place`);
      return true;
    });
  });
}

test('block bodies are validated when a validator is given, at original positions', () => {
  const validate = (code) => { if (code.includes('%%')) { const e = new SyntaxError('Unexpected token'); e.loc = { line: 3, column: 4 }; throw e; } };
  const src = 'const a = 1;\nconst m = module {\n    %%\n};';
  assert.throws(() => transformModule(src, { url, validate }), { code: 'ERR_MODMAP_SYNTAX', line: 3, column: 5 });
  assert.doesNotThrow(() => transformModule('const m = module { export default 1 };', { url, validate }));
});

test('the validator sees the block body with lines and columns in place', () => {
  const seen = [];
  const src = 'const a = 1;\nconst m = module { export const x = 1;\n  export const y = 2; };';
  transformModule(src, { url, validate: (code) => seen.push(code) });
  assert.equal(seen.length, 1);
  const lines = seen[0].split('\n');
  assert.equal(lines.length, 3, 'same line count as the file');
  assert.equal(lines[1].indexOf('export const x'), src.split('\n')[1].indexOf('export const x'), 'same column');
  assert.equal(lines[2], '  export const y = 2; ', 'body ends before the closing brace');
});

test('code after a multi-line block keeps its column', () => {
  const src = 'const m = module {\n  export default 1;\n}; const after = 1;';
  const out = transformModule(src, { url });
  assert.equal(out.split('\n')[2].indexOf('const after'), src.split('\n')[2].indexOf('const after'));
});

test('line terminators of every kind are kept in place', () => {
  const src = 'const m = module {\r\n  export const a = 1;\r  export const b = 2;\u2028  export const c = 3;\u2029};\nconst z = 1;';
  const out = transformModule(src, { url });
  assert.equal(lineCount(out), lineCount(src));
  // the source text literal escapes U+2028/U+2029, so the only raw ones are the copied terminators
  assert.equal((out.match(/[\u2028\u2029]/g) ?? []).length, 2);
});

test('dynamic imports: only non-literal first arguments are wrapped, nothing else changes', () => {
  const src = 'const a = await import(spec);\nconst b = import("./lit.js");\nconst c = import(x, { with: { type: "json" } });\nconst d = import /* c */ (y);\nconst e = import(\n  z\n);';
  const out = transformModule(src, { url });
  assert.equal(lineCount(out), lineCount(src), 'no line moves');
  const lines = out.split('\n');
  assert.equal(lines[0], `const a = await import(${RUNTIME_EXPR}.specifier(spec));`);
  assert.equal(lines[1], 'const b = import("./lit.js");');
  assert.equal(lines[2], `const c = import(${RUNTIME_EXPR}.specifier(x), { with: { type: "json" } });`);
  assert.equal(lines[3], `const d = import /* c */ (${RUNTIME_EXPR}.specifier(y));`);
  // only call sites change: removing the inserted text gives back the source
  assert.equal(out.replaceAll(`${RUNTIME_EXPR}.specifier(`, '').replace(/\(y\)\)/, '(y)').replace(/\(spec\)\)/, '(spec)')
    .replace(/\(x\), \{/, '(x, {').replace(/ {2}z\n\)\)/, '  z\n)'), src);
});

test('imports inside a block belong to the block, not to the file', () => {
  const src = 'const m = module { const n = await import(x); };\nconst o = await import(y);';
  const result = scan(src);
  assert.equal(result.imports.length, 2);
  assert.equal(result.imports[0].owner.path, '0');
  assert.equal(result.imports[1].owner, null);
  const out = transformModule(src, { url });
  assert.ok(out.includes(`import(${RUNTIME_EXPR}.specifier(y))`));
  assert.ok(!out.includes('specifier(x)'), 'the block body is source text, not code, in the outer file');
});

test('the block call carries the file URL, the path and the exact source text', () => {
  const text = 'module {\n  export const s = "\\u2028 \u2028 \' \\" `";\n}';
  const src = `const m = ${text};`;
  const out = transformModule(src, { url });
  const call = out.slice(out.indexOf('.block(') + 7);
  const args = call.slice(0, call.indexOf(',"0",'));
  assert.equal(JSON.parse(args), url);
  const literal = call.slice(call.indexOf(',"0",') + 5, call.lastIndexOf('"') + 1);
  assert.equal(JSON.parse(literal), text);
});

test('mayNeedTransform is conservative: every file with a block or a dynamic import passes it', () => {
  for (const [, src, expected] of blocks) assert.ok(mayNeedTransform(src), src);
  assert.ok(mayNeedTransform('import /* c */ (x)'));
  assert.ok(mayNeedTransform('import\n(x)'));
  assert.ok(mayNeedTransform('(module\t{})'));
  assert.ok(!mayNeedTransform('import a from "b"; module.exports = 1;'));
});

test('the loader\'s byte test (mayNeedWork on latin1) passes every file mayNeedTransform passes, and struct files', () => {
  const latin1 = (text) => Buffer.from(text, 'utf8').toString('latin1');
  const cases = [...blocks.map(([, src]) => src), 'import /* c */ (x)', 'import\n(x)', '(module\t{})',
    'const s = "é"; import\u00a0(x)', 'module\u2003{}', 'x = import\r\n  (y)',
    'import a from "b"; module.exports = 1;', 'const café = 1; import b from "c";'];
  for (const src of cases) {
    if (mayNeedTransform(src)) assert.ok(mayNeedWork(latin1(src)), src);
  }
  assert.ok(mayNeedWork(latin1('class P extends SharedStruct("x") {}')));
  assert.ok(!mayNeedWork(latin1('import a from "b"; module.exports = 1;')));
  assert.ok(!mayNeedWork(latin1('const café = 1; import b from "c"; export { b };')));
});

test('scanning is linear: a deeply nested and a very long input finish quickly and correctly', () => {
  const deep = `const m = ${'module { export default '.repeat(200)}1${' }'.repeat(200)};`;
  assert.equal(paths(deep).length, 200);
  assert.equal(paths(deep)[199], Array(200).fill('0').join('.'));
  const long = 'const a = "x";\n'.repeat(200_000) + '(module { });';
  assert.deepEqual(paths(long), ['0']);
});
