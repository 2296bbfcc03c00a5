// Timing several loops against each other on a machine whose speed drifts: each round times every arm once, back to
// back, and a ratio is the median over rounds of that round's own ratio (bench/load.mjs does the same with processes).
// measureInterleaved serves bench/registry-worker.mjs and bench/registry-native.mjs (in workers of their own);
// bench/load.mjs uses `median`.

export const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };

/**
 * `arms` are [fn, data] pairs; `fn(data, n)` runs n iterations and returns a number, summed into the result's
 * `sink` so that no loop is dead code. Each arm is warmed up first. Returns each arm's best ns per iteration, and
 * `ratio(a, b)`: the median over rounds of arm a's time ÷ arm b's.
 */
export function measureInterleaved(arms, n, rounds) {
  const now = () => Number(process.hrtime.bigint());
  let sink = 0;
  for (const [fn, data] of arms) for (let i = 0; i < 5; i++) sink += fn(data, n >> 2);
  const ns = arms.map(() => []);
  for (let r = 0; r < rounds; r++) {
    arms.forEach(([fn, data], k) => { const t = now(); sink += fn(data, n); ns[k].push((now() - t) / n); });
  }
  return { min: ns.map((xs) => Math.min(...xs)), ratio: (a, b) => median(ns[a].map((t, i) => t / ns[b][i])), sink };
}
