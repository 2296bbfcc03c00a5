// The native anchor for methodCall: V8's own shared structs (`node --harmony-struct`, no modmap), spawned by
// bench/registry.mjs. Native structs have a null prototype and no methods, so the nearest thing to a method call
// is a function taking the struct: `len2(v)`, on structs made in the main thread and posted to a worker, against
// the same plain class method call as methodCall's anchor, both in the worker. Prints one JSON line.
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { PlainVec } from './plain-vec.mjs';
import { measureInterleaved } from './interleaved.mjs';

if (isMainThread) {
  const rounds = Number(process.argv[2] ?? 7);
  const NativeVec = new globalThis.SharedStructType(['x', 'y']);
  const structs = new globalThis.SharedArray(1024);
  for (let i = 0; i < 1024; i++) { const v = new NativeVec(); v.x = i; v.y = i + 1; structs[i] = v; }
  const w = new Worker(new URL(import.meta.url));
  const r = await new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); w.postMessage({ structs, rounds }); });
  await w.terminate();
  console.log(JSON.stringify(r));
} else {
  const len2 = (v) => v.x * v.x + v.y * v.y;
  function callNative(vs, n) { let s = 0; for (let i = 0; i < n; i++) s += len2(vs[i & 1023]); return s; }
  function callPlain(vs, n) { let s = 0; for (let i = 0; i < n; i++) s += vs[i & 1023].len2(); return s; }
  parentPort.once('message', ({ structs, rounds }) => {
    // A plain JS array of the received structs, as the modmap bench indexes a plain array of handles.
    const vs = Array.from({ length: 1024 }, (_, i) => structs[i]);
    const plain = vs.map((v) => new PlainVec(v.x, v.y));
    const n = 2_000_000;
    const m = measureInterleaved([[callNative, vs], [callPlain, plain]], n, rounds);
    parentPort.postMessage({ ratio: m.ratio(0, 1), nativeNs: m.min[0], plainNs: m.min[1], sink: m.sink > 0 });
  });
}
