import { parentPort } from 'node:worker_threads';
import { PlainVec } from './registry-types.mjs';

const now = () => Number(process.hrtime.bigint());
let sink = 0;

function callStruct(vs, n) { let s = 0; for (let i = 0; i < n; i++) s += vs[i & 1023].len2(); return s; }
// The same loop again, compiled only after the agent has read fields of four more struct types.
function callStructLater(vs, n) { let s = 0; for (let i = 0; i < n; i++) s += vs[i & 1023].len2(); return s; }
function callPlain(vs, n) { let s = 0; for (let i = 0; i < n; i++) s += vs[i & 1023].len2(); return s; }
// len2 reading each field once: what the repeated reads of len2 cost (see BENCHMARKS.md, methodCallReadOnce).
function callStructOnce(vs, n) { let s = 0; for (let i = 0; i < n; i++) s += vs[i & 1023].len2Once(); return s; }
function callPlainOnce(vs, n) { let s = 0; for (let i = 0; i < n; i++) s += vs[i & 1023].len2Once(); return s; }

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };

/**
 * Time each arm ([fn, data]) once per round, arms back to back, after warming each up. This machine's speed can
 * shift by ×1.6 within one process (the plain anchor alone measured 2.0 and 3.4 ns in one run), so a ratio is
 * the median over rounds of that round's own ratio, as in bench/load.mjs; `min` is each arm's best ns per call.
 */
function measure(arms, n, rounds) {
  for (const [fn, vs] of arms) for (let i = 0; i < 5; i++) sink += fn(vs, n >> 2);
  const ns = arms.map(() => []);
  for (let r = 0; r < rounds; r++) {
    arms.forEach(([fn, vs], k) => { const t = now(); sink += fn(vs, n); ns[k].push((now() - t) / n); });
  }
  return { ns, min: ns.map((xs) => Math.min(...xs)), ratio: (a, b) => median(ns[a].map((t, i) => t / ns[b][i])) };
}

parentPort.once('message', ({ structs, holder, others, rounds }) => {
  // steady state: received structs (resolved against this agent's own Vec) vs plain instances made here
  const plain = structs.map((v) => new PlainVec(v.x, v.y));
  const n = 2_000_000;
  const m = measure([[callStruct, structs], [callPlain, plain], [callStructOnce, structs], [callPlainOnce, plain]], n, rounds);
  // first use of a newly received type: the field read materialises the handle, resolving its key here
  const t0 = now();
  const fresh = holder.item;
  sink += fresh.len2();
  const firstUs = (now() - t0) / 1000;
  const t1 = now();
  sink += holder.item.len2();
  const secondUs = (now() - t1) / 1000;
  // five struct types in this agent: every field accessor has now seen five handle shapes
  for (let i = 0; i < 1000; i++) for (const o of others) sink += o.a;
  const later = measure([[callStructLater, structs], [callPlain, plain]], n, rounds);
  parentPort.postMessage({
    methodCall: m.ratio(0, 1), readOnce: m.ratio(2, 3), fiveTypes: later.ratio(0, 1),
    structNs: m.min[0], plainNs: m.min[1], onceNs: m.min[2], plainOnceNs: m.min[3], fiveTypesNs: later.min[0],
    firstUs, secondUs, sink: sink > 0,
  });
});
