// Cost of modmap's transport on plain messages (issue 3): the round trip of a message with no modmap value in it,
// between two agents that run modmap, divided by the same round trip between two agents that do not.
//
// Both sides run in the same process, side by side: "host" workers, one started with modmap's register entry
// (and its transport) and two with no modmap at all (the second is a control that shows the run's noise floor),
// each with its own echo worker. The main thread (no modmap)
// asks them in turn, alternating the order, to time a batch of sequential round trips. Per configuration we keep
// every batch's mean round trip and report min and median (the min is the least disturbed by other load; the
// median shows the typical case), and the median of the per-round ratios, which is the headline. Run alone: `node bench/transport.mjs [--quick]` prints JSON.

import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const here = new URL(import.meta.url);
const REGISTER = new URL('../dist/src/node/register.js', import.meta.url).href;
const CODEC = new URL('../dist/src/transport/codec.js', import.meta.url).href;

/** The plain messages measured: a small object (the common case) and a number. */
const MESSAGES = {
  object: () => ({ id: 1, op: 'work', args: [1, 2, 3], meta: { from: 'bench', tags: ['a', 'b'] } }),
  number: () => 42,
};

async function host() {
  if (workerData.modmap && typeof globalThis[Symbol.for('modmap')] !== 'object') {
    throw new Error('bench/transport.mjs: the modmap host did not get the register entry; run `npm run build` first');
  }
  const echo = new Worker(here, { workerData: { role: 'echo' } });
  await once(echo, 'online');
  const roundTrip = () => new Promise((resolve) => echo.once('message', resolve));
  parentPort.on('message', async ({ kind, count, scan }) => {
    if (kind === 'stop') { await echo.terminate(); parentPort.close(); return; }
    if (scan) {
      // CPU time of the send hook alone (the codec's scan), in this agent, for a steadier figure than round trips.
      const { encodeMessage } = await import(CODEC);
      const message = MESSAGES[kind]();
      const n = 200_000;
      const start = process.hrtime.bigint();
      for (let i = 0; i < n; i++) if (encodeMessage(message) !== message) throw new Error('plain message was encoded');
      parentPort.postMessage(Number(process.hrtime.bigint() - start) / n);
      return;
    }
    const message = MESSAGES[kind]();
    const start = process.hrtime.bigint();
    for (let i = 0; i < count; i++) {
      const reply = roundTrip();
      echo.postMessage(message);
      await reply;
    }
    const ns = Number(process.hrtime.bigint() - start);
    parentPort.postMessage(ns / count);
  });
  // Tell main whether this agent's ports really carry modmap's transport, so the figure cannot silently compare
  // two plain configurations.
  const post = (await import('node:worker_threads')).MessagePort.prototype.postMessage;
  parentPort.postMessage({ transport: post[Symbol.for('modmap.transport.installed')] === true });
}

function echo() {
  parentPort.on('message', (m) => parentPort.postMessage(m));
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)] };
};

/** @returns {Promise<{ plainMessageOverhead: number, details: object }>} */
export async function run({ quick = false } = {}) {
  const rounds = quick ? 60 : 300;
  const count = quick ? 150 : 200;
  const start = async (modmap) => {
    const w = new Worker(here, {
      workerData: { role: 'host', modmap },
      execArgv: modmap ? ['--import', REGISTER] : [],
    });
    const [{ transport }] = await once(w, 'message');
    if (transport !== modmap) throw new Error(`bench/transport.mjs: transport installed = ${transport}, expected ${modmap}`);
    return w;
  };
  // A second plain pair is the control: its ratio to the first shows the noise floor of this run.
  const hosts = { plain: await start(false), modmap: await start(true), control: await start(false) };
  const ask = async (w, kind) => { w.postMessage({ kind, count }); return (await once(w, 'message'))[0]; };
  const details = { rounds, roundTripsPerRound: count, unit: 'µs per round trip' };
  const ratios = {};
  const names = Object.keys(hosts);
  for (const kind of Object.keys(MESSAGES)) {
    // Warm every pair up (JIT, ICs) before measuring.
    for (const name of names) await ask(hosts[name], kind);
    const times = { plain: [], modmap: [], control: [] };
    for (let r = 0; r < rounds; r++) {
      // Rotate the order, so that no pair always runs first or last in a round.
      for (let i = 0; i < names.length; i++) {
        const name = names[(r + i) % names.length];
        times[name].push((await ask(hosts[name], kind)) / 1000);
      }
    }
    // Each round's batches ran back to back, so their ratio cancels slow drifts in machine load.
    const paired = (name) => stats(times[name].map((t, i) => t / times.plain[i])).median;
    ratios[kind] = {
      pairedMedian: paired('modmap'),
      min: stats(times.modmap).min / stats(times.plain).min,
      median: stats(times.modmap).median / stats(times.plain).median,
      controlPairedMedian: paired('control'),
    };
    hosts.modmap.postMessage({ kind, scan: true });
    const scanNs = (await once(hosts.modmap, 'message'))[0];
    details[kind] = {
      plain: stats(times.plain), modmap: stats(times.modmap), control: stats(times.control), ratio: ratios[kind],
      // One scan per send, two sends per round trip: what the hook alone adds to the fastest plain round trip.
      scanNsPerSend: scanNs,
      scanShareOfRoundTrip: (2 * scanNs) / (stats(times.plain).min * 1000),
    };
  }
  for (const w of Object.values(hosts)) { w.postMessage({ kind: 'stop' }); await once(w, 'exit'); }
  const round = (x) => Math.round(x * 1000) / 1000;
  return {
    // The headline: the worse of the message kinds, by the median of the paired per-round ratios.
    plainMessageOverhead: round(Math.max(...Object.values(ratios).map((r) => r.pairedMedian))),
    details: JSON.parse(JSON.stringify(details, (k, v) => (typeof v === 'number' ? round(v) : v))),
  };
}

if (!isMainThread) {
  if (workerData?.role === 'host') await host();
  else if (workerData?.role === 'echo') echo();
} else if (process.argv[1] && fileURLToPath(here) === process.argv[1]) {
  console.log(JSON.stringify(await run({ quick: process.argv.includes('--quick') }), null, 2));
}
