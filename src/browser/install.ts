// The browser shim's core, shared by the page entry (shim.ts) and the worker bootstrap (worker.ts).
//
// Module loading is es-module-shims in shim mode: it fetches each module, lexes it, rewrites its imports to blob:
// URLs of the rewritten dependencies, and keeps a registry keyed by the resolved URL, honouring import maps. modmap
// adds one `source` hook that applies the very transforms the Node loader applies (loader-hooks/load.ts):
//   - a block URL (`<file>?modmap-block=<path>`): transformBlock() of the enclosing file's source;
//   - any other JavaScript module: transformModule() when it may contain a block or a dynamic import;
//   - then addRegistration() with this agent's token when the code mentions SharedStruct.
// modmap's own files are `skip`ped: es-module-shims loads them natively, so the shim and the app share one copy.
// Canonical identities are the resolved URLs es-module-shims keys its registry by (import map applied), never the
// blob: URLs it evaluates, because the transform writes the URL it was given into the code.

import { installRuntime } from '../module-expression.js';
import { installTokenVerifier } from '../registry.js';
import { parseBlockUrl } from '../identity.js';
import { addRegistration, mayNeedTransform, RUNTIME_EXPR, scanOrThrow, STRUCT_MARKER, transformBlock, transformModule } from '../transform.js';
import type { BlockValidator } from '../transform.js';
import type { ScanResult } from '../scanner.js';
import { __heapForWorker } from '../structs/index.js';
import { installBrowserTransport } from './transport.js';

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

interface SourceResult {
  url?: string;
  type: string;
  source: unknown;
}
type SourceHook = (url: string, fetchOpts: RequestInit, parent: string) => Promise<SourceResult>;

/** URL prefix of modmap's own built files (dist/): loaded natively, never transformed or registered. */
export const OWN_ROOT = new URL('../../', import.meta.url).href;
const BOOTSTRAP_URL = new URL('./worker.js', import.meta.url).href;

let current: Promise<void> | undefined;
let config: ShimConfig | undefined;

/** The configuration this agent was installed with (used to start workers), or undefined before installShim. */
export function shimConfig(): ShimConfig | undefined {
  return config;
}

/** Install the shim in this agent: runtime, registry tokens, transport, es-module-shims with modmap's hook. */
export function installShim(cfg: ShimConfig): Promise<void> {
  if (current !== undefined) return current;
  config = cfg;
  current = install(cfg);
  return current;
}

