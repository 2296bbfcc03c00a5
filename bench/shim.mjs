// shimLoad: page load of a generated 500-module graph (no module expressions, no dynamic import) under the modmap
// shim, divided by native loading of the same graph, in Debian's Chromium. The shim's steady state is measured: a
// returning visitor, whose page modmap's Service Worker controls, so the browser loads every module natively and the
// Service Worker checks each response in flight (src/browser/sw.ts). Beside it, shimLoadEsms: es-module-shims alone
// in shim mode (the loader the shim falls back to) on the same graph, also ÷ native.
//
// Each load is a fresh navigation of one tab; the time is performance.now() when the root module's body runs (from
// the navigation's start). Pages are loaded round-robin (native, modmap, es-module-shims, first visit; each round
// starts one page later) so drift hits all of them; the figures are medians. The server answers every request in full (Cache-Control: no-cache, no
// validators), so every load fetches every module, as a first visit after a deploy would.
//
// details.workerLoad: a module worker that loads the same graph, from `new Worker` to its first message, started by
// a modmap page (its workers load through the es-module-shims bootstrap) ÷ started by a native page.
//
// details.firstVisit: the same modmap page in a new browser context each time (no Service Worker yet: the shim
// registers it and has it claim the page before the app loads), ÷ native. It includes the worker's install and
// activation; a new context also starts with a cold code cache, so this is an upper bound of a first visit's cost.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, startServer } from '../test/browser/harness.mjs';

const MODULES = 500;

