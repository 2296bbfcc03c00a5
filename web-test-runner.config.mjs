// Browser suite: @web/test-runner 0.20 (1.x declares Node >= 22; CI also runs Node 20) with Debian's Chromium.
// Every response carries COOP and COEP, worker scripts included, so pages are crossOriginIsolated and structs work.
// The runner page has the repository's import map (generated like `npx modmap importmap`) and loads the shim with
// one module script before the test framework; tests load fixtures through the shim with importShim().
//
// The same scenarios run twice, once per module loader of the page (src/browser/install.ts), each group in its own
// Chromium (so its own profile: a Service Worker registered by one group never controls the other's pages):
// - `es-module-shims`: the Service Worker is off (<meta name="modmap-service-worker" content="off">), as on a first
//   visit or where Service Workers are unavailable;
// - `service-worker`: modmap's Service Worker for `/` (sw.js is served with Service-Worker-Allowed: /). The first
//   test file's page is a first visit (the shim registers the worker and has it claim the page); later pages are
//   controlled from their navigation, as a returning visitor's. What only a real navigation can show (first and
//   later visits, response bodies and headers, per-response CSP) is in test/browser/pages.test.mjs.
// The test framework loads once the shim is ready, so every test file loads under the page's loader.
import { chromeLauncher } from '@web/test-runner-chrome';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { normalize } from 'node:path';
import { testImportMap } from './test/browser/importmap.mjs';

// The ids Node computes for fixtures/browser/ids.mjs (under modmap/register), served to the browser test that
// compares them with the ids the shim computes for the same file.
const nodeIds = spawnSync(process.execPath, ['--import', 'modmap/register', 'fixtures/browser/ids.mjs'], { encoding: 'utf8' });
if (nodeIds.status !== 0) throw new Error(`fixtures/browser/ids.mjs failed under Node: ${nodeIds.stderr}`);

const importMap = JSON.stringify(testImportMap());

// /__modmap/shape.mjs: one URL (one struct type key) whose layout differs between the page and its workers, as a
// file edited between the page's load and a worker's load. Workers' requests carry the worker's URL as referrer.
const shapeFields = (referrer) => (referrer.includes('/dist/src/browser/worker.js') ? ['h', 'w', 'depth'] : ['w', 'h']);

const chromium = () => chromeLauncher({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  },
});

const SW_URL = '/dist/src/browser/sw.js';

const runnerHtml = (loader) => (testFramework) => `<!doctype html>
<html>
  <head>
    <meta name="modmap-service-worker" content="${loader === 'service-worker' ? `url=${SW_URL}, scope=/` : 'off'}">
    <script type="importmap">${importMap}</script>
    <script type="module">
      globalThis.expectedLoader = '${loader}';
      await (await import('/dist/src/browser/shim.js')).ready;
      await import('${testFramework}');
    </script>
  </head>
  <body></body>
</html>`;

export default {
  rootDir: '.',
  groups: [
    { name: 'es-module-shims', files: ['test/browser/*.test.js'], browsers: [chromium()], testRunnerHtml: runnerHtml('es-module-shims') },
    { name: 'service-worker', files: ['test/browser/*.test.js'], browsers: [chromium()], testRunnerHtml: runnerHtml('service-worker') },
  ],
  nodeResolve: false,
  concurrency: 1,
  testsFinishTimeout: 120000,
  testFramework: { config: { timeout: 20000 } },
  middleware: [
    async function isolation(ctx, next) {
      if (ctx.path === '/__modmap/node-ids.json') {
        ctx.type = 'application/json';
        ctx.body = nodeIds.stdout;
      } else if (ctx.path === '/__modmap/shape.mjs') {
        ctx.type = 'text/javascript';
        ctx.set('Cache-Control', 'no-store');
        ctx.body = `import { SharedStruct } from 'modmap';\nexport class Shape extends SharedStruct(${shapeFields(ctx.get('referer')).map((f) => JSON.stringify(f)).join(', ')}) { area() { return this.w * this.h; } }\n`;
      } else if (ctx.path.startsWith('/fixtures/') && /\.(m?js|cjs)$/.test(ctx.path)) {
        // Fixtures are served byte for byte: the dev server parses JavaScript it serves and answers a file it cannot
        // parse (a fixture with a deliberate syntax error) with an error of its own.
        try {
          ctx.body = await readFile(new URL(`.${normalize(decodeURIComponent(ctx.path))}`, import.meta.url));
          ctx.type = 'text/javascript';
        } catch {
          ctx.status = 404;
        }
      } else {
        await next();
      }
      if (ctx.path === SW_URL) ctx.set('Service-Worker-Allowed', '/');
      ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
      ctx.set('Cross-Origin-Embedder-Policy', 'require-corp');
      if (ctx.path === '/__modmap/shape.mjs') {
        ctx.set('Cache-Control', 'no-store');
        ctx.set('Vary', 'Referer');
        ctx.remove('ETag');
        ctx.remove('Last-Modified');
      }
    },
  ],
};
