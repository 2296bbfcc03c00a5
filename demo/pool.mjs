// Demo: a module block shipped to a small worker pool.
//
// The main thread sends `module { export default function work(x) { … } }` to N workers. Each worker imports the
// block it receives (once per worker: later jobs reuse its namespace) and posts the result back. The workers
// themselves are started from a module block too (`new Worker(block)`, which goes beyond the proposal).
//
//   node --import modmap/register demo/pool.mjs [--workers 3] [--json]

import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

// The code every pool worker runs: it is its entry module.
const poolWorker = module {
  import { parentPort, threadId } from 'node:worker_threads';

  let imports = 0;
  const seen = new Set();
  parentPort.on('message', async ({ id, task, input }) => {
    try {
      if (!seen.has(task)) { seen.add(task); imports++; } // a Module received twice is the same object
      const { default: work } = await import(task);
      parentPort.postMessage({ id, threadId, output: await work(input), distinctTasks: imports });
    } catch (error) {
      parentPort.postMessage({ id, threadId, error });
    }
  });
};

/** Counts the primes below `limit`: a little CPU work for each job. */
export const countPrimes = module {
  export default function work(limit) {
    const composite = new Uint8Array(limit);
    let count = 0;
    for (let i = 2; i < limit; i++) {
      if (composite[i]) continue;
      count++;
      for (let j = i * i; j < limit; j += i) composite[j] = 1;
    }
    return count;
  }
};

/** A fixed-size pool: each job goes to the worker with the fewest jobs in flight. */
export class Pool {
  #workers = [];
  #pending = new Map();
  #nextId = 0;

  constructor(size) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(poolWorker);
      const slot = { worker, busy: 0 };
      worker.on('message', ({ id, error, ...result }) => {
        const job = this.#pending.get(id);
        this.#pending.delete(id);
        slot.busy--;
        if (error !== undefined) job.reject(error);
        else job.resolve(result);
      });
      worker.on('error', (error) => {
        for (const job of this.#pending.values()) job.reject(error);
        this.#pending.clear();
      });
      this.#workers.push(slot);
    }
  }

  /** Run `task` (a Module whose default export is `work(input)`) on one worker. */
  run(task, input) {
    const slot = this.#workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    slot.busy++;
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, task, input });
    });
  }

  close() {
    return Promise.all(this.#workers.map(({ worker }) => worker.terminate()));
  }
}

/** Run the demo; returns what it printed, as data. */
export async function main({ workers = 3, log = console.log } = {}) {
  const pool = new Pool(workers);
  try {
    const inputs = [100_000, 200_000, 300_000, 400_000, 500_000, 600_000, 700_000, 800_000];
    const started = performance.now();
    const results = await Promise.all(inputs.map((x) => pool.run(countPrimes, x)));
    const ms = performance.now() - started;
    // A second block, written inline at the call site: each call evaluates the same expression, so every worker
    // sees one module however many times it is sent.
    const shout = await Promise.all(['module', 'blocks'].map((word) =>
      pool.run(module { export default (s) => `${s.toUpperCase()}!`; }, word)));

    log(`modmap demo: ${inputs.length} jobs on ${workers} workers, one module block sent with each job\n`);
    log(String(countPrimes).split('\n').map((line) => `  ${line}`).join('\n'), '\n');
    for (const [i, r] of results.entries()) {
      log(`  work(${String(inputs[i]).padStart(7)}) = ${String(r.output).padStart(6)}   on worker thread ${r.threadId}`);
    }
    log(`\n  ${ms.toFixed(0)} ms in all; inline block: ${shout.map((r) => r.output).join(' ')}`);
    const threads = new Set(results.map((r) => r.threadId));
    // Each worker counts the distinct Module objects it received: the same block sent many times is one object.
    const distinct = Math.max(...results.map((r) => r.distinctTasks));
    log(`  ${threads.size} workers took part; a worker that ran several jobs received ${distinct} distinct Module object(s),`);
    log('  so it imported the block once and reused its namespace.');
    return {
      results: results.map((r, i) => ({ input: inputs[i], output: r.output, threadId: r.threadId })),
      shout: shout.map((r) => r.output),
      threads: threads.size,
      distinctModulesPerWorker: distinct,
    };
  } finally {
    await pool.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--workers');
  const workers = at > 0 ? Number(process.argv[at + 1]) : 3;
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(await main({ workers, log: () => {} })));
  } else {
    await main({ workers });
  }
}
