// The page's side of modmap's Service Worker (sw.ts): where it is, whether it controls this page, registering it,
// and answering its transform requests with this page's transformer.
//
// Configuration, optional, in the page's head (before the shim runs):
//   <meta name="modmap-service-worker" content="url=/modmap-sw.js, scope=/">   (either key may be left out)
//   <meta name="modmap-service-worker" content="off">                          (es-module-shims only)
// Defaults: url = modmap's dist/src/browser/sw.js, scope = the page's directory. A scope above the script's own
// folder needs the response header `Service-Worker-Allowed` on the script, or a one-line module at the app root
// (`import '/node_modules/modmap/dist/src/browser/sw.js';`, which `npx modmap sw` writes) as the url.

import { parseBlockUrl } from '../identity.js';
import { CLAIM, FAILURES, HELLO, NOT_HERE, WHO } from './sw-protocol.js';
import type { Hello, TransformReply, TransformRequest } from './sw-protocol.js';
import type { Transformer } from './transformer.js';

export interface ServiceWorkerOptions {
  /** Absolute URL of the Service Worker script. */
  readonly url: string;
  /** Absolute URL of its scope. */
  readonly scope: string;
}

const META = 'modmap-service-worker';

/** The page's Service Worker configuration, or null when it is off or Service Workers are unavailable here. */
export function serviceWorkerOptions(defaultUrl: string): ServiceWorkerOptions | null {
  if (typeof document === 'undefined' || !('serviceWorker' in navigator)) return null;
  const content = document.querySelector<HTMLMetaElement>(`meta[name="${META}"]`)?.content.trim() ?? '';
  if (content === 'off') return null;
  const fields = new Map<string, string>();
  for (const part of content.split(/[,;]/)) {
    const at = part.indexOf('=');
    if (part.trim() === '') continue;
    if (at === -1) fields.set('url', part.trim());
    else fields.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  const base = document.baseURI;
  return {
    url: new URL(fields.get('url') ?? defaultUrl, base).href,
    scope: new URL(fields.get('scope') ?? './', base).href,
  };
}

/** True when modmap's Service Worker controls this page, so its modules load natively through it. */
export function controlledBy(options: ServiceWorkerOptions | null): boolean {
  return options !== null && navigator.serviceWorker.controller?.scriptURL === options.url;
}

/**
 * Make modmap's Service Worker control this page now, on a first visit: register it (unless another Service Worker
 * owns the scope), wait until it is active, and have it claim this page. True when the page is controlled by it;
 * false, with a console warning that says why, when it cannot be (the page then loads with es-module-shims).
 * Nothing of the app has loaded yet: its entries are `module-shim` scripts, which the shim runs afterwards.
 */
export async function takeControl(options: ServiceWorkerOptions): Promise<boolean> {
  const container = navigator.serviceWorker;
  try {
    const existing = await container.getRegistration(options.scope);
    const other = existing?.active ?? existing?.waiting ?? existing?.installing;
    if (existing?.scope === options.scope && other != null && other.scriptURL !== options.url) {
      console.warn(`modmap: ${options.scope} already has a Service Worker (${other.scriptURL}); modules load with es-module-shims. To use both, import modmap's sw.js at the top of that worker and name it in <meta name="${META}">.`);
      return false;
    }
    const registration = await container.register(options.url, { type: 'module', scope: options.scope });
    if (!location.href.startsWith(registration.scope)) {
      console.warn(`modmap: this page is outside the Service Worker's scope ${registration.scope}; modules load with es-module-shims.`);
      return false;
    }
    const worker = registration.installing ?? registration.waiting ?? registration.active;
    if (worker === null || !(await activated(worker))) throw new Error('the Service Worker did not activate');
    if (controlledBy(options)) return true;
    const changed = new Promise<void>((resolve) => container.addEventListener('controllerchange', () => resolve(), { once: true }));
    await claim(worker);
    if (!controlledBy(options)) await changed;
    return controlledBy(options);
  } catch (error) {
    console.warn(`modmap: could not start the Service Worker ${options.url} for ${options.scope} (${String(error)}); modules load with es-module-shims. A scope above the script's folder needs the header Service-Worker-Allowed on the script, or a script at the app root (npx modmap sw).`);
    return false;
  }
}

function activated(worker: ServiceWorker): Promise<boolean> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (worker.state === 'activated') resolve(true);
      else if (worker.state === 'redundant') resolve(false);
      else return;
      worker.removeEventListener('statechange', check);
    };
    worker.addEventListener('statechange', check);
    check();
  });
}

