// Every code: a stable `code`, a `name` matching its class, `instanceof` its base, and toString() with the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codes } from '../../dist/src/errors.js';
import { readFileSync } from 'node:fs';

test('every error code', () => {
  const names = Object.keys(codes);
  assert.ok(names.length >= 10);
  for (const code of names) {
    const factory = codes[code];
    assert.equal(factory.code, code);
    const args = Array.from({ length: factory.length || 4 }, (_, i) => (i % 2 ? 7 : `arg${i}`));
    const error = factory(...args);
    assert.equal(error.code, code, code);
    assert.ok(error instanceof factory.Base, `${code} is a ${factory.Base.name}`);
    assert.equal(error.name, factory.Base.name, code);
    assert.ok(error.message.length > 10, `${code} has a message`);
    assert.equal(String(error), `${error.name} [${code}]: ${error.message}`);
    assert.match(code, /^ERR_MODMAP_[A-Z_]+$/);
  }
});

test('README lists every error code', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  for (const code of Object.keys(codes)) assert.ok(readme.includes(`\`${code}\``), `README has a row for ${code}`);
});
