// The browser shim's core, shared by the page entry (shim.ts) and the worker bootstrap (worker.ts). It installs the
// runtime, the registry's tokens and the transport, then one of two module loaders, both applying the same
// transformer (transformer.ts: the Node loader's transforms):
//
// - 'service-worker' (a page that modmap's Service Worker controls, see sw.ts): the browser's own module loader
//   loads everything, with the page's native import map; the Service Worker hands this page each module response
//   that may need a transform and answers with the result. Real URLs, no blob: modules, no es-module-shims.
// - 'es-module-shims' (the first, uncontrolled visit; where Service Workers are unavailable; every module worker):
//   es-module-shims in shim mode fetches each module, lexes it, rewrites its imports to blob: URLs of the rewritten
//   dependencies, and keeps a registry keyed by the resolved URL, honouring import maps; modmap adds one `source`
//   hook. modmap's own files are `skip`ped: they load natively, so the shim and the app share one copy.
// Canonical identities are the resolved URLs (import map applied), never blob: URLs, because the transform writes
// the URL it was given into the code; so both loaders, and Node, give every module the same id.

import { installRuntime } from '../module-expression.js';
import { installTokenVerifier } from '../registry.js';
import { parseBlockUrl } from '../identity.js';
import { __heapForWorker } from '../structs/index.js';
import { installBrowserTransport } from './transport.js';
import { createTransformer } from './transformer.js';
import type { Transformer } from './transformer.js';
import { defineImportShim, runModuleShimScripts, serveServiceWorker } from './sw-client.js';

export interface ImportMap {
  imports?: Record<string, string>;
  scopes?: Record<string, Record<string, string>>;
  integrity?: Record<string, string>;
}

/** What an agent's shim needs. The page computes it; each worker receives it in its init message. */
export interface ShimConfig {
  /** The page's import map, with every address made absolute. */
  readonly importMap: ImportMap;
  /** Absolute URL of es-module-shims. */
  readonly esmsUrl: string;
  /** Absolute URL of acorn's ESM build, to validate block bodies; loaded only when a file has a block. */
  readonly acornUrl: string | undefined;
  /** Absolute URL of es-module-lexer, to list the exports of modules that join the registry. */
  readonly lexerUrl: string | undefined;
}

/** URL prefix of modmap's own built files (dist/): loaded natively, never transformed or registered. */
export const OWN_ROOT = new URL('../../', import.meta.url).href;
const BOOTSTRAP_URL = new URL('./worker.js', import.meta.url).href;

/** How this agent loads its modules (see the top of this file). */
export type Loader = 'service-worker' | 'es-module-shims';

let current: Promise<void> | undefined;
let config: ShimConfig | undefined;

/** The configuration this agent was installed with (used to start workers), or undefined before installShim. */
export function shimConfig(): ShimConfig | undefined {
  return config;
}

/**
 * Install the shim in this agent: runtime, registry tokens, transport, and the module loader. Everything up to the
 * loader happens synchronously, within this call, so that it is in place before any app module can run.
 */
export function installShim(cfg: ShimConfig, loader: Loader = 'es-module-shims'): Promise<void> {
  if (current !== undefined) return current;
  config = cfg;
  current = install(cfg, loader);
  return current;
}

