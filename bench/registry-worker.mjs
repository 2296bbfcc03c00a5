import { parentPort } from 'node:worker_threads';
import { PlainVec } from './registry-types.mjs';
import { measureInterleaved as measure } from './interleaved.mjs';

const now = () => Number(process.hrtime.bigint());
let sink = 0;

// Each figure is a median of per-round ratios (bench/interleaved.mjs): this machine's speed can shift by ×1.6
// within one process (the plain anchor alone measured 3.58 and 2.39 ns in one run when arms were timed apart).

function callStruct(vs, n) { let s = 0; for (let i = 0; i < n; i++) s += vs[i & 1023].len2(); return s; }
// The same loop again, compiled only after the agent has read fields of four more struct types.
function callStructLater(vs, n) { let s = 0; for (let i = 0; i < n; i++) s += vs[i & 1023].len2(); return s; }
function callPlain(vs, n) { let s = 0; for (let i = 0; i < n; i++) s += vs[i & 1023].len2(); return s; }
// len2 reading each field once: what the repeated reads of len2 cost (see BENCHMARKS.md, methodCallReadOnce).
function callStructOnce(vs, n) { let s = 0; for (let i = 0; i < n; i++) s += vs[i & 1023].len2Once(); return s; }
function callPlainOnce(vs, n) { let s = 0; for (let i = 0; i < n; i++) s += vs[i & 1023].len2Once(); return s; }

parentPort.once('message', ({ structs, holder, others, rounds }) => {
  // steady state: received structs (resolved against this agent's own Vec) vs plain instances made here
  const plain = structs.map((v) => new PlainVec(v.x, v.y));
  const n = 2_000_000;
  const m = measure([[callStruct, structs], [callPlain, plain], [callStructOnce, structs], [callPlainOnce, plain]], n, rounds);
  sink += m.sink;
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
  sink += later.sink;
  parentPort.postMessage({
    methodCall: m.ratio(0, 1), readOnce: m.ratio(2, 3), fiveTypes: later.ratio(0, 1),
    structNs: m.min[0], plainNs: m.min[1], onceNs: m.min[2], plainOnceNs: m.min[3], fiveTypesNs: later.min[0],
    firstUs, secondUs, sink: sink > 0,
  });
});