function randomToken(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

async function install(cfg: ShimConfig): Promise<void> {
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

  const g = globalThis as Record<string, unknown>;
  g.esmsInitOptions = {
    shimMode: true,
    skip: [OWN_ROOT],
    source: createSourceHook(cfg, tokenFor),
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

class NeedsParser extends Error {}

function createSourceHook(cfg: ShimConfig, tokenFor: (url: string) => string) {
  let parse: ((code: string, options: object) => unknown) | undefined;
  const validate: BlockValidator = (code) => {
    if (parse === undefined) throw new NeedsParser();
    parse(code, { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: false });
  };
  const loadParser = async (): Promise<void> => {
    if (parse !== undefined) return;
    if (cfg.acornUrl === undefined) {
      throw new TypeError('modmap: a module expression needs acorn to check its body; add "acorn" to the import map (`npx modmap importmap` does)');
    }
    parse = ((await import(cfg.acornUrl)) as { parse: typeof parse }).parse;
  };
  // Sources of files that contain blocks, and their scans, so that importing a block refetches and rescans nothing.
  const withBlocks = new Map<string, { source: string; scan?: ScanResult }>();

  const transformWhole = async (text: string, url: string): Promise<string> => {
    if (!mayNeedTransform(text)) return text;
    try {
      return transformModule(text, { url, validate });
    } catch (error) {
      if (!(error instanceof NeedsParser)) throw error;
      await loadParser();
      return transformModule(text, { url, validate });
    }
  };
  let lexer: Promise<Lexer> | undefined;
  const register = async (code: string, url: string): Promise<string> => {
    if (!code.includes(STRUCT_MARKER)) return code;
    if (cfg.lexerUrl === undefined) {
      throw new TypeError(`modmap: ${url} may define struct types, which needs es-module-lexer; add "es-module-lexer" to the import map (\`npx modmap importmap\` does)`);
    }
    lexer ??= import(cfg.lexerUrl).then(async (m: Lexer) => { await m.init(); return m; });
    return browserRegistration(code, url, tokenFor(url), await lexer);
  };

  return async function source(url: string, fetchOpts: RequestInit, parent: string, defaultHook: SourceHook): Promise<SourceResult> {
    const block = parseBlockUrl(url);
    if (block !== null) {
      let entry = withBlocks.get(block.base);
      if (entry === undefined) {
        // The block's URL was made elsewhere (received from another agent): read its file now.
        const r = await defaultHook(block.base, fetchOpts, parent);
        entry = { source: String(r.source) };
        withBlocks.set(block.base, entry);
      }
      entry.scan ??= scanOrThrow(entry.source, block.base);
      return { url, type: 'js', source: await register(transformBlock(entry.source, block.base, block.path, entry.scan), url) };
    }
    const r = await defaultHook(url, fetchOpts, parent);
    if (r.type !== 'js' || typeof r.source !== 'string') return r;
    const text = r.source;
    let code = await transformWhole(text, url);
    if (code !== text && !withBlocks.has(url)) withBlocks.set(url, { source: text });
    code = await register(code, url);
    return code === text ? r : { ...r, source: code };
  };
}

/** An export as es-module-lexer 3.x lists it (`name`, `localName`); 1.x used `n` and `ln`. */
interface LexedExport {
  readonly name?: string;
  readonly localName?: string | undefined;
  readonly n?: string;
  readonly ln?: string | undefined;
}

// es-module-lexer reports `export default class extends X {}` with the local name "extends": keep only names that
// can be bindings.
const RESERVED = new Set(('await break case catch class const continue debugger default delete do else enum export extends ' +
  'false finally for function if import in instanceof new null return super switch this throw true try typeof var void ' +
  'while with yield let static implements interface package private protected public async').split(' '));
const IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*$/u;
function isBindingName(name: unknown): name is string {
  return typeof name === 'string' && IDENTIFIER.test(name) && !RESERVED.has(name);
}

interface Lexer {
  init(): Promise<void>;
  parse(source: string, name?: string): readonly [unknown, ReadonlyArray<LexedExport>, ...unknown[]];
}

/**
 * addRegistration() (shared with Node) hands the registry the module's own namespace through a self-import. Under
 * es-module-shims a self-import is a cycle, which it serves with a "shell" module whose bindings stay `undefined`
 * until the module's last statement, so the registry would read no classes (and could not tell "not yet" from
 * "none", which it does by the temporal dead zone). So the browser passes, in place of that namespace, an object of
 * getters over the module's own local export bindings, listed by es-module-lexer: reading one is reading the
 * binding itself, TDZ included, exactly what the registry expects of a namespace. The call stays where
 * addRegistration put it; the self-import line is emptied, so no line moves. Exports without a local binding
 * (re-exports, an anonymous `export default class {}`) are not listed: a re-export never changes a key, and an
 * anonymous default class is a known gap in the browser (README).
 */
export function browserRegistration(code: string, url: string, token: string, lexer: Lexer): string {
  const joined = addRegistration(code, url, token);
  const call = `${RUNTIME_EXPR}.exports(${JSON.stringify(url)},${JSON.stringify(token)},__modmap_ns);`;
  const selfImport = `\nimport * as __modmap_ns from ${JSON.stringify(url)};\n`;
  const at = joined.indexOf(call);
  if (at === -1 || !joined.endsWith(selfImport)) {
    throw new Error('modmap shim: addRegistration() changed shape; update src/browser/install.ts');
  }
  const [, exports] = lexer.parse(code, url);
  const getters: string[] = [];
  const named = exports.map((e) => ({ name: e.name ?? e.n, local: e.localName ?? e.ln }));
  for (const { name, local } of named.sort((a, b) => (a.name! < b.name! ? -1 : a.name! > b.name! ? 1 : 0))) {
    if (typeof name !== 'string' || !isBindingName(local)) continue;
    getters.push(`get ${JSON.stringify(name)}(){return ${local}}`);
  }
  const namespace = `{__proto__:null,${getters.join(',')}}`;
  const body = joined.slice(0, joined.length - selfImport.length);
  return `${body.slice(0, at)}${call.replace('__modmap_ns);', `${namespace});`)}${body.slice(at + call.length)}\n\n`;
}
