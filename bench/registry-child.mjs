// Runs under `node --import modmap/register` (spawned by bench/registry.mjs).
import { Worker } from 'node:worker_threads';
import { Vec, Holder, Fresh, T1, T2, T3, T4 } from './registry-types.mjs';

const rounds = Number(process.argv[2] ?? 7);
const structs = Array.from({ length: 1024 }, (_, i) => { const v = new Vec(); v.x = i; v.y = i + 1; return v; });
const fresh = new Fresh(); fresh.x = 3; fresh.y = 4;
const holder = new Holder(); holder.item = fresh; // Fresh's type reaches the worker only through this field
const others = [T1, T2, T3, T4].map((T, i) => { const o = new T(); o.a = i; return o; });
const w = new Worker(new URL('./registry-worker.mjs', import.meta.url));
// The worker imports the types module before the message arrives (static import), as real workers do.
const r = await new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); w.postMessage({ structs, holder, others, rounds }); });
await w.terminate();
console.log(JSON.stringify(r));
