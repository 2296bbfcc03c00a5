// Shared structs with methods across a worker pool: the module map is the registry.
import { Worker } from 'node:worker_threads';
import { Task, Ledger } from './graph.mjs';

console.log('\n== shared structs: one graph, four agents, no copies');
const N = 2_000;
let head;
for (let i = N - 1; i >= 0; i--) head = new Task(i, (i % 7) + 1, head);
const ledger = new Ledger();

const POOL = 3;
const workers = Array.from({ length: POOL }, () => new Worker(new URL('./graph-worker.mjs', import.meta.url)));
const started = performance.now();
const replies = await Promise.all(workers.map((w, offset) => new Promise((resolve, reject) => {
  w.once('message', resolve);
  w.once('error', reject);
  w.postMessage({ head, ledger, stride: POOL, offset }); // O(1): handles, not a copy of 2,000 nodes
})));
let expected = 0;
for (let t = head; t !== undefined; t = t.next) expected += t.cost();
console.log(`${POOL} workers walked a ${N}-task shared list and recorded costs under a Mutex in ${(performance.now() - started).toFixed(1)} ms`);
console.log(`ledger: count ${ledger.count} (expected ${N}), total ${ledger.total} (expected ${expected})`);
console.log(`every worker saw its own Task prototype: ${replies.every((r) => r.isTask)}; first task done by thread ${head.doneBy}`);
await Promise.all(workers.map((w) => w.terminate()));

const late = new Worker(new URL('./late-worker.mjs', import.meta.url));
const lines = await new Promise((resolve, reject) => {
  late.once('message', resolve);
  late.once('error', reject);
  late.postMessage({ head, graphUrl: new URL('./graph.mjs', import.meta.url).href });
});
for (const line of lines) console.log(line);
await late.terminate();
