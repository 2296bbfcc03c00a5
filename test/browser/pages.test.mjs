// Pages @web/test-runner cannot set up: run by test/browser/run.mjs with node:test, driving Chromium directly.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, serviceWorkerCsp, startServer } from './harness.mjs';
import { root, testImportMap } from './importmap.mjs';

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
  assert.equal(result.loader, 'es-module-shims', 'no Service-Worker-Allowed header: the default scope is refused');
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
  assert.equal(result.loader, 'es-module-shims');
  assert.ok(console.some((line) => line.includes('could not start the Service Worker')), console.join('\n'));
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

// ---- Under modmap's Service Worker (fixtures/browser/sw/: its worker is a one-line module in that folder) ----

/** Load fixtures/browser/sw/<file> in a new browser context (a first visit), then `visits - 1` times again. */
async function visits(serverOptions, file, count, inspect = async () => {}) {
  const server = await startServer(serverOptions);
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  const console = [];
  page.on('console', (m) => console.push(m.text()));
  page.on('pageerror', (e) => console.push(`pageerror: ${e.message}`));
  const results = [];
  try {
    for (let i = 0; i < count; i++) {
      const responses = [];
      const onResponse = (r) => responses.push(r);
      page.on('response', onResponse);
      await page.goto(`${server.origin}/fixtures/browser/sw/${file}`);
      await page.waitForFunction(() => globalThis.modmapResult !== undefined, { timeout: 20000 });
      page.off('response', onResponse);
      const result = await page.evaluate(() => globalThis.modmapResult);
      results.push({ result, responses, controlledAtStart: i > 0 });
      await inspect(page, result, responses, i);
    }
    return { results, console };
  } catch (error) {
    throw new Error(`${error.message}\nbrowser console:\n${console.join('\n')}`);
  } finally {
    await context.close();
    await server.close();
  }
}

const expectedApp = { isolated: true, block: 42, worker: { isModule: true, len2: 25, instanceOf: true }, text: 'h\u00e9llo \u2713 plain' };

test('first visit: the shim has the Service Worker claim the page before the app loads; later visits are controlled from their navigation', async () => {
  const { results, console } = await visits({}, 'page.html', 2);
  for (const [i, { result, responses }] of results.entries()) {
    assert.equal(result.error, undefined, console.join('\n'));
    assert.equal(result.loader, 'service-worker', `visit ${i + 1}`);
    assert.equal(result.controlled, true, `visit ${i + 1}`);
    for (const [key, value] of Object.entries(expectedApp)) assert.deepEqual(result[key], value, `visit ${i + 1}: ${key}`);
    const app = responses.find((r) => r.url().endsWith('/fixtures/browser/page-app.mjs'));
    assert.equal(app?.fromServiceWorker(), true, `visit ${i + 1}: the app entry came through the Service Worker`);
    assert.ok(!responses.some((r) => r.frame() !== null && r.url().startsWith('blob:')), 'no blob: modules in the page');
  }
});

test('a plain type="module" app entry: transformed on a visit controlled from its navigation', async () => {
  const server = await startServer({});
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  const console = [];
  page.on('console', (m) => console.push(m.text()));
  page.on('pageerror', (e) => console.push(`pageerror: ${e.message}`));
  try {
    // The first visit registers the worker (through the module-shim page); plain.html is then a returning visit.
    await page.goto(`${server.origin}/fixtures/browser/sw/page.html`);
    await page.waitForFunction(() => globalThis.modmapResult !== undefined, { timeout: 20000 });
    await page.goto(`${server.origin}/fixtures/browser/sw/plain.html`);
    await page.waitForFunction(() => globalThis.modmapResult !== undefined, { timeout: 20000 });
    const result = await page.evaluate(() => globalThis.modmapResult);
    assert.equal(result.error, undefined, console.join('\n'));
    assert.equal(result.loader, 'service-worker');
    for (const [key, value] of Object.entries(expectedApp)) assert.deepEqual(result[key], value, key);
  } catch (error) {
    throw new Error(`${error.message}\nbrowser console:\n${console.join('\n')}`);
  } finally {
    await context.close();
    await server.close();
  }
});

