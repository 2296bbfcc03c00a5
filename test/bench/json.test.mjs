// `npm run bench -- --json` must print one JSON object with the keys the issues name, each a plain number. A smoke
// test on the quick settings of three suites: it checks the shape of the output, never a speed (targets live in
// the benchmarks themselves, BENCHMARKS.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('bench --json prints one object of plain numbers with the named keys', () => {
  const r = spawnSync(process.execPath, ['bench/index.mjs', '--json', '--quick', '--only=scanner,load,registry'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 300_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1, 'exactly one line of output');
  const out = JSON.parse(lines[0]);
  const major = Number(process.versions.node.split('.')[0]);
  const keys = ['scanVsLexer', 'loadVsBare', 'methodCall', 'methodCallReadOnce', 'methodCallFiveTypes', 'firstResolve'];
  if (major < 22) keys.push('loadVsNoopHook');
  for (const k of keys) {
    assert.equal(typeof out[k], 'number', `${k} is a number`);
    assert.ok(Number.isFinite(out[k]) && out[k] > 0, `${k} = ${out[k]} is a positive finite number`);
  }
  for (const [k, v] of Object.entries(out)) {
    if (k !== 'details') assert.equal(typeof v, 'number', `every top-level key but details is a number (${k})`);
  }
  assert.equal(out.details.quick, true);
  assert.equal(out.details.node, process.version);
});
