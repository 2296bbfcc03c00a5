// Soak: several workers churn shared allocations for a long time, with a bounded live set (structs, strings, bigints,
// doubles, SharedArrays, and cycles), every value self-checking; the shared heap must stay bounded, and the
// reclamation (src/structs/collect.ts) must never free or reuse anything still live.
//
//   npm run soak                      10,000,000 allocations by 4 workers; prints peak heap and allocation rate
//   node bench/soak.mjs --json        the same, as one JSON object
//   node bench/soak.mjs --allocations=1000000
//
// test/structs/soak.test.mjs runs a shorter soak through runSoak().
//
// One "allocation" is one shared block: a struct, a SharedArray, a string, a bigint or a number box. A record is a
// struct with 2 strings, a double, a bigint and a SharedArray of [string, number, the record itself] (a cycle):
// 7 allocations, 8 when the number needs a box. Every fourth slot holds a pair of records pointing at each other.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

const distUrl = new URL('../dist/src/structs/index.js', import.meta.url).href;

// ---------------------------------------------------------------------------------------------------------------
// Worker side.

const strOf = (id, i) => `${id}:${i}:` + 'é\udc00xyz'.repeat(Math.abs(i) % 23);
const bigOf = (i) => (BigInt(i) << 64n) - 7n;

async function worker() {
  const S = await import(distUrl);
  S.__attachHeap(workerData.heap);
  const { SharedStruct, SharedArray, __internals } = S;
  class Rec extends SharedStruct('id', 'i', 'str', 'dbl', 'big', 'arr', 'peer') {}
  const { id, slotsPayload, allocations, liveStructs } = workerData;
  const slots = S.__decodeShared(slotsPayload).get(0);
  const nslots = slots.length;
  let allocated = 0;
  let bad = 0;
  let seq = 0;
  let peakUsed = 0;
  let peakBuffer = 0;
  let checked = 0;
  const make = (i) => {
    const r = new Rec();
    r.id = id;
    r.i = i;
    r.str = strOf(id, i);
    r.dbl = i + 0.375;
    r.big = bigOf(i);
    r.arr = new SharedArray(strOf(id, -i), i * 1.5, r);
    allocated += (i & 1) === 1 ? 8 : 7;
    return r;
  };
  const check = (r) => {
    if (r === undefined) return;
    const i = r.i;
    const a = r.arr;
    const ok = r.id === id && r.str === strOf(id, i) && r.dbl === i + 0.375 && r.big === bigOf(i) && a.length === 3 &&
      a.get(0) === strOf(id, -i) && a.get(1) === i * 1.5 && a.get(2) === r;
    if (!ok) bad++;
    checked++;
  };
  const tick = () => new Promise((res) => setImmediate(res));
  while (allocated < allocations) {
    for (let k = 0; k < 500; k++) {
      const j = (Math.random() * nslots) | 0;
      const old = slots.get(j);
      if (old !== undefined) {
        check(old);
        if (old.peer !== undefined) { check(old.peer); if (old.peer.peer !== old) bad++; }
      }
      const r = make(seq++);
      if ((j & 3) === 0) {
        const p = make(seq++); // a pair: r ⇄ p, so 2 structs for this slot
        r.peer = p;
        p.peer = r;
      }
      slots.set(j, r);
    }
    const st = __internals.heapStats();
    if (st.usedBytes > peakUsed) peakUsed = st.usedBytes;
    if (st.bufferBytes > peakBuffer) peakBuffer = st.bufferBytes;
    await tick(); // let the engine's finalizers run (dropped handles stop being roots) and idle safepoints answer
  }
  const log = __internals.collectLog();
  parentPort.postMessage({ id, allocated, records: seq, bad, checked, peakUsed, peakBuffer, liveStructs, collections: log.count, pauseMs: log.pauseMs, maxPauseMs: log.maxPauseMs });
}

// ---------------------------------------------------------------------------------------------------------------
// Main side.

/**
 * Run a soak: `workers` workers, `allocations` allocations in all, at most `liveStructs` live structs (slots: each
 * worker has liveStructs / workers / 1.25 slots, a quarter of them holding pairs). Resolves to the figures; checks
 * every slot at the end.
 */
