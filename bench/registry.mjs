// The registry's costs, in a child process with modmap installed (as a user runs it):
//   methodCall   = a method call on a struct received from another agent, steady state, ÷ the same method on a
//                  plain class instance, both in the receiving worker (target ≤ 1.5);
//   methodCallFiveTypes = methodCall measured again after the worker has read fields of four more struct types
//                  (a report: with five or more types, Node 20's field accessors go megamorphic, see BENCHMARKS.md);
//   methodCallNode24 = methodCall measured with the registry's Node 24 when it is installed (see .ci/run);
//   methodCallReadOnce = methodCall with a method that reads each field once into a local (both classes); a report:
//                  V8 folds a plain object's repeated field loads, not the repeated checked reads of a struct field;
//   methodCallNative = the anchor's own ratio: V8's native shared structs (`--harmony-struct`, no modmap) received
//                  by a worker, `len2(v)` ÷ the same plain class method call (native structs have no methods; a
//                  report, and null where the flag is missing);
//   firstResolve = microseconds for the first method call on a newly received type, including the field read that
//                  materialises it and resolves its key against the worker's own module (a report, not a ratio).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { node24Path } from './load.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

function child(node, quick) {
  const r = spawnSync(node, ['--import', 'modmap/register', 'bench/registry-child.mjs', String(quick ? 3 : 15)], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`registry bench failed (${node}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/** The native anchor (bench/registry-native.mjs) on `node`, or null with the reason where the flag is missing. */
function native(node, quick) {
  const r = spawnSync(node, ['--harmony-struct', 'bench/registry-native.mjs', String(quick ? 3 : 15)], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) return { ratio: null, reason: r.stderr.trim().split('\n')[0] };
  const m = JSON.parse(r.stdout.trim().split('\n').pop());
  return { ratio: m.ratio, nativeNsPerCall: +m.nativeNs.toFixed(2), plainNsPerCall: +m.plainNs.toFixed(2) };
}

/** Each arm's best ns per call, beside the paired ratios (the figures). */
const ns = (m) => ({ structNsPerCall: +m.structNs.toFixed(2), plainNsPerCall: +m.plainNs.toFixed(2), readOnceNsPerCall: +m.onceNs.toFixed(2), plainReadOnceNsPerCall: +m.plainOnceNs.toFixed(2), fiveTypesNsPerCall: +m.fiveTypesNs.toFixed(2) });

export async function run({ quick = false } = {}) {
  const m = child(process.execPath, quick);
  const nat = native(process.execPath, quick);
  const result = {
    methodCall: m.methodCall,
    methodCallReadOnce: m.readOnce,
    methodCallNative: nat.ratio,
    methodCallFiveTypes: m.fiveTypes,
    firstResolve: m.firstUs,
    details: { node: process.version, ...ns(m), firstCallUs: +m.firstUs.toFixed(1), secondCallUs: +m.secondUs.toFixed(2), native: nat },
  };
  const n24 = node24Path();
  if (Number(process.versions.node.split('.')[0]) < 24 && n24) {
    const o = child(n24, quick);
    result.methodCallNode24 = o.methodCall;
    const nat24 = native(n24, quick);
    result.details.node24 = { ...ns(o), methodCallFiveTypes: +o.fiveTypes.toFixed(3), methodCallReadOnce: +o.readOnce.toFixed(3), native: nat24 };
  }
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await run({ quick: process.argv.includes('--quick') }), null, 2));
}
