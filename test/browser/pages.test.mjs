// Pages @web/test-runner cannot set up: run by test/browser/run.mjs with node:test, driving Chromium directly.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, startServer } from './harness.mjs';
import { testImportMap } from './importmap.mjs';

const browser = await launch();
after(() => browser.close());

async function run(serverOptions) {
  const server = await startServer(serverOptions);
  const page = await browser.newPage();
  const console = [];
  page.on('console', (m) => console.push(m.text()));
  page.on('pageerror', (e) => console.push(`pageerror: ${e.message}`));
  try {
    await page.goto(`${server.origin}/fixtures/browser/page.html`);
    await page.waitForFunction(() => globalThis.modmapResult !== undefined, { timeout: 20000 });
    return { result: await page.evaluate(() => globalThis.modmapResult), console };
  } catch (error) {
    throw new Error(`${error.message}\nbrowser console:\n${console.join('\n')}`);
  } finally {
    await page.close();
    await server.close();
  }
}

test('without cross-origin isolation: module expressions and workers work, structs throw ERR_MODMAP_NO_SHARED_MEMORY naming COOP and COEP', async () => {
  const { result } = await run({ isolated: false });
  assert.equal(result.error, undefined);
  assert.equal(result.isolated, false);
  assert.equal(result.block, 42);
  assert.equal(result.worker.isModule, true);
  assert.equal(result.structs.code, 'ERR_MODMAP_NO_SHARED_MEMORY');
  assert.match(result.structs.message, /Cross-Origin-Opener-Policy/);
  assert.match(result.structs.message, /Cross-Origin-Embedder-Policy/);
});

test('under a strict CSP without unsafe-eval or unsafe-inline: blocks, a block worker and structs across it work', async () => {
  const { result, console } = await run({ isolated: true, csp: true });
  assert.equal(result.error, undefined, console.join('\n'));
  assert.equal(result.isolated, true);
  assert.equal(result.block, 42);
  assert.deepEqual(result.worker, { isModule: true, len2: 25, instanceOf: true });
  assert.deepEqual(result.violations, []);
  assert.ok(!console.some((line) => /Content Security Policy|Refused/.test(line)), console.join('\n'));
});

test('an import map without es-module-shims: loading the shim throws ERR_MODMAP_NOT_INSTALLED saying how to fix it', async () => {
  const map = testImportMap();
  delete map.imports['es-module-shims'];
  const server = await startServer({ importMap: map });
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e?.message ?? e)));
  try {
    await page.goto(`${server.origin}/fixtures/browser/page.html`);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(await page.evaluate(() => globalThis.modmapResult), undefined, 'the app did not run untransformed');
    assert.ok(errors.some((m) => /es-module-shims/.test(m) && /modmap importmap/.test(m)), errors.join('\n'));
  } finally {
    await page.close();
    await server.close();
  }
});
