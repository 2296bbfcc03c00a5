// Shared-struct benchmarks: modmap ÷ plain object, in the same run, side by side, and the same ratios for V8's
// native shared structs (`node --harmony-struct`, measured in a child process; null where the flag is missing).
//
//   node bench/structs.mjs            full run, prints JSON
//   node bench/structs.mjs --quick    fewer rounds
//
// Method: each case is its own function (so V8 gives each its own type feedback), warmed up, then timed for
// several rounds; the minimum time per operation is kept (the least disturbed round). Ratios are
// modmap_ns / plain_ns from the same process.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const NATIVE_CHILD = process.argv.includes('--native-child');

function now() {
  return Number(process.hrtime.bigint());
}

/** Time `fn(iterations)` over `rounds` rounds after `warm` warm-up calls; returns min ns per operation. */
function measure(fn, iterations, rounds, warm = 3) {
  for (let i = 0; i < warm; i++) fn(Math.max(1, iterations >> 2));
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = now();
    fn(iterations);
    const dt = now() - t0;
    if (dt < best) best = dt;
  }
  return best / iterations;
}

let sink = 0;
const N_OBJ = 1024;
const LIST = 100_000;

// ---------------------------------------------------------------------------------------------------------
// Cases, one function per (implementation, case) pair.

function makeCases(kind, make, makeList) {
  const objs = [];
  for (let i = 0; i < N_OBJ; i++) objs.push(make(i, i + 1));
  const head = makeList(LIST);
  const ring = new Array(N_OBJ).fill(null);
  return { kind, objs, head, ring };
}

// Plain objects.
class PlainPoint {
  constructor(x, y) { this.x = x; this.y = y; this.next = undefined; }
}
function plainRead(c, n) {
  const objs = c.objs; let s = 0;
  for (let i = 0; i < n; i++) s += objs[i & 1023].x;
  sink += s;
}
function plainWriteInt(c, n) {
  const objs = c.objs;
  for (let i = 0; i < n; i++) objs[i & 1023].x = i & 0xffff;
}
function plainWriteDouble(c, n) {
  const objs = c.objs;
  for (let i = 0; i < n; i++) objs[i & 1023].x = i + 0.5;
}
function plainAlloc(c, n) {
  const ring = c.ring;
  for (let i = 0; i < n; i++) ring[i & 1023] = new PlainPoint(i, i);
}
function plainChase(c, n) {
  let count = 0;
  for (let r = 0; r < n; r += LIST) for (let p = c.head; p !== undefined; p = p.next) count++;
  sink += count;
}

// Shared structs (modmap or native): the same loop bodies, separate functions.
function sharedRead(c, n) {
  const objs = c.objs; let s = 0;
  for (let i = 0; i < n; i++) s += objs[i & 1023].x;
  sink += s;
}
function sharedWriteInt(c, n) {
  const objs = c.objs;
  for (let i = 0; i < n; i++) objs[i & 1023].x = i & 0xffff;
}
function sharedWriteDouble(c, n) {
  const objs = c.objs;
  for (let i = 0; i < n; i++) objs[i & 1023].x = i + 0.5;
}
function sharedChase(c, n) {
  let count = 0;
  for (let r = 0; r < n; r += LIST) for (let p = c.head; p !== undefined; p = p.next) count++;
  sink += count;
}

function plainList(n) {
  let head;
  for (let i = 0; i < n; i++) { const p = new PlainPoint(i, i); p.next = head; head = p; }
  return head;
}

// Array element reads (a report, arrayRead): a plain Array of small integers against a shared array of the same.
function plainArrayRead(arr, n) {
  let s = 0;
  for (let i = 0; i < n; i++) s += arr[i & 1023];
  sink += s;
}
function modmapArrayRead(arr, n) {
  let s = 0;
  for (let i = 0; i < n; i++) s += arr.get(i & 1023);
  sink += s;
}
function nativeArrayRead(arr, n) {
  let s = 0;
  for (let i = 0; i < n; i++) s += arr[i & 1023];
  sink += s;
}

