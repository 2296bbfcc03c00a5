// A small static server and a Chromium launcher for what @web/test-runner cannot set up per page: a page without
// cross-origin isolation, a page under a strict Content-Security-Policy, and the shim benchmark (bench/shim.mjs).
// The server serves the repository root; HTML pages get the repository's import map in place of the comment
// <!--modmap:importmap-->, with the page's CSP nonce when there is one.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { randomBytes } from 'node:crypto';
import puppeteer from 'puppeteer-core';
import { root, testImportMap } from './importmap.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json',
  '.map': 'application/json', '.cjs': 'text/javascript',
};

/**
 * @param {object} options
 * @param {boolean} [options.isolated] send COOP same-origin and COEP require-corp on every response
 * @param {boolean | ((nonce: string, pathname: string) => string)} [options.csp] send a strict Content-Security-Policy
 *   (no unsafe-eval, no unsafe-inline): true for strictCsp, or a function giving the policy of each response
 * @param {Record<string, string>} [options.mounts] URL prefix -> folder, served besides the repository root
 * @param {object} [options.importMap] the import map to inline (default: the test import map)
 * @param {string} [options.serviceWorkerAllowed] the Service-Worker-Allowed header of modmap's sw.js (a scope above it)
 */
export async function startServer({ isolated = true, csp = false, mounts = {}, importMap = testImportMap(), serviceWorkerAllowed } = {}) {
  const mapJson = JSON.stringify(importMap);
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const nonce = randomBytes(12).toString('base64');
    const headers = { 'Cache-Control': 'no-cache' };
    if (isolated) {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
    }
    if (csp) headers['Content-Security-Policy'] = typeof csp === 'function' ? csp(nonce, url.pathname) : strictCsp(nonce);
    if (serviceWorkerAllowed !== undefined && url.pathname === '/dist/src/browser/sw.js') headers['Service-Worker-Allowed'] = serviceWorkerAllowed;
    let file;
    const mount = Object.keys(mounts).find((p) => url.pathname.startsWith(p));
    if (mount) file = join(mounts[mount], normalize(decodeURIComponent(url.pathname.slice(mount.length))));
    else file = join(root, normalize(decodeURIComponent(url.pathname)));
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      let body = await readFile(file);
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      if (type.startsWith('text/html')) {
        body = body.toString('utf8').replace('<!--modmap:importmap-->',
          `<script type="importmap"${csp ? ` nonce="${nonce}"` : ''}>${mapJson}</script>`);
      }
      res.writeHead(200, { ...headers, 'Content-Type': type });
      res.end(body);
    } catch {
      res.writeHead(404, headers);
      res.end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, close: () => new Promise((resolve) => server.close(resolve)) };
}

/**
 * The CSP a page needs under modmap's Service Worker: no blob: (modules load natively, from their real URLs), no
 * 'wasm-unsafe-eval' (no lexer runs in the page); the nonce is for the inline import map. Module workers still load
 * through es-module-shims, so modmap's worker bootstrap (the worker's own policy comes from its response) is served
 * with strictCsp.
 */
export function serviceWorkerCsp(nonce, pathname) {
  if (pathname === '/dist/src/browser/worker.js') return strictCsp(nonce);
  return `default-src 'self'; script-src 'self' 'nonce-${nonce}'; worker-src 'self'; ` +
    "connect-src 'self'; object-src 'none'; base-uri 'none'";
}

/**
 * The CSP a modmap page needs, and nothing more: no 'unsafe-eval', no 'unsafe-inline'. es-module-shims evaluates
 * the rewritten modules as blob: module scripts (script-src blob:), its lexer (and es-module-lexer) is WebAssembly
 * ('wasm-unsafe-eval'); workers start from modmap's bootstrap, a same-origin URL ('self'), and then also import
 * blob: modules, which their own CSP (this header, on the worker script) allows the same way.
 */
export function strictCsp(nonce) {
  return `default-src 'self'; script-src 'self' 'nonce-${nonce}' blob: 'wasm-unsafe-eval'; worker-src 'self'; ` +
    "connect-src 'self'; object-src 'none'; base-uri 'none'";
}

export function launch() {
  return puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}
