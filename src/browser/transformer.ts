// What the browser shim does to one module's source: the very transforms the Node loader applies
// (loader-hooks/load.ts), from src/transform.ts. One transformer serves both ways modules reach an agent:
//   - es-module-shims' `source` hook (install.ts), on the first, uncontrolled visit, where Service Workers are
//     unavailable, and in every module worker;
//   - modmap's Service Worker (sw.ts), which hands the page each module response that may need a transform
//     (sw-client.ts), so the page's native loader runs the result.
// A block URL (`<file>?modmap-block=<path>`) gets transformBlock() of the enclosing file's source; any other module
// transformModule() when it may contain a block or a dynamic import; then, when the code mentions SharedStruct, the
// registry call with this agent's token for the URL.

import { addRegistration, mayNeedTransform, RUNTIME_EXPR, scanOrThrow, STRUCT_MARKER, transformBlock, transformModule } from '../transform.js';
import type { BlockValidator } from '../transform.js';
import type { BlockRef } from '../identity.js';
import type { ScanResult } from '../scanner.js';

/** How a module hands the registry its namespace (see browserRegistration). */
export type Registration =
  /** Node's own addRegistration(): a self-import, right under a native module loader (Service Worker mode). */
  | 'self-import'
  /** Getters over the module's local exports: es-module-shims serves a self-import as an empty cycle shell. */
  | 'getters';

export interface TransformerOptions {
  /** Absolute URL of acorn's ESM build, to validate block bodies; loaded only when a file has a block. */
  readonly acornUrl: string | undefined;
  /** Absolute URL of es-module-lexer; needed for `getters` registration only. */
  readonly lexerUrl: string | undefined;
  readonly registration: Registration;
  /** This agent's registry token for a module URL. */
  readonly tokenFor: (url: string) => string;
}

export interface Transformer {
  /** The code of a whole module at `url`: `text` itself (the same string) when nothing changes. */
  module(url: string, text: string): Promise<string>;
  /** The code of the block module `url` (= `ref`), from the enclosing file's source `baseText`. */
  block(url: string, ref: BlockRef, baseText: string): Promise<string>;
  /** The source of a file this transformer changed because it has blocks, if it saw one (blocks reuse it). */
  sourceOf(base: string): string | undefined;
}

class NeedsParser extends Error {}

export function createTransformer(options: TransformerOptions): Transformer {
  let parse: ((code: string, parseOptions: object) => unknown) | undefined;
  const validate: BlockValidator = (code) => {
    if (parse === undefined) throw new NeedsParser();
    parse(code, { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: false });
  };
  const loadParser = async (): Promise<void> => {
    if (parse !== undefined) return;
    if (options.acornUrl === undefined) {
      throw new TypeError('modmap: a module expression needs acorn to check its body; add "acorn" to the import map (`npx modmap importmap` does)');
    }
    parse = ((await import(options.acornUrl)) as { parse: typeof parse }).parse;
  };
  // Sources of files that contain blocks, and their scans, so that importing a block rescans nothing (as the Node
  // loader's HookState.scans: valid while the source is the same).
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
    if (options.registration === 'self-import') return addRegistration(code, url, options.tokenFor(url));
    if (options.lexerUrl === undefined) {
      throw new TypeError(`modmap: ${url} may define struct types, which needs es-module-lexer; add "es-module-lexer" to the import map (\`npx modmap importmap\` does)`);
    }
    lexer ??= import(options.lexerUrl).then(async (m: Lexer) => { await m.init(); return m; });
    return browserRegistration(code, url, options.tokenFor(url), await lexer);
  };

  return {
    async module(url, text) {
      let code = await transformWhole(text, url);
      if (code !== text) withBlocks.set(url, { source: text });
      code = await register(code, url);
      return code;
    },
    async block(url, ref, baseText) {
      let entry = withBlocks.get(ref.base);
      if (entry === undefined || entry.source !== baseText) withBlocks.set(ref.base, (entry = { source: baseText }));
      entry.scan ??= scanOrThrow(entry.source, ref.base);
      return register(transformBlock(entry.source, ref.base, ref.path, entry.scan), url);
    },
    sourceOf(base) {
      return withBlocks.get(base)?.source;
    },
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
    throw new Error('modmap shim: addRegistration() changed shape; update src/browser/transformer.ts');
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
