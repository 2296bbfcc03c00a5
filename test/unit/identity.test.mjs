import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockUrl, parseBlockUrl, isOrdinalPath } from '../helpers/transform.mjs';

const cases = [
  ['file:///app/main.mjs', '0', 'file:///app/main.mjs?modmap-block=0'],
  ['file:///app/main.mjs', '1.0.12', 'file:///app/main.mjs?modmap-block=1.0.12'],
  ['file:///app/main.mjs?v=2', '3', 'file:///app/main.mjs?v=2&modmap-block=3'],
  ['https://example.test/a.js#frag', '0', 'https://example.test/a.js?modmap-block=0#frag'],
  ['https://example.test/a.js?x=1#frag', '2.1', 'https://example.test/a.js?x=1&modmap-block=2.1#frag'],
];

for (const [base, path, url] of cases) {
  test(`block URL of ${base} at ${path} round-trips`, () => {
    assert.equal(blockUrl(base, path), url);
    assert.deepEqual(parseBlockUrl(url), { base, path });
  });
}

test('URLs that are not block URLs parse to null', () => {
  for (const url of ['file:///a.mjs', 'file:///a.mjs?modmap-block=', 'file:///a.mjs?modmap-block=01', 'file:///a.mjs?modmap-block=1.',
    'file:///a.mjs?xmodmap-block=1', 'file:///a.mjs?modmap-block=1&v=2', 'modmap-block=1']) {
    assert.equal(parseBlockUrl(url), null, url);
  }
});

test('ordinal paths', () => {
  for (const p of ['0', '10', '1.0', '0.0.0', '12.3.45']) assert.ok(isOrdinalPath(p), p);
  for (const p of ['', '-1', '01', '1.', '.1', '1..2', 'a', '1.a']) assert.ok(!isOrdinalPath(p), p);
});