/** `array`: { make(n), set(a, i, v), read(a, n) } for the shared side of arrayRead (get(i) in modmap, [i] natively). */
function runCases(plain, shared, sharedAlloc, { quick, doubleWrites = true, array }) {
  const rounds = quick ? 5 : 12;
  const ops = quick ? 2_000_000 : 10_000_000;
  const dOps = quick ? 500_000 : 2_000_000;
  const out = {};
  const pair = (name, pf, sf, n) => {
    const p = measure((k) => pf(plain, k), n, rounds);
    const s = measure((k) => sf(shared, k), n, rounds);
    out[name] = { plainNs: p, sharedNs: s, ratio: s / p };
  };
  pair('fieldRead', plainRead, sharedRead, ops);
  pair('fieldWriteInt', plainWriteInt, sharedWriteInt, ops);
  if (doubleWrites) pair('fieldWriteDouble', plainWriteDouble, sharedWriteDouble, dOps);
  pair('alloc', plainAlloc, sharedAlloc, quick ? 300_000 : 1_000_000);
  pair('chase', plainChase, sharedChase, LIST * (quick ? 5 : 20));
  const plainArr = Array.from({ length: 1024 }, (_, i) => i);
  const sharedArr = array.make(1024);
  for (let i = 0; i < 1024; i++) array.set(sharedArr, i, i);
  const arrP = measure((k) => plainArrayRead(plainArr, k), ops, rounds);
  const arrS = measure((k) => array.read(sharedArr, k), ops, rounds);
  out.arrayRead = { plainNs: arrP, sharedNs: arrS, ratio: arrS / arrP };
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Native V8 shared structs, in a child process started with --harmony-struct.

function nativeMain(quick) {
  const NativePoint = new globalThis.SharedStructType(['x', 'y', 'next']);
  const make = (x, y) => { const p = new NativePoint(); p.x = x; p.y = y; return p; };
  const list = (n) => { let head; for (let i = 0; i < n; i++) { const p = new NativePoint(); p.x = i; p.y = i; p.next = head; head = p; } return head; };
  function nativeAlloc(c, n) {
    const ring = c.ring;
    for (let i = 0; i < n; i++) { const p = new NativePoint(); p.x = i; p.y = i; ring[i & 1023] = p; }
  }
  const plain = makeCases('plain', (x, y) => new PlainPoint(x, y), plainList);
  const shared = makeCases('native', make, list);
  // Native structs refuse `undefined`-terminated chase? (`next` starts undefined, so the loop ends.)
  const SA = globalThis.SharedArray;
  const array = { make: (n) => new SA(n), set: (a, i, v) => { a[i] = v; }, read: nativeArrayRead };
  const r = runCases(plain, shared, nativeAlloc, { quick, array });
  process.stdout.write(JSON.stringify(r));
}

function measureNative(quick) {
  const self = fileURLToPath(import.meta.url);
  const probe = spawnSync(process.execPath, ['--harmony-struct', '-e', 'process.stdout.write(typeof SharedStructType)'], { encoding: 'utf8' });
  if (probe.status !== 0 || probe.stdout !== 'function') return { result: null, reason: `--harmony-struct unavailable (${(probe.stderr || probe.stdout).trim().split('\n')[0]})` };
  const child = spawnSync(process.execPath, ['--harmony-struct', self, '--native-child', ...(quick ? ['--quick'] : [])], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (child.status !== 0) return { result: null, reason: `native child failed: ${child.stderr.trim().split('\n').slice(0, 3).join(' ')}` };
  return { result: JSON.parse(child.stdout), reason: null };
}

// ---------------------------------------------------------------------------------------------------------
// postGraph: round trip of a 100,000-node list ÷ a 1-node list through a worker, using the transport hooks.

const WORKER_SOURCE = `
  import { parentPort, workerData } from 'node:worker_threads';
  const S = await import(workerData.url);
  S.__attachHeap(workerData.heap);
  parentPort.on('message', (m) => {
    const holder = S.__decodeShared(m);
    const x = holder.get(0).x; // touch the list head
    parentPort.postMessage(S.__encodeShared(holder));
  });
  parentPort.postMessage('ready');
`;

async function measurePostGraph(S, Point, quick) {
  const url = new URL('../dist/src/structs/index.js', import.meta.url).href;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(WORKER_SOURCE)}`), {
    workerData: { url, heap: S.__heapForWorker() },
  });
  await new Promise((r) => worker.once('message', r));
  const build = (n) => { let head; for (let i = 0; i < n; i++) { const p = new Point(); p.x = i; p.next = head; head = p; } return head; };
  const big = build(LIST);
  const one = build(1);
  // The bench's Point class is not exported from a module loaded through modmap's loader, so it has no struct type
  // key and cannot be a message on its own (ERR_MODMAP_UNKEYED_STRUCT); the head travels in a 1-element SharedArray.
  const holders = new Map();
  const roundTrip = (head) => new Promise((resolve) => {
    let holder = holders.get(head);
    if (holder === undefined) holders.set(head, (holder = new S.SharedArray(head)));
    worker.once('message', (m) => resolve(S.__decodeShared(m).get(0)));
    worker.postMessage(S.__encodeShared(holder));
  });
  const time = async (head, n) => {
    const t0 = now();
    for (let i = 0; i < n; i++) {
      const back = await roundTrip(head);
      if (back !== head) throw new Error('identity lost in the round trip');
    }
    return (now() - t0) / n;
  };
  const n = quick ? 300 : 2000;
  await time(one, 100);
  await time(big, 100);
  let bestOne = Infinity;
  let bestBig = Infinity;
  for (let r = 0; r < (quick ? 3 : 7); r++) {
    // Interleave, so that drift affects both sides alike.
    bestOne = Math.min(bestOne, await time(one, n));
    bestBig = Math.min(bestBig, await time(big, n));
  }
  await worker.terminate();
  return { oneNodeUs: bestOne / 1000, bigListUs: bestBig / 1000, ratio: bestBig / bestOne };
}

// ---------------------------------------------------------------------------------------------------------
// allocChurn: steady-state allocation and release. Each round allocates `perRound` objects into a 1024-slot ring
// (so each one is released 1024 allocations later), then yields to the event loop. Two ways to release:
// - explicit (the `allocChurn` key): SharedStruct.release(old) before its slot is reused; the block never escaped,
//   so it is zeroed and reused by the next new Point at once. This is the "allocation and release cycle".
// - dropped (details.allocChurn.gc): the handle is just dropped; it stops being a root once the engine collected it
//   and its finalizer ran, and the shared collector frees it. The time includes the engine's GC, finalization and
//   the shared collector's pauses.
// Measured as the total over all timed rounds (not the best round), after warm-up rounds; the plain side runs the
// same loop with plain objects left to V8's GC.

async function measureChurn(alloc, ring, perRound, rounds, warm) {
  const tick = () => new Promise((r) => setImmediate(r));
  for (let r = 0; r < warm; r++) { alloc(ring, perRound); await tick(); }
  const t0 = now();
  for (let r = 0; r < rounds; r++) { alloc(ring, perRound); await tick(); }
  return (now() - t0) / (perRound * rounds);
}
function plainChurn(ring, n) {
  for (let i = 0; i < n; i++) ring[i & 1023] = new PlainPoint(i, i);
}

// ---------------------------------------------------------------------------------------------------------

/**
 * defineClass: defining a struct class with eight fields, ÷ defining a plain class with eight accessor properties
 * (a getter and a setter closure each), medians of 41 definitions after a warm-up. Struct classes get their fields'
 * own accessors later, once the fields are in use (core.ts "Tiers"); this row keeps the definition itself cheap.
 */
function measureDefine(S) {
  const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
  const plainDefine = () => {
    class Base {}
    const store = new Map();
    for (const n of names) Object.defineProperty(Base.prototype, n, { get() { return store.get(n); }, set(v) { store.set(n, v); }, enumerable: true, configurable: true });
    return class extends Base {};
  };
  const structDefine = () => class extends S.SharedStruct(...names) {};
  const median = (f) => {
    for (let i = 0; i < 5; i++) f();
    const ts = [];
    for (let i = 0; i < 41; i++) { const t = now(); f(); ts.push(now() - t); }
    return ts.sort((x, y) => x - y)[20] / 1000;
  };
  const plainUs = median(plainDefine);
  const structUs = median(structDefine);
  return { plainUs, structUs, ratio: structUs / plainUs };
}

export async function run({ quick = false } = {}) {
  const S = await import('../dist/src/structs/index.js');
  class Point extends S.SharedStruct('x', 'y', 'next') {
    constructor(x, y) { super(); this.x = x; this.y = y; }
  }
  function modmapAlloc(c, n) {
    const ring = c.ring;
    for (let i = 0; i < n; i++) ring[i & 1023] = new Point(i, i);
  }
  const list = (n) => { let head; for (let i = 0; i < n; i++) { const p = new Point(i, i); p.next = head; head = p; } return head; };
  const plain = makeCases('plain', (x, y) => new PlainPoint(x, y), plainList);
  const shared = makeCases('modmap', (x, y) => new Point(x, y), list);
  const array = { make: (n) => new S.SharedArray(n), set: (a, i, v) => a.set(i, v), read: modmapArrayRead };
  const mine = runCases(plain, shared, modmapAlloc, { quick, array });
  // allocChurn (see measureChurn).
  function modmapChurn(ring, n) {
    for (let i = 0; i < n; i++) ring[i & 1023] = new Point(i, i);
  }
  const release = S.SharedStruct.release;
  function modmapReleaseChurn(ring, n) {
    for (let i = 0; i < n; i++) {
      const k = i & 1023;
      const old = ring[k];
      if (old !== null) release(old);
      ring[k] = new Point(i, i);
    }
  }
  const churnRounds = quick ? 10 : 40;
  const logBefore = S.__internals.collectLog();
  const usedBefore = S.__internals.heapStats().usedBytes;
  const plainChurnNs = await measureChurn(plainChurn, new Array(1024).fill(null), 100_000, churnRounds, 5);
  const sharedChurnNs = await measureChurn(modmapChurn, new Array(1024).fill(null), 100_000, churnRounds, 5);
  const logAfter = S.__internals.collectLog();
  const usedAfterGc = S.__internals.heapStats().usedBytes;
  const releaseChurnNs = await measureChurn(modmapReleaseChurn, new Array(1024).fill(null), 100_000, churnRounds, 5);
  const logAfterRelease = S.__internals.collectLog();
  const churn = {
    plainNs: plainChurnNs,
    sharedNs: releaseChurnNs,
    ratio: releaseChurnNs / plainChurnNs,
    allocations: 100_000 * (churnRounds + 5),
    collections: logAfterRelease.count - logAfter.count,
    heapUsedAfter: S.__internals.heapStats().usedBytes,
    gc: {
      note: 'handles dropped, not released: reclaimed by the engine GC, finalizers and the shared collector',
      sharedNs: sharedChurnNs,
      ratio: sharedChurnNs / plainChurnNs,
      collections: logAfter.count - logBefore.count,
      pauseMsTotal: logAfter.pauseMs - logBefore.pauseMs,
      maxPauseMs: logAfter.maxPauseMs,
      heapUsedBefore: usedBefore,
      heapUsedAfter: usedAfterGc,
    },
  };
  const post = await measurePostGraph(S, Point, quick);
  const define = measureDefine(S);
  const native = measureNative(quick);
  const ratios = (r) => r && {
    fieldRead: r.fieldRead.ratio,
    fieldWrite: Math.max(r.fieldWriteInt.ratio, r.fieldWriteDouble.ratio),
    fieldWriteInt: r.fieldWriteInt.ratio,
    fieldWriteDouble: r.fieldWriteDouble.ratio,
    alloc: r.alloc.ratio,
    chase: r.chase.ratio,
    arrayRead: r.arrayRead.ratio,
  };
  const m = ratios(mine);
  return {
    fieldRead: m.fieldRead,
    fieldWrite: m.fieldWrite,
    alloc: m.alloc,
    chase: m.chase,
    arrayRead: m.arrayRead,
    postGraph: post.ratio,
    allocChurn: churn.ratio,
    defineClass: define.ratio,
    native: ratios(native.result),
    details: {
      node: process.version,
      quick,
      note: 'ratios are modmap ns/op ÷ plain-object ns/op, min of rounds; fieldWrite is the worse of int and double writes',
      fieldWriteInt: m.fieldWriteInt,
      fieldWriteDouble: m.fieldWriteDouble,
      modmap: mine,
      postGraph: post,
      allocChurn: churn,
      defineClass: define,
      native: native.result,
      nativeSkipped: native.reason,
      heap: S.__internals.heapStats(),
      sink,
    },
  };
}

if (NATIVE_CHILD) {
  nativeMain(process.argv.includes('--quick'));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await run({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
