// `modmap/shim`: one module script (or one import) in a page with an import map installs modmap there.
//
//   <script type="importmap">{ "imports": { "modmap": "…", "es-module-shims": "…", "acorn": "…" } }</script>
//   <script type="module" src="/node_modules/modmap/dist/src/browser/shim.js"></script>
//   <script type="module-shim" src="./app.js"></script>
//
// Under modmap's Service Worker (see sw.ts and sw-client.ts) the browser loads every module natively and the
// Service Worker transforms them in flight; `module-shim` entries run as native module scripts. On a first visit the
// shim registers the Service Worker and has it claim the page before any entry loads. Where that cannot be (no
// Service Workers, a failed registration, `<meta name="modmap-service-worker" content="off">`) es-module-shims
// loads the entries. Either way the page's import map stays a native one, and every module worker gets a copy
// (Chromium applies no import map inside workers). A plain `type="module"` app script works only on a visit that
// is controlled from its start: otherwise it starts loading before any script can see it, untransformed.
// `await ready` (exported) settles once the shim is installed; `loader` (exported) says which loader the page uses.
// Every module of the shim's static graph, in the order they evaluate (a depth-first post-order of the imports
// below them; there are no cycles). Listed here, the browser requests them all as soon as this file is parsed,
// rather than one import level (up to five) at a time: the app's entries start only when the shim has run, so
// this chain is on every page load's critical path. Importing them in their evaluation order changes nothing else:
// each one's own imports have evaluated already when its turn comes. test/browser/shim-graph.test.mjs checks the list.
import '../identity.js';
import '../errors.js';
import '../registry.js';
import '../module-expression.js';
import '../structs/bridge-state.js';
import '../structs/bridge.js';
import '../structs/heap.js';
import '../structs/values.js';
import '../structs/core.js';
import '../structs/struct.js';
import '../structs/array.js';
import '../structs/collect.js';
import '../structs/sync.js';
import '../structs/atomics.js';
import '../structs/transport.js';
import '../structs/internals.js';
import '../structs/index.js';
import '../transport/codec.js';
import '../transport/codecs.js';
import '../transport/module-codec.js';
import '../transport/clone-wrapper.js';
import '../transport/structured-clone.js';
import './transport.js';
import '../scanner.js';
import '../candidate.js';
import '../transform.js';
import './transformer.js';
import './sw-protocol.js';
import './sw-client.js';
import { installShim } from './install.js';
import type { ImportMap, Loader } from './install.js';
import { controlledBy, declineServiceWorker, serviceWorkerOptions, takeControl } from './sw-client.js';
import { codes } from '../errors.js';

/** The page's import maps, merged as the browser does (the first definition of a specifier wins), made absolute. */
function documentImportMap(): ImportMap {
  const merged: Required<ImportMap> = { imports: {}, scopes: {}, integrity: {} };
  const base = document.baseURI;
  const abs = (address: string): string => (/^(\.{0,2}\/)/.test(address) ? new URL(address, base).href : address);
  const addAll = (from: Record<string, string> | undefined, to: Record<string, string>, absKeys: boolean): void => {
    for (const [k, v] of Object.entries(from ?? {})) {
      const key = absKeys ? abs(k) : k;
      if (!(key in to)) to[key] = abs(v);
    }
  };
  for (const script of document.querySelectorAll('script[type=importmap]')) {
    let map: ImportMap;
    try {
      map = JSON.parse(script.textContent ?? '{}') as ImportMap;
    } catch {
      continue; // the browser reports an invalid import map itself
    }
    // URL-like keys ("/x.js", "./x.js") are made absolute too: workers resolve against another base URL.
    addAll(map.imports, merged.imports, true);
    for (const [scope, entries] of Object.entries(map.scopes ?? {})) {
      addAll(entries, (merged.scopes[abs(scope)] ??= {}), true);
    }
    addAll(map.integrity, merged.integrity, true);
  }
  return merged;
}

function resolveOrUndefined(specifier: string): string | undefined {
  try {
    return import.meta.resolve(specifier);
  } catch {
    return undefined;
  }
}

const esmsUrl = resolveOrUndefined('es-module-shims');
if (esmsUrl === undefined) {
  throw codes.ERR_MODMAP_NOT_INSTALLED(
    'The modmap shim (no "es-module-shims" entry in the page\'s import map; `npx modmap importmap` writes one)',
  );
}

const serviceWorker = serviceWorkerOptions(new URL('./sw.js', import.meta.url).href);
const config = {
  importMap: documentImportMap(),
  esmsUrl,
  acornUrl: resolveOrUndefined('acorn'),
  lexerUrl: resolveOrUndefined('es-module-lexer'),
};

/**
 * How this page loads its modules: natively through modmap's Service Worker, or with es-module-shims. Final once
 * `ready` has settled (so for every module that imports this one).
 */
export let loader: Loader = controlledBy(serviceWorker) ? 'service-worker' : 'es-module-shims';

async function firstVisit(): Promise<void> {
  if (serviceWorker !== null && (await takeControl(serviceWorker))) loader = 'service-worker';
  // A page that loads with es-module-shims while another page's claim() may put it under the Service Worker.
  else if ('serviceWorker' in navigator) declineServiceWorker();
  await installShim(config, loader);
}

/** Settles once modmap is installed in this page and `importShim` is defined. */
export const ready: Promise<void> = loader === 'service-worker'
  // Controlled from the start: installed at once, before any plain `type="module"` app script can run.
  ? installShim(config, loader)
  : firstVisit();
await ready;