/** Ask an active modmap Service Worker to control the uncontrolled pages in its scope (clients.claim()). */
export function claim(worker: ServiceWorker): Promise<void> {
  const { port1, port2 } = new MessageChannel();
  const done = new Promise<void>((resolve) => { port1.onmessage = () => { port1.close(); resolve(); }; });
  worker.postMessage({ [CLAIM]: true }, [port2]);
  return done;
}

/** Tell a controlling modmap Service Worker that this page loads its modules itself (es-module-shims). */
export function declineServiceWorker(): void {
  const container = navigator.serviceWorker;
  const decline = (): void => navigator.serviceWorker.controller?.postMessage({ [NOT_HERE]: true });
  container.addEventListener('message', (event) => {
    if (isWho(event.data)) decline();
  });
  container.startMessages();
  decline();
}

function isWho(data: unknown): boolean {
  return typeof data === 'object' && data !== null && WHO in data;
}

/**
 * Serve the controlling Service Worker's transform requests with `transformer`, for as long as the page lives:
 * say hello now, and again whenever the worker asks (after a restart or an update it has no port for this page).
 * `skip`: URLs the worker may pass through without reading. Synchronous, so it is in place before any app module
 * the shim's own module script precedes could need it.
 */
export function serveServiceWorker(transformer: Transformer, skip: readonly string[]): void {
  const failures: unknown[] = [];
  Object.defineProperty(globalThis, Symbol.for(FAILURES), {
    value: Object.freeze({ take: (id: number): unknown => failures[id] }),
    enumerable: false, configurable: false, writable: false,
  });
  const answer = async (request: TransformRequest): Promise<TransformReply> => {
    const block = parseBlockUrl(request.url);
    try {
      const code = block === null ? await transformer.module(request.url, request.text) : await transformer.block(request.url, block, request.text);
      return code === request.text ? { id: request.id, same: true } : { id: request.id, code };
    } catch (error) {
      // The module answers with code that throws this very error, so `import()` rejects with it, as under
      // es-module-shims, where the source hook's error rejects the import.
      failures.push(error);
      return { id: request.id, code: `throw globalThis[Symbol.for(${JSON.stringify(FAILURES)})].take(${failures.length - 1});\n` };
    }
  };
  const hello = (): void => {
    const controller = navigator.serviceWorker.controller;
    if (controller === null) return;
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = async ({ data }: MessageEvent<TransformRequest>) => port1.postMessage(await answer(data));
    const message: Hello = { skip };
    controller.postMessage({ [HELLO]: message }, [port2]);
  };
  const container = navigator.serviceWorker;
  container.addEventListener('message', (event) => {
    if (isWho(event.data)) hello();
  });
  container.addEventListener('controllerchange', hello);
  container.startMessages();
  hello();
}

/**
 * Run the page's `<script type="module-shim">` entries as native module scripts, in document order (dynamically
 * inserted scripts with `async = false` execute in insertion order), and those added later too. Under the Service
 * Worker their modules are transformed in flight. Inline entries run as they are: put module expressions in files.
 */
export function runModuleShimScripts(): void {
  const seen = new WeakSet<Element>();
  const run = (shim: HTMLScriptElement): void => {
    if (seen.has(shim)) return;
    seen.add(shim);
    const script = document.createElement('script');
    script.type = 'module';
    for (const name of ['crossorigin', 'integrity', 'referrerpolicy', 'fetchpriority']) {
      const value = shim.getAttribute(name);
      if (value !== null) script.setAttribute(name, value);
    }
    if (shim.nonce) script.nonce = shim.nonce;
    script.async = shim.hasAttribute('async');
    if (shim.hasAttribute('src')) script.src = shim.src;
    else script.textContent = shim.textContent;
    shim.after(script);
  };
  const selector = 'script[type="module-shim"]';
  document.querySelectorAll<HTMLScriptElement>(selector).forEach(run);
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node instanceof HTMLScriptElement && node.matches(selector)) run(node);
        else if (node instanceof Element) node.querySelectorAll<HTMLScriptElement>(selector).forEach(run);
      }
    }
  }).observe(document, { childList: true, subtree: true });
}

/** `importShim(id, parentUrl?)`, for code written for es-module-shims: under the Service Worker, a native import. */
export function defineImportShim(): void {
  const g = globalThis as Record<string, unknown>;
  if (g.importShim !== undefined) return;
  const importShim = (id: string, parentUrl?: string): Promise<unknown> => {
    const url = /^(\.{0,2}\/|[a-z][a-z0-9+.-]*:)/i.test(id) ? new URL(id, parentUrl ?? document.baseURI).href : id;
    return import(url);
  };
  Object.defineProperty(g, 'importShim', { value: importShim, writable: true, configurable: true, enumerable: false });
}
