// `npm run bench`: every benchmark, each a ratio against its anchor measured side by side in the same run.
//
//   npm run bench                  human-readable table
//   npm run bench -- --json        one JSON object: { key: number, …, details: {…} }
//   npm run bench -- --quick       fewer rounds (a smoke test, not for BENCHMARKS.md)
//   npm run bench -- --only=load   only the named bench modules (comma separated)
//
// Ratios are modmap ÷ anchor, so lower is better, except throughput ratios (marked ↑), where higher is better.
import { existsSync } from 'node:fs';

const args = process.argv.slice(2);
const json = args.includes('--json');
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice(7).split(',');

// name → [module, { key: [target, direction, what] }]
const suites = {
  scanner: ['./scanner.mjs', { scanVsLexer: [0.5, 'higher', 'scanner throughput ÷ es-module-lexer parse (typescript.js)'] }],
  load: ['./load.mjs', {
    loadVsBare: [1.05, 'lower', '500-module graph, --import modmap/register ÷ bare node (this Node)'],
    loadVsNoopHook: [1.05, 'lower', 'Node 20: ÷ a no-op module.register hook'],
    loadVsBareNode24: [1.05, 'lower', 'the same on Node 24 (registerHooks)'],
  }],
  transport: ['./transport.mjs', { plainMessageOverhead: [1.05, 'lower', 'plain message round trip, modmap ÷ none'] }],
  registry: ['./registry.mjs', {
    methodCall: [1.5, 'lower', 'method call on a received struct ÷ plain class method'],
    methodCallNode24: [1.5, 'lower', 'the same on Node 24'],
    methodCallFiveTypes: [Infinity, 'lower', 'methodCall after the agent read fields of 4 more struct types (report)'],
    methodCallReadOnce: [Infinity, 'lower', 'methodCall with a method reading each field once, both classes (report)'],
    methodCallNative: [Infinity, 'lower', 'V8 native shared structs (--harmony-struct): len2(v) ÷ plain method (report)'],
    firstResolve: [Infinity, 'lower', 'µs for the first method call on a newly received type (report)'],
  }],
  shim: ['./shim.mjs', {
    shimLoad: [1.3, 'lower', '500-module page load, modmap shim ÷ native (Chromium)'],
    shimLoadEsms: [Infinity, 'lower', 'es-module-shims shim mode alone ÷ native (report)'],
  }],
  structs: ['./structs.mjs', {
    fieldRead: [1.3, 'lower', 'field read ÷ plain object'],
    fieldWrite: [1.5, 'lower', 'field write (ints, doubles) ÷ plain object'],
    alloc: [2, 'lower', 'new Point(x, y) ÷ plain object'],
    chase: [2, 'lower', 'walk p.next over 100,000 nodes ÷ plain objects'],
    arrayRead: [Infinity, 'lower', 'SharedArray get(i) of small integers ÷ a plain Array element read (report)'],
    postGraph: [1.2, 'lower', 'post a 100,000-node list ÷ a 1-node list'],
    allocChurn: [3, 'lower', 'steady-state new Point + SharedStruct.release ÷ plain object left to V8 GC (dropped instead: details)'],
  }],
};

const result = {};
const details = {};
for (const [name, [file, keys]] of Object.entries(suites)) {
  if (only && !only.includes(name)) continue;
  const url = new URL(file, import.meta.url);
  if (!existsSync(url)) continue;
  if (!json) process.stderr.write(`running ${name}…\n`);
  const mod = await import(url);
  const r = await mod.run({ quick });
  for (const [k, v] of Object.entries(r)) {
    if (k === 'details') details[name] = v;
    else if (typeof v === 'number') result[k] = v;
    else details[`${name}.${k}`] = v;
  }
  if (!json) {
    for (const [k, [target, dir, what]] of Object.entries(keys)) {
      if (typeof r[k] !== 'number') continue;
      const ok = dir === 'lower' ? r[k] <= target : r[k] >= target;
      console.log(`${k.padEnd(20)} ${r[k].toFixed(3).padStart(8)} ${dir === 'higher' ? '↑' : ' '} target ${dir === 'lower' ? '≤' : '≥'} ${target}  ${ok ? 'met ' : 'MISS'}  ${what}`);
    }
  }
}
result.details = { node: process.version, quick, ...details };
if (json) console.log(JSON.stringify(result));
else console.log(`\ndetails: ${JSON.stringify(result.details, null, 2)}`);