function randomToken(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

async function install(cfg: ShimConfig, loader: Loader): Promise<void> {
  installRuntime();
  // The registry's tokens: random per module URL and per agent, kept in this closure. Only code that this hook
  // transformed carries them, so no other code can join a module's struct key.
  const tokens = new Map<string, string>();
  const tokenFor = (url: string): string => {
    let t = tokens.get(url);
    if (t === undefined) tokens.set(url, (t = randomToken()));
    return t;
  };
  installTokenVerifier((url, token) => tokens.get(url) === token);
  installBrowserTransport({
    bootstrapUrl: BOOTSTRAP_URL,
    workerInit: (entry) => ({ importMap: cfg.importMap, esmsUrl: cfg.esmsUrl, acornUrl: cfg.acornUrl, lexerUrl: cfg.lexerUrl, entry, heap: heapForWorker() }),
  });

  if (loader === 'service-worker') {
    const transformer = createTransformer({ acornUrl: cfg.acornUrl, lexerUrl: cfg.lexerUrl, registration: 'self-import', tokenFor });
    // The libraries the shim itself loads never need a transform: the Service Worker need not even read them.
    serveServiceWorker(transformer, [cfg.esmsUrl, cfg.acornUrl, cfg.lexerUrl].filter((u): u is string => u !== undefined));
    defineImportShim();
    runModuleShimScripts();
    return;
  }

  const g = globalThis as Record<string, unknown>;
  g.esmsInitOptions = {
    shimMode: true,
    skip: [OWN_ROOT],
    source: createSourceHook(createTransformer({ acornUrl: cfg.acornUrl, lexerUrl: cfg.lexerUrl, registration: 'getters', tokenFor })),
  };
  const hasDocument = typeof document !== 'undefined';
  if (!hasDocument) disableBrokenAnimationFrame();
  if (hasDocument) {
    // es-module-shims reads `importmap-shim` scripts when it starts, before it runs any `module-shim` script.
    const script = document.createElement('script');
    script.type = 'importmap-shim';
    script.textContent = JSON.stringify(cfg.importMap);
    document.head.append(script);
  }
  await import(cfg.esmsUrl);
  const importShim = g.importShim as { addImportMap(map: ImportMap): void } | undefined;
  if (importShim === undefined) throw new Error(`es-module-shims did not start from ${cfg.esmsUrl}`);
  if (!hasDocument) importShim.addImportMap(cfg.importMap);
}

/**
 * In a worker started by a worker, Chromium defines requestAnimationFrame but every call throws NotSupportedError.
 * es-module-shims schedules its blob URL clean-up with it when present, so the error would surface as an uncaught
 * error of the worker. Where it throws, remove it: the global then says what is true (there is none here).
 */
function disableBrokenAnimationFrame(): void {
  const g = globalThis as Record<string, unknown>;
  const raf = g.requestAnimationFrame as ((cb: () => void) => number) | undefined;
  if (typeof raf !== 'function' || typeof g.requestIdleCallback === 'function') return;
  try {
    const id = raf.call(globalThis, () => {});
    (g.cancelAnimationFrame as ((id: number) => void) | undefined)?.call(globalThis, id);
  } catch {
    Object.defineProperty(globalThis, 'requestAnimationFrame', { value: undefined, writable: true, configurable: true });
  }
}

function heapForWorker(): unknown {
  // Module expressions work without shared memory; only structs need it (they throw ERR_MODMAP_NO_SHARED_MEMORY).
  if (typeof SharedArrayBuffer !== 'function') return undefined;
  return __heapForWorker();
}

interface SourceResult {
  url?: string;
  type: string;
  source: unknown;
}
type SourceHook = (url: string, fetchOpts: RequestInit, parent: string) => Promise<SourceResult>;

/** es-module-shims' `source` hook: its default fetch, then the transformer. */
function createSourceHook(transformer: Transformer) {
  return async function source(url: string, fetchOpts: RequestInit, parent: string, defaultHook: SourceHook): Promise<SourceResult> {
    const block = parseBlockUrl(url);
    if (block !== null) {
      // The enclosing file was transformed here before, or the block's URL was made elsewhere (received from
      // another agent): then read the file now.
      const text = transformer.sourceOf(block.base) ?? String((await defaultHook(block.base, fetchOpts, parent)).source);
      return { url, type: 'js', source: await transformer.block(url, block, text) };
    }
    const r = await defaultHook(url, fetchOpts, parent);
    if (r.type !== 'js' || typeof r.source !== 'string') return r;
    const code = await transformer.module(url, r.source);
    return code === r.source ? r : { ...r, source: code };
  };
}
