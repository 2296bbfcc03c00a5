// The registry's costs, in a child process with modmap installed (as a user runs it):
//   methodCall   = a method call on a struct received from another agent, steady state, ÷ the same method on a
//                  plain class instance, both in the receiving worker (target ≤ 1.5);
//   firstResolve = microseconds for the first method call on a newly received type, including the field read that
//                  materialises it and resolves its key against the worker's own module (a report, not a ratio).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export async function run({ quick = false } = {}) {
  const r = spawnSync(process.execPath, ['--import', 'modmap/register', 'bench/registry-child.mjs', String(quick ? 3 : 9)], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`registry bench failed:\n${r.stderr}`);
  const m = JSON.parse(r.stdout.trim().split('\n').pop());
  return {
    methodCall: m.structNs / m.plainNs,
    firstResolve: m.firstUs,
    details: { structNsPerCall: +m.structNs.toFixed(2), plainNsPerCall: +m.plainNs.toFixed(2), firstCallUs: +m.firstUs.toFixed(1), secondCallUs: +m.secondUs.toFixed(2) },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await run({ quick: process.argv.includes('--quick') }), null, 2));
}