test('pass-through: a module that needs no transform is the server\'s body; transformed ones keep status and headers', async () => {
  let checked = false;
  await visits({ csp: serviceWorkerCsp }, 'page.html', 2, async (page, result, responses, i) => {
    if (i !== 1) return;
    const find = (path) => responses.find((r) => new URL(r.url()).pathname === path);
    const plain = find('/fixtures/browser/passthrough.mjs');
    assert.equal(plain.fromServiceWorker(), true);
    // DevTools reports a text body decoded (without the BOM): compare it with the file decoded the same way. The
    // Service Worker answers with the network's own Response object, so the bytes are the network's.
    const file = readFileSync(`${root}fixtures/browser/passthrough.mjs`, 'utf8').replace(/^\uFEFF/, '');
    assert.equal(await plain.text(), file, 'the server\'s body');
    assert.equal(result.text, 'h\u00e9llo \u2713 plain');
    const app = find('/fixtures/browser/page-app.mjs');
    assert.equal(app.fromServiceWorker(), true);
    const body = (await app.buffer()).toString('utf8');
    assert.notEqual(body, readFileSync(`${root}fixtures/browser/page-app.mjs`, 'utf8'), 'page-app.mjs has blocks: transformed');
    assert.match(body, /globalThis\[Symbol\.for\("modmap"\)\]\.block\(/);
    for (const r of [plain, app]) {
      assert.equal(r.status(), 200);
      const h = r.headers();
      assert.equal(h['cross-origin-embedder-policy'], 'require-corp', r.url());
      assert.equal(h['cross-origin-opener-policy'], 'same-origin', r.url());
      assert.match(h['content-security-policy'], /script-src 'self' 'nonce-/, r.url());
      assert.equal(h['content-type'], 'text/javascript', r.url());
    }
    assert.equal(app.headers()['content-length'], undefined, 'the new body has no stale length');
    checked = true;
  });
  assert.ok(checked);
});

test('strict CSP without blob:, unsafe-eval or wasm-unsafe-eval on the page: every visit works under the Service Worker', async () => {
  const { results, console } = await visits({ csp: serviceWorkerCsp }, 'page.html', 2);
  for (const { result } of results) {
    assert.equal(result.error, undefined, console.join('\n'));
    assert.equal(result.loader, 'service-worker');
    for (const [key, value] of Object.entries(expectedApp)) assert.deepEqual(result[key], value, key);
    assert.deepEqual(result.violations, []);
  }
  assert.ok(!console.some((line) => /Content Security Policy|Refused/.test(line)), console.join('\n'));
});

test('the same policy stops the es-module-shims loader (blob: modules): the Service Worker is what makes it enough', async () => {
  const server = await startServer({ csp: serviceWorkerCsp });
  const page = await browser.newPage();
  const console = [];
  page.on('console', (m) => console.push(m.text()));
  try {
    await page.goto(`${server.origin}/fixtures/browser/sw/off.html`);
    await page.waitForFunction(() => globalThis.modmapResult !== undefined, { timeout: 5000 }).catch(() => {});
    assert.equal(await page.evaluate(() => globalThis.modmapResult?.block), undefined, 'the app did not run');
    assert.ok(console.some((line) => /Content Security Policy/.test(line)), console.join('\n'));
  } finally {
    await page.close();
    await server.close();
  }
});

test('after the Service Worker stopped, it asks the page again and still transforms what the page imports', async () => {
  let checked = false;
  await visits({}, 'page.html', 2, async (page, result, responses, i) => {
    if (i !== 1) return;
    const cdp = await page.createCDPSession();
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    const imported = await page.evaluate(async () => {
      const { block } = await import('/fixtures/browser/block-struct.mjs');
      const { Cell } = await import(globalThis[Symbol.for('modmap')].specifier(block)); // this code is not transformed
      return { isModule: block instanceof Module, cell: typeof Cell };
    });
    assert.deepEqual(imported, { isModule: true, cell: 'function' });
    checked = true;
  });
  assert.ok(checked);
});
