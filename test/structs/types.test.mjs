// Type-level tests: ok.ts must compile against the built .d.ts; in fail.ts every line marked `// error` must
// fail, and no other line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('./types/', import.meta.url));

// Both compilers the project installs: TypeScript 7 (native) and TypeScript 5 (`typescript5`), when present.
const compilers = ['typescript', 'typescript5']
  .map((pkg) => fileURLToPath(new URL(`../../node_modules/${pkg}/bin/tsc`, import.meta.url)))
  .filter((bin) => existsSync(bin));

function tsc(project, bin) {
  try {
    execFileSync(process.execPath, [bin, '-p', `${dir}${project}`], { encoding: 'utf8', stdio: 'pipe' });
    return { code: 0, out: '' };
  } catch (error) {
    return { code: error.status, out: `${error.stdout}${error.stderr}` };
  }
}

for (const bin of compilers) {
const name = bin.split('/node_modules/')[1].split('/')[0];
test(`ok.ts compiles (${name})`, () => {
  const r = tsc('tsconfig.json', bin);
  assert.equal(r.out, '', 'no diagnostics');
  assert.equal(r.code, 0);
});

test(`fail.ts fails exactly on the marked lines (${name})`, () => {
  const r = tsc('tsconfig.fail.json', bin);
  assert.notEqual(r.code, 0, 'tsc must fail');
  const lines = readFileSync(`${dir}fail.ts`, 'utf8').split('\n');
  const expected = lines.flatMap((l, i) => (/\/\/ error$/.test(l) ? [i + 1] : []));
  const got = new Set([...r.out.matchAll(/fail\.ts\((\d+),\d+\): error/g)].map((m) => Number(m[1])));
  assert.ok(expected.length >= 10);
  for (const line of expected) assert.ok(got.has(line), `line ${line} (${lines[line - 1].trim()}) must be an error\n${r.out}`);
  for (const line of got) assert.ok(expected.includes(line), `line ${line} must not be an error\n${r.out}`);
});
}
