// Soak (issue 7), bounded: 4 workers churn shared allocations (structs, strings, bigints, doubles, SharedArrays and
// cycles) with at most 10,000 live structs at any time. Every value checks itself when it is replaced and again at
// the end; the shared heap must stay within 64 MB (used, and mapped: the buffer never grows past its initial
// 64 MiB). The long run is `npm run soak` (bench/soak.mjs, 10 million allocations).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSoak } from '../../bench/soak.mjs';

test('soak: 4 workers, ≤ 10,000 live structs, about 1.2 million allocations; heap ≤ 64 MB, every value intact', { timeout: 60_000 }, async () => {
  const r = await runSoak({ workers: 4, allocations: 1_200_000, liveStructs: 10_000 });
  assert.ok(r.allocations >= 1_200_000, `allocations: ${r.allocations}`);
  assert.ok(r.liveStructsAtEnd <= 10_000, `live structs: ${r.liveStructsAtEnd}`);
  assert.ok(r.liveStructsAtEnd > 5_000, `the live set was populated: ${r.liveStructsAtEnd}`);
  assert.equal(r.badInWorkers, 0, `corrupt values seen by the workers (of ${r.checkedInWorkers} checks)`);
  assert.ok(r.checkedInWorkers > 100_000, `replaced values were checked: ${r.checkedInWorkers}`);
  assert.equal(r.badAtEnd, 0, 'corrupt values at the end');
  assert.ok(r.collections >= 1, 'memory was reclaimed while the workers ran');
  assert.ok(r.peakUsedBytes <= 64 * 1024 * 1024, `peak used ${r.peakUsedBytes} bytes`);
  assert.ok(r.peakBufferBytes <= 64 * 1024 * 1024, `peak mapped ${r.peakBufferBytes} bytes`);
});
