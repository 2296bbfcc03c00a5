// shimLoad: page load of a generated 500-module graph (no module expressions, no dynamic import) under the modmap
// shim, divided by native loading of the same graph, in Debian's Chromium. Beside it, shimLoadEsms: es-module-shims
// alone in shim mode (the base the modmap shim builds on) on the same graph, also ÷ native.
//
// Each load is a fresh navigation of one tab; the time is performance.now() when the root module's body runs (from
// the navigation's start). Pages are loaded round-robin (native, modmap, es-module-shims) so drift hits all three;
// the figures are medians. The server answers every request in full (Cache-Control: no-cache, no validators), so
// every load fetches every module, as a first visit after a deploy would.
//
// details.serviceWorkerProbe is not the shim: it is the same graph loaded natively through a pass-through Service
// Worker that reads every module's text and runs modmap's cheap "may need a transform" test on it, ÷ native. It
// measures the design that could meet the target (README notes in src/browser/README.md, "Load cost").
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
  const page = (head) => `<!doctype html><html><head><meta charset="utf-8">${head}</head><body></body></html>\n`;
  writeFileSync(join(dir, 'native.html'), page(
    '<!--modmap:importmap--><script type="module" src="/__graph/m0.js"></script>'));
  writeFileSync(join(dir, 'modmap.html'), page(
    '<!--modmap:importmap--><script type="module" src="/dist/src/browser/shim.js"></script>' +
    '<script type="module-shim" src="/__graph/m0.js"></script>'));
  writeFileSync(join(dir, 'sw.js'), [
    "import { mayNeedTransform } from '/dist/src/transform.js';",
    "self.addEventListener('install', () => self.skipWaiting());",
    "self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));",
    "self.addEventListener('fetch', (e) => {",
    "  if (!new URL(e.request.url).pathname.endsWith('.js')) return;",
    "  e.respondWith(fetch(e.request).then(async (r) => {",
    "    const text = await r.text();",
    "    self.checked = (self.checked ?? 0) + (mayNeedTransform(text) ? 2 : 1);",
    "    return new Response(text, { status: r.status, headers: r.headers });",
    "  }));",
    "});",
  ].join('\n'));
  // The probe's pages live under /__graph/sw/, the SW's scope, so that it never controls the other three pages.
  mkdirSync(join(dir, 'sw'));
  writeFileSync(join(dir, 'sw', 'sw.html'), page(
    '<script type="module">if (!navigator.serviceWorker.controller) {' +
    "await navigator.serviceWorker.register('/__graph/sw.js', { scope: '/__graph/sw/', type: 'module' });" +
    "await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true })); }" +
    "await import('/__graph/m0.js');</script>"));
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
  const times = { native: [], modmap: [], esms: [], sw: [] };
  let expected;
  let warmedUp = false;
  try {
    const page = await browser.newPage();
    const load = async (name) => {
      await page.goto(`${server.origin}/__graph/${name === 'sw' ? 'sw/sw' : name}.html`);
      const controlled = await page.evaluate(() => navigator.serviceWorker.controller !== null);
      if (controlled !== (name === 'sw' && warmedUp)) throw new Error(`bench/shim: ${name}.html is ${controlled ? '' : 'not '}controlled by the probe SW`);
      await page.waitForFunction(() => globalThis.benchDone !== undefined, { timeout: 60000 });
      const { done, value } = await page.evaluate(() => ({ done: globalThis.benchDone, value: globalThis.benchValue }));
      // The three pages must run the same program: the graph's value is the check.
      if (expected === undefined) expected = value;
      else if (value !== expected) throw new Error(`bench/shim: ${name} computed ${value}, expected ${expected}`);
      return done;
    };
    for (const name of Object.keys(times)) await load(name); // warm-up: the browser process, compiled shims, the SW
    warmedUp = true;
    for (let r = 0; r < rounds; r++) {
      for (const name of Object.keys(times)) times[name].push(await load(name));
    }
  } finally {
    await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const native = median(times.native);
  const modmap = median(times.modmap);
  const esms = median(times.esms);
  const sw = median(times.sw);
  return {
    shimLoad: modmap / native,
    shimLoadEsms: esms / native,
    details: {
      modules: MODULES,
      rounds,
      medianMs: { native, modmapShim: modmap, esModuleShimsShimMode: esms, serviceWorkerProbe: sw },
      serviceWorkerProbe: sw / native,
      note: 'Chromium, fresh navigation per load, every module fetched; ratios are ÷ native loading of the same page',
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await run({ quick: process.argv.includes('--quick') });
  console.log(JSON.stringify(r, null, 2));
}