export async function runSoak({ workers = 4, allocations = 10_000_000, liveStructs = 10_000 } = {}) {
  const S = await import(distUrl);
  const { SharedArray, __internals } = S;
  const perWorker = Math.floor(liveStructs / workers);
  const nslots = Math.floor(perWorker / 1.25);
  const slotArrays = [];
  const t0 = performance.now();
  const results = await Promise.all(Array.from({ length: workers }, (_, k) => {
    const slots = new SharedArray(nslots);
    slotArrays.push(slots);
    const heap = S.__heapForWorker();
    const w = new Worker(fileURLToPath(import.meta.url), {
      workerData: { soakWorker: true, heap, id: k + 1, slotsPayload: S.__encodeShared(new SharedArray(slots)), allocations: Math.ceil(allocations / workers), liveStructs: perWorker },
    });
    return new Promise((resolve, reject) => {
      let result;
      w.once('message', (m) => { result = m; });
      w.once('error', reject);
      w.once('exit', (code) => { S.__agentExited(heap); if (result) resolve(result); else reject(new Error(`soak worker exited (${code})`)); });
    });
  }));
  const seconds = (performance.now() - t0) / 1000;
  // Every live record of every worker, checked again from the main thread.
  let bad = 0;
  let live = 0;
  for (const [k, slots] of slotArrays.entries()) {
    const id = k + 1;
    for (let j = 0; j < slots.length; j++) {
      const r = slots.get(j);
      if (r === undefined) continue;
      for (const x of r.peer === undefined ? [r] : [r, r.peer]) {
        live++;
        const i = x.i;
        const ok = x.id === id && x.str === strOf(id, i) && x.dbl === i + 0.375 && x.big === bigOf(i) && x.arr.get(0) === strOf(id, -i) && x.arr.get(1) === i * 1.5 && x.arr.get(2) === x;
        if (!ok) bad++;
      }
    }
  }
  const allocated = results.reduce((n, r) => n + r.allocated, 0);
  const st = __internals.heapStats();
  return {
    workers,
    allocations: allocated,
    records: results.reduce((n, r) => n + r.records, 0),
    seconds,
    allocationsPerSecond: allocated / seconds,
    peakUsedBytes: Math.max(st.usedBytes, ...results.map((r) => r.peakUsed)),
    peakBufferBytes: Math.max(st.bufferBytes, ...results.map((r) => r.peakBuffer)),
    liveStructsAtEnd: live,
    badInWorkers: results.reduce((n, r) => n + r.bad, 0),
    checkedInWorkers: results.reduce((n, r) => n + r.checked, 0),
    badAtEnd: bad,
    collections: results.reduce((n, r) => n + r.collections, 0),
    maxPauseMs: Math.max(...results.map((r) => r.maxPauseMs)),
    meanPauseMs: results.reduce((n, r) => n + r.pauseMs, 0) / Math.max(1, results.reduce((n, r) => n + r.collections, 0)),
    node: process.version,
  };
}

if (!isMainThread && workerData?.soakWorker) {
  await worker();
} else if (isMainThread && process.argv[1] === fileURLToPath(import.meta.url)) {
  const json = process.argv.includes('--json');
  const n = Number(process.argv.find((a) => a.startsWith('--allocations='))?.slice(14) ?? 10_000_000);
  const r = await runSoak({ allocations: n });
  if (json) console.log(JSON.stringify(r));
  else {
    console.log(`soak: ${r.workers} workers, ${r.allocations.toLocaleString('en')} allocations (${r.records.toLocaleString('en')} records) in ${r.seconds.toFixed(1)} s, Node ${r.node}`);
    console.log(`  allocation rate   ${(r.allocationsPerSecond / 1e6).toFixed(2)} M allocations/s (all workers)`);
    console.log(`  peak shared heap  ${(r.peakUsedBytes / 2 ** 20).toFixed(1)} MiB used, ${(r.peakBufferBytes / 2 ** 20).toFixed(0)} MiB mapped`);
    console.log(`  collections       ${r.collections}, mean pause ${r.meanPauseMs.toFixed(1)} ms, max ${r.maxPauseMs.toFixed(1)} ms`);
    console.log(`  live structs at the end ${r.liveStructsAtEnd}; corrupt values: ${r.badInWorkers} of ${r.checkedInWorkers} checks in the workers, ${r.badAtEnd} at the end`);
  }
  if (r.badInWorkers + r.badAtEnd > 0) process.exitCode = 1;
}