function generate(dir) {
  for (let i = 0; i < MODULES; i++) {
    const kids = [2 * i + 1, 2 * i + 2].filter((k) => k < MODULES);
    const lines = kids.map((k) => `import { value as v${k}, label as l${k} } from './m${k}.js';`);
    lines.push(
      `const own = { id: ${i}, tags: ['a', 'b'], weight: ${i % 7} };`,
      `export const label = 'm${i}' + (${kids.map((k) => `l${k}.length`).join(' + ') || 0});`,
      `export function value() { return own.weight${kids.map((k) => ` + v${k}()`).join('')}; }`,
    );
    if (i === 0) lines.push('globalThis.benchDone = performance.now(); globalThis.benchValue = value();');
    writeFileSync(join(dir, `m${i}.js`), `${lines.join('\n')}\n`);
  }
  // controlledAtStart: whether a Service Worker controlled the page from its navigation (a returning visit).
  const page = (head) => '<!doctype html><html><head><meta charset="utf-8">' +
    '<script>globalThis.controlledAtStart = navigator.serviceWorker.controller !== null;</script>' +
    `${head}</head><body></body></html>\n`;
  writeFileSync(join(dir, 'native.html'), page(
    '<!--modmap:importmap--><script type="module" src="/__graph/m0.js"></script>'));
  // The modmap page lives under /__graph/modmap/, the Service Worker's scope (the page's directory, the default),
  // so that it never controls the other pages. The Service Worker script is a one-line module in that folder, as
  // `npx modmap sw` writes it for an app root.
  mkdirSync(join(dir, 'modmap'));
  writeFileSync(join(dir, 'modmap', 'modmap-sw.js'), "import '/dist/src/browser/sw.js';\n");
  writeFileSync(join(dir, 'modmap', 'modmap.html'), page(
    '<meta name="modmap-service-worker" content="url=/__graph/modmap/modmap-sw.js">' +
    '<!--modmap:importmap--><script type="module" src="/dist/src/browser/shim.js"></script>' +
    '<script type="module-shim" src="/__graph/m0.js"></script>'));
  // A module worker of the same graph, started by a page: natively, and by a modmap page (a returning visit), whose
  // module workers load through modmap's es-module-shims bootstrap (Chromium applies no import map in workers).
  writeFileSync(join(dir, 'w.js'), "import { value } from './m0.js';\npostMessage(value());\n");
  writeFileSync(join(dir, 'wmain.js'), [
    'const t0 = performance.now();',
    "const w = new Worker('/__graph/w.js', { type: 'module' });",
    'w.onmessage = (e) => { globalThis.benchValue = e.data; globalThis.benchDone = performance.now() - t0; };',
  ].join('\n'));
  writeFileSync(join(dir, 'worker.html'), page('<script type="module" src="/__graph/wmain.js"></script>'));
  writeFileSync(join(dir, 'modmap', 'worker.html'), page(
    '<meta name="modmap-service-worker" content="url=/__graph/modmap/modmap-sw.js">' +
    '<!--modmap:importmap--><script type="module" src="/dist/src/browser/shim.js"></script>' +
    '<script type="module-shim" src="/__graph/wmain.js"></script>'));
  writeFileSync(join(dir, 'esms.html'), page(
    '<script type="importmap-shim">{}</script>' +
    '<script src="/node_modules/es-module-shims/dist/es-module-shims.js"></script>' +
    '<script type="module-shim" src="/__graph/m0.js"></script>'));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function run({ quick = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'modmap-shim-bench-'));
  generate(dir);
  const server = await startServer({ isolated: true, mounts: { '/__graph/': dir } });
  const browser = await launch();
  const rounds = quick ? 3 : 15;
  const times = { native: [], modmap: [], esms: [], firstVisit: [], workerNative: [], workerModmap: [] };
  const paths = {
    native: 'native.html', modmap: 'modmap/modmap.html', esms: 'esms.html', firstVisit: 'modmap/modmap.html',
    workerNative: 'worker.html', workerModmap: 'modmap/worker.html',
  };
  // What each page must be: whether its navigation went through modmap's Service Worker (a returning visit), and
  // the shim's loader there (a first visit is claimed by the worker the shim registers, so it loads through it too).
  const expect = {
    native: [false], esms: [false], modmap: [true, 'service-worker'], firstVisit: [false, 'service-worker'],
    workerNative: [false], workerModmap: [true, 'service-worker'],
  };
  let expected;
  try {
    const page = await browser.newPage();
    const load = async (name) => {
      const context = name === 'firstVisit' ? await browser.createBrowserContext() : undefined;
      const tab = context === undefined ? page : await context.newPage();
      try {
        await tab.goto(`${server.origin}/__graph/${paths[name]}`);
        await tab.waitForFunction(() => globalThis.benchDone !== undefined, { timeout: 60000 });
        const { done, value, controlled, loader } = await tab.evaluate(async () => ({
          done: globalThis.benchDone,
          value: globalThis.benchValue,
          controlled: globalThis.controlledAtStart,
          loader: document.querySelector('script[src$="shim.js"]') ? (await import('/dist/src/browser/shim.js')).loader : undefined,
        }));
        const [wantControlled, wantLoader] = expect[name];
        if (controlled !== wantControlled || loader !== wantLoader) {
          throw new Error(`bench/shim: ${name} was ${controlled ? '' : 'not '}controlled from its navigation, loader ${loader}; expected ${expect[name]}`);
        }
        // The pages must run the same program: the graph's value is the check.
        if (expected === undefined) expected = value;
        else if (value !== expected) throw new Error(`bench/shim: ${name} computed ${value}, expected ${expected}`);
        return done;
      } finally {
        await context?.close();
      }
    };
    // Warm-up: the browser process and compiled shims; the first modmap load in the main context registers the
    // Service Worker (a first visit), so every later one there is a returning visitor's.
    await load('firstVisit');
    await page.goto(`${server.origin}/__graph/modmap/modmap.html`);
    await page.waitForFunction(() => globalThis.benchDone !== undefined, { timeout: 60000 });
    const names = Object.keys(times);
    for (const name of names) await load(name);
    for (let r = 0; r < rounds; r++) {
      // Each round starts one page later, so that every kind of load follows every other equally often (a first
      // visit's new context winds down in the background), and a short pause lets the previous load settle.
      for (let k = 0; k < names.length; k++) {
        const name = names[(r + k) % names.length];
        times[name].push(await load(name));
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  } finally {
    await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const native = median(times.native);
  const modmap = median(times.modmap);
  const esms = median(times.esms);
  const first = median(times.firstVisit);
  const workerNative = median(times.workerNative);
  const workerModmap = median(times.workerModmap);
  return {
    shimLoad: modmap / native,
    shimLoadEsms: esms / native,
    details: {
      modules: MODULES,
      rounds,
      medianMs: {
        native, modmapServiceWorker: modmap, esModuleShimsShimMode: esms, modmapFirstVisit: first,
        workerNative, workerModmap,
      },
      firstVisit: first / native,
      workerLoad: workerModmap / workerNative,
      note: 'Chromium, fresh navigation per load, every module fetched; ratios are ÷ native loading of the same page; ' +
        'shimLoad is a returning visit (Service Worker in control), firstVisit a new browser context (worker claims the page)',
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await run({ quick: process.argv.includes('--quick') });
  console.log(JSON.stringify(r, null, 2));
}
