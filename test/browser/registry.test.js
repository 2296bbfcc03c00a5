// SPEC §5 and §6 across real Web Workers in Chromium: the scenarios of test/node/registry.test.mjs, with the
// struct modules of fixtures/registry/ (the drivers are here, since a Web Worker is not a worker_threads Worker).
import { deepEqual, equal, load, match, ok } from './assert.js';
import { pointWorkerLoaded } from '../helpers/scenarios.mjs';

const here = (p) => new URL(p, location.origin).href;
const pointUrl = here('/fixtures/registry/point.mjs');
const workers = [];

function agent(file = '/fixtures/browser/worker.mjs') {
  const w = new Worker(here(file), { type: 'module' });
  workers.push(w);
  return (msg) => new Promise((resolve, reject) => {
    w.addEventListener('message', (e) => resolve(e.data), { once: true });
    w.addEventListener('error', (e) => reject(new Error(`worker ${file} failed: ${e.message ?? 'error event'}`)), { once: true });
    w.postMessage({ id: 0, ...msg });
  });
}

describe('registry and transport across Web Workers (fixtures/registry)', () => {
  let Point, Point3, Lookalike;
  before(async () => {
    ({ Point } = await load('/fixtures/registry/point.mjs'));
    ({ Point3 } = await load('/fixtures/registry/point3.mjs'));
    ({ Point: Lookalike } = await load('/fixtures/registry/other-point.mjs'));
    equal(crossOriginIsolated, true, 'the suite serves COOP and COEP');
  });
  after(() => workers.forEach((w) => w.terminate()));

  it('a worker that imported the module gets its own prototype; its field writes are seen here', async () => {
    const p = new Point(3, 4);
    const r = await agent('/fixtures/registry/point-worker.mjs')({ p }); // the Node suite's fixture, unchanged
    deepEqual(r, pointWorkerLoaded);
    equal(p.x, 100, 'a field write in the worker is seen here');
    equal(typeof p.onlyHere, 'undefined', "the worker's prototype change stays there");
  });

  it('a worker that imports the module after receiving the instance: same methods, its own class', async () => {
    const r = await agent()({ value: new Point(3, 4), importFirst: pointUrl });
    equal(r.instanceOf, true);
    equal(r.constructorIs, true);
    deepEqual(r.call, { ok: true, value: 25 });
    equal(r.sameOnSecondRead, true, 'event.data is decoded once per event');
  });

  it('struct subclasses: super calls and getters resolve in the receiver', async () => {
    const p3 = new Point3(1, 2, 2);
    const r = await agent()({ value: p3, importFirst: here('/fixtures/registry/point3.mjs'), exportName: 'Point3' });
    equal(r.call.value, 9);
    equal(r.instanceOf, true);
    deepEqual(r.fieldNames, ['x', 'y', 'z']);
    const g = await agent()({ value: p3, importFirst: here('/fixtures/registry/point3.mjs'), exportName: 'Point3', probe: 'norm1' });
    equal(g.call.value, 5);
  });

  it('not loaded: coded error naming module and export; fields and await work; then the same instance works', async () => {
    const r = await agent()({ value: new Point(5, 12), importAfter: pointUrl });
    equal(r.call.ok, false);
    equal(r.call.name, 'TypeError');
    equal(r.call.code, 'ERR_MODMAP_MODULE_NOT_LOADED');
    ok(r.call.message.includes(pointUrl) && r.call.message.includes('Point') && /import/i.test(r.call.message), r.call.message);
    deepEqual(r.fieldNames, ['x', 'y']);
    equal(r.awaited, true);
    deepEqual(r.callAfter, { ok: true, value: 169 });
    equal(r.instanceOfAfter, true);
  });

  it('distinct types: a lookalike module, and the same file under another URL', async () => {
    const l = await agent()({ value: new Point(1, 2), importFirst: here('/fixtures/registry/other-point.mjs') });
    equal(l.call.code, 'ERR_MODMAP_MODULE_NOT_LOADED');
    equal(l.instanceOf, false);
    const own = await agent()({ value: new Lookalike(), importFirst: here('/fixtures/registry/other-point.mjs') });
    equal(own.call.value, -1);
    const { Point: CopyPoint } = await load('/fixtures/registry/point.mjs?copy');
    const q = await agent()({ value: new CopyPoint(1, 1), importFirst: pointUrl });
    equal(q.call.code, 'ERR_MODMAP_MODULE_NOT_LOADED');
    ok(q.call.message.includes(`${pointUrl}?copy`), q.call.message);
  });

  it('export-name rules: re-export keeps the key, renamed, two names (anonymous default: a browser gap)', async () => {
    const names = await load('/fixtures/registry/names.mjs');
    equal(names.Point, Point, 're-export is the same class');
    const ask = agent();
    const namesUrl = here('/fixtures/registry/names.mjs');
    const renamed = await ask({ value: new names.R(), importFirst: namesUrl, exportName: 'R', probe: 'who' });
    equal(renamed.call.value, 'renamed');
    equal(renamed.instanceOf, true);
    const twice = await ask({ value: new names.Alpha(), importFirst: namesUrl, exportName: 'Zeta', probe: 'who' });
    equal(twice.call.value, 'twice');
    equal(twice.protoIs, true, 'the class was loaded before this instance arrived');
    // es-module-lexer gives no usable local name for `export default class extends …`, so an agent that loads
    // through es-module-shims does not key an anonymous default struct class (src/browser/README.md). Node keys it
    // as "default", and so does a page under the Service Worker (Node's own registration code, run natively); the
    // worker, which loads through es-module-shims, still does not.
    let error;
    let reply;
    try { reply = await ask({ value: new names.default(), importFirst: namesUrl, exportName: 'default', probe: 'who' }); } catch (e) { error = e; }
    if (globalThis.expectedLoader === 'service-worker') {
      equal(error, undefined, 'keyed on the page');
      equal(reply.call.code, 'ERR_MODMAP_MODULE_NOT_LOADED', 'not keyed in the worker');
    } else {
      equal(error?.code, 'ERR_MODMAP_UNKEYED_STRUCT');
    }
  });

  it('instances made during top-level evaluation and top-level await are keyed', async () => {
    const { made, later } = await load('/fixtures/registry/tla.mjs');
    const ask = agent();
    const tlaUrl = here('/fixtures/registry/tla.mjs');
    equal((await ask({ value: made, importFirst: tlaUrl, exportName: 'Early', probe: 'who' })).call.value, 'early 1');
    equal((await ask({ value: later, importFirst: tlaUrl, exportName: 'Early', probe: 'who' })).call.value, 'early 2');
  });

  it('a struct class defined in a module expression; new Worker(m) runs a block as the entry', async () => {
    const { block, entry } = await load('/fixtures/browser/block-struct.mjs');
    const { Cell } = await importShim(globalThis[Symbol.for('modmap')].specifier(block));
    const cell = new Cell();
    cell.v = 7;
    const w = new Worker(entry);
    workers.push(w);
    const r = await new Promise((resolve, reject) => {
      w.addEventListener('message', (e) => resolve(e.data), { once: true });
      w.addEventListener('error', () => reject(new Error('block worker failed')), { once: true });
      w.postMessage({ block, cell });
    });
    deepEqual(r, {
      before: 'ERR_MODMAP_MODULE_NOT_LOADED', after: 'cell 7', instanceOf: true, isModule: true,
      url: here('/fixtures/browser/block-struct.mjs'),
    });
  });

  it('a worker started inside a worker gets the import map, the shim and the heap too', async () => {
    const p = new Point(5, 0);
    const r = await agent('/fixtures/browser/nested-worker.mjs')({ p });
    deepEqual(r, { inner: { len2: 169, instanceOf: true }, sameObject: true, y: 12, outerLen2: 169, outerInstanceOf: true });
    equal(p.y, 12, 'the inner worker wrote the page\'s struct');
  });

  it('identity survives round trips: Module objects and structs come back as the same objects', async () => {
    const { block } = await load('/fixtures/browser/block-struct.mjs');
    const p = new Point(1, 1);
    const ask = agent();
    const r1 = await ask({ echo: block });
    const r2 = await ask({ echo: [p, new Map([[p, block]])] });
    equal(r1.echo, block, 'the same Module object');
    equal(r1.text, String(block));
    equal(r2.echo[0], p, 'the same struct object');
    equal(r2.echo[1].get(p), block);
  });

  it('structuredClone gives back the same struct and Module, and clones what is around them', async () => {
    const { block } = await load('/fixtures/browser/block-struct.mjs');
    const p = new Point(1, 2);
    const around = { p, list: [block], n: 1 };
    const copy = structuredClone(around);
    ok(copy !== around && copy.list !== around.list, 'containers are copies');
    equal(copy.p, p);
    equal(copy.list[0], block);
  });

  it('MessagePort and BroadcastChannel carry shared values too', async () => {
    const p = new Point(2, 3);
    const { port1, port2 } = new MessageChannel();
    const viaPort = new Promise((resolve) => { port2.onmessage = (e) => resolve(e.data); });
    port1.postMessage({ p });
    equal((await viaPort).p, p);
    const a = new BroadcastChannel('modmap-test');
    const b = new BroadcastChannel('modmap-test');
    const viaChannel = new Promise((resolve) => { b.onmessage = (e) => resolve(e.data); });
    a.postMessage([p]);
    equal((await viaChannel)[0], p);
    a.close(); b.close(); port1.close(); port2.close();
  });

  it('messages posted at once reach an entry that awaits them at top level, in order, one task each', async () => {
    const w = new Worker(here('/fixtures/browser/tla-worker.mjs'), { type: 'module' });
    workers.push(w);
    const reply = new Promise((resolve, reject) => {
      w.addEventListener('message', (e) => resolve(e.data), { once: true });
      w.addEventListener('error', () => reject(new Error('tla worker failed')), { once: true });
    });
    w.postMessage('one');
    w.postMessage('two');
    deepEqual(await reply, { first: 'one', second: 'two', typeofOnmessage: 'object' });
  });

  it('unkeyed: a struct whose class no module exports fails at postMessage and sends nothing', async () => {
    const { SharedStruct } = await import('/dist/src/index.js');
    class Local extends SharedStruct('a') {}
    const w = new Worker(here('/fixtures/browser/worker.mjs'), { type: 'module' });
    workers.push(w);
    let error;
    try { w.postMessage({ id: -1, value: new Local() }); } catch (e) { error = e; }
    equal(error?.code, 'ERR_MODMAP_UNKEYED_STRUCT');
    ok(error.message.includes('Local'));
    const next = await new Promise((resolve) => {
      w.addEventListener('message', (e) => resolve(e.data), { once: true });
      w.postMessage({ id: 1, value: new Point(0, 1), importFirst: pointUrl });
    });
    equal(next.id, 1, 'the next message is the first one the worker sees');
    equal(next.call.value, 1);
  });

  it('no forging: a registry entry without the shim token is refused', () => {
    let name = 'accepted';
    try { globalThis[Symbol.for('modmap')].exports(pointUrl, 'forged', { Point: class {} }); } catch (e) { name = e.name; }
    ok(name !== 'accepted', 'refused');
  });

  it('layout mismatch under one key throws ERR_MODMAP_LAYOUT_MISMATCH, and data is never misread', async () => {
    const url = here('/__modmap/shape.mjs');
    const { Shape } = await importShim(url);
    const s = new Shape();
    s.w = 6;
    s.h = 7;
    // the worker's load of the same URL gets another layout (see web-test-runner.config.mjs)
    const r = await agent('/fixtures/browser/mismatch-worker.mjs')({ s, url });
    equal(r.call.code, 'ERR_MODMAP_LAYOUT_MISMATCH');
    equal(r.call.name, 'TypeError');
    match(r.call.message, /\(h, w, depth\)/);
    match(r.call.message, /\(w, h\)/);
    deepEqual([r.w, r.h, r.json], [6, 7, '{"w":6,"h":7}']);
  });
});
