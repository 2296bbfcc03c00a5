// src/browser/shim.ts lists every module of its static graph, in evaluation order, so that the browser requests them
// all at once (see the comment there). This checks the list against the built graph: same modules, same order as
// the depth-first post-order of the imports below them, and no cycle (which would make that order unsafe).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../../dist/src/', import.meta.url));
const shim = resolve(dist, 'browser/shim.js');
// `import … from '…'`, `import '…'`, `export … from '…'` at the start of a line, as tsc emits them.
const staticImports = (file) => [...readFileSync(file, 'utf8').matchAll(/^(?:import\s+(?:[\w$*{}\s,]+\s+from\s+)?|export\s+(?:\*(?:\s+as\s+[\w$]+)?|\{[^}]*\})\s+from\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)]
  .map((m) => resolve(dirname(file), m[1]));

test('the shim imports its whole static graph up front, in the order the modules evaluate', () => {
  const listed = staticImports(shim);
  // The graph below the shim without its flat list: what install.js (the last import) pulls in, walked depth first.
  const order = [];
  const done = new Set();
  const active = new Set();
  const walk = (file) => {
    assert.ok(!active.has(file), `import cycle through ${relative(dist, file)}`);
    if (done.has(file)) return;
    active.add(file);
    for (const dep of staticImports(file)) walk(dep);
    active.delete(file);
    done.add(file);
    order.push(file);
  };
  walk(resolve(dist, 'browser/install.js'));
  // By first occurrence: the shim also imports some of them again by name (sw-client.js, errors.js, install.js).
  const names = (files) => [...new Set(files)].map((f) => relative(dist, f));
  assert.deepEqual(names(listed), names([...order, ...listed.filter((f) => !done.has(f))]));
});
