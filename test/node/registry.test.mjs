// SPEC §5, the module-map keyed registry, across real workers (fixtures/registry/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNode, fixture } from '../helpers/run-node.mjs';
import { pointWorkerLoaded } from '../helpers/scenarios.mjs';

const pointUrl = new URL('../../fixtures/registry/point.mjs', import.meta.url).href;

test('registry scenarios across workers', async (t) => {
  const r = await runNode([fixture('registry/main.mjs')]);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  const o = r.json;

  await t.test('a worker that imported the module gets its own prototype', () => {
    assert.deepEqual(o.loaded, pointWorkerLoaded);
    assert.equal(o.writeSeenHere, 100, 'a field write in the worker is seen here');
    assert.equal(o.protoChangeStaysInB, 'undefined', "the worker's prototype change is not seen here");
  });

  await t.test('struct subclasses: super calls and getters resolve in the receiver', () => {
    assert.equal(o.subclass.call.value, 9);
    assert.equal(o.subclass.instanceOf, true);
    assert.deepEqual(o.subclass.fieldNames, ['x', 'y', 'z']);
    assert.equal(o.subclassGetter.call.value, 5);
  });

  await t.test('not loaded: coded error naming module and export; fields, await and inspect work; then the same instance works', () => {
    const l = o.lazy;
    assert.equal(l.call.ok, false);
    assert.equal(l.call.name, 'TypeError');
    assert.equal(l.call.code, 'ERR_MODMAP_MODULE_NOT_LOADED');
    assert.ok(l.call.message.includes(pointUrl) && l.call.message.includes('Point') && /import/i.test(l.call.message));
    assert.deepEqual(l.fieldNames, ['x', 'y']);
    assert.equal(l.awaited, true, 'then is undefined, so await gives the instance back');
    assert.equal(l.inspect, `Point [module ${pointUrl} not loaded here] { x: 5, y: 12, next: undefined }`);
    assert.deepEqual(l.callAfter, { ok: true, value: 169 });
    assert.equal(l.instanceOfAfter, true);
  });

  await t.test('distinct types: a lookalike module and a copy under another URL', () => {
    assert.equal(o.lookalike.call.code, 'ERR_MODMAP_MODULE_NOT_LOADED', 'other-point.mjs loaded does not resolve point.mjs#Point');
    assert.equal(o.lookalike.instanceOf, false);
    assert.equal(o.lookalikeOwn.call.value, -1, "the lookalike's own instances resolve to the lookalike");
    assert.equal(o.queryCopy.call.code, 'ERR_MODMAP_MODULE_NOT_LOADED');
    assert.ok(o.queryCopy.call.message.includes(`${pointUrl}?copy`));
  });

  await t.test('export-name rules: re-export, renamed, two names, anonymous default', () => {
    assert.equal(o.reexportSameClass, true);
    assert.equal(o.renamed.call.value, 'renamed');
    assert.equal(o.renamed.instanceOf, true);
    assert.equal(o.twoNames.call.value, 'twice');
    assert.equal(o.twoNames.protoIs, true);
    assert.equal(o.anonymousDefault.call.value, 'anonymous default');
  });

  await t.test('instances made during top-level evaluation and top-level await are keyed', () => {
    assert.equal(o.tlaBefore.call.value, 'early 1');
    assert.equal(o.tlaDuring.call.value, 'early 2');
  });

  await t.test('a struct class exported from a module expression', () => {
    assert.deepEqual(o.moduleExpression, { before: 'ERR_MODMAP_MODULE_NOT_LOADED', after: 'cell 7', instanceOf: true });
  });

  await t.test('unkeyed structs fail at postMessage and nothing is sent', () => {
    assert.deepEqual(o.unkeyed, { name: 'TypeError', code: 'ERR_MODMAP_UNKEYED_STRUCT', namesClass: true });
    assert.deepEqual(o.afterUnkeyed, { id: 1, call: { ok: true, value: 1 } }, 'the first message the receiver sees is the next one');
  });

  await t.test('a registry entry without the loader token is refused', () => {
    assert.equal(o.forged, 'TypeError');
  });
});

test('layout mismatch under one key throws ERR_MODMAP_LAYOUT_MISMATCH, and data is never misread', async () => {
  const r = await runNode([fixture('registry/mismatch.mjs')]);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  const { call, w, h, json } = r.json;
  assert.equal(call.code, 'ERR_MODMAP_LAYOUT_MISMATCH');
  assert.equal(call.name, 'TypeError');
  assert.match(call.message, /Shape of file:.*shape\.mjs/);
  assert.match(call.message, /\(h, w, depth\)/);
  assert.match(call.message, /\(w, h\)/);
  assert.deepEqual([w, h, json], [6, 7, '{"w":6,"h":7}'], "fields read by the sender's layout");
});

test('there is no API that turns a string into a struct type', async () => {
  const api = await import('../../dist/src/index.js');
  for (const name of Object.keys(api)) {
    assert.ok(!/registry|forKey|keyOf|lookup/i.test(name), `${name} is not a registry lookup`);
  }
});

test('structuredClone keeps shared values and Modules as the same objects, and clones the rest', async () => {
  const r = await runNode([fixture('registry/clone.mjs')]);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  assert.deepEqual(r.json, {
    sameStruct: true, sameInList: true, sameModule: true, mapKey: true,
    plainCopied: true, direct: true, untouched: true, seesWrite: true,
  });
});
