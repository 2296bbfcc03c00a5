// The `load` hook, in Node's vocabulary: load(url, context, nextLoad). One core, two shapes: createLoad() for
// `module.register()` (async, hooks thread; Node 20) and createLoadSync() for `module.registerHooks()` (sync, same
// thread; Node 22.15+ and 24+). Only JavaScript ESM goes through the transform; everything else, and every module
// that cannot contain a module expression or a dynamic import, is returned as nextLoad gave it.

import { BLOCK_MARKER, parseBlockUrl } from '../src/identity.js';
import { createRequire } from 'node:module';
import { mayNeedWork, STRUCT_MARKER } from '../src/candidate.js';
import type { HookState } from './state.js';

export interface LoadResult {
  format?: string | null | undefined;
  source?: string | ArrayBuffer | ArrayBufferView | null | undefined;
  shortCircuit?: boolean;
  [key: string]: unknown;
}
export interface LoadContext {
  format?: string | null | undefined;
  conditions?: readonly string[];
  importAttributes?: Record<string, string>;
  [key: string]: unknown;
}
type NextLoadAsync = (url: string, context?: LoadContext) => Promise<LoadResult>;
type NextLoadSync = (url: string, context?: LoadContext) => LoadResult;

const decoder = new TextDecoder();

function sourceText(source: LoadResult['source']): string | null {
  if (source == null) return null;
  if (typeof source === 'string') return source;
  if (source instanceof ArrayBuffer) return decoder.decode(source);
  return decoder.decode(source as ArrayBufferView);
}

function asBuffer(source: LoadResult['source']): Buffer | null {
  if (source == null || typeof source === 'string') return null;
  if (Buffer.isBuffer(source)) return source;
  if (source instanceof ArrayBuffer) return Buffer.from(source);
  return Buffer.from(source.buffer, source.byteOffset, source.byteLength);
}

// The scanner and transform are most of the register bundle; they load when a file first passes the byte test
// (synchronously with require() of an ES module on the in-thread hooks, which exist only where that works; with
// import() in Node 20's async hooks thread), so a run whose files need nothing never parses them.
type Transform = typeof import('../src/transform.js');
let transform: Transform | undefined;
const transformUrl = (state: HookState): string => new URL('src/transform.js', state.ownRoot).href;

/**
 * Most files leave here: may this load result need the transform or the registry's code? modmap's own built files
 * never do (none has a module expression, and none takes a Module in a dynamic import), and passing them through
 * also keeps loading the transform itself out of this hook. `true` means it may; otherwise the file passes through,
 * and the answer is its bytes read as latin1 where they were read, or `false`.
 */
function check(state: HookState, url: string, result: LoadResult): boolean | string {
  if (result.format !== 'module' && result.format !== 'module-typescript') return false;
  if (url.startsWith(state.ownRoot)) return false;
  // One native regular-expression search over the bytes read as latin1 (no UTF-8 decoding). Node's default load
  // gives a Buffer; other byte sources are viewed as one first.
  const source = result.source;
  const bytes = Buffer.isBuffer(source) ? source : asBuffer(source);
  if (bytes === null) return true;
  const latin1 = latin1Of(bytes);
  return mayNeedWork(latin1) || url.includes(BLOCK_MARKER) || latin1;
}

// Buffer#toString('latin1') looks the encoding up on every call; its latin1Slice (on Buffer.prototype since Node's
// first releases, though undocumented) is what it ends in.
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice?: (start: number, end: number) => string }).latin1Slice;
const latin1Of = typeof latin1Slice === 'function'
  ? (bytes: Buffer): string => latin1Slice.call(bytes, 0, bytes.length)
  : (bytes: Buffer): string => bytes.toString('latin1');

/** The transformed code for a load result that check() passed (`true`), or null when it passes through unchanged. */
function transformResult(state: HookState, t: Transform, url: string, result: LoadResult): string | null {
  const text = sourceText(result.source);
  if (text === null) return null;
  let code = transformCode(state, t, url, text);
  // The registry: a module that may define struct types joins with the loader's token for its URL.
  if (state.tokenFor !== undefined && code.includes(STRUCT_MARKER)) {
    code = t.addRegistration(code, url, state.tokenFor(url));
  }
  return code === text ? null : code;
}

/** The module-expression transform alone; returns `text` itself when nothing changes. */
function transformCode(state: HookState, t: Transform, url: string, text: string): string {
  const block = parseBlockUrl(url);
  if (block === null) {
    return t.mayNeedTransform(text) ? t.transformModule(text, { url, validate: state.validate }) : text;
  }
  // A block module: nextLoad read the enclosing file (the query names no other file). Reuse its scan.
  let cached = state.scans.get(block.base);
  if (cached === undefined || cached.source !== text) {
    cached = { source: text, result: t.scanOrThrow(text, block.base) };
    state.scans.set(block.base, cached);
  }
  return t.transformBlock(text, block.base, block.path, cached.result);
}

function withSource(result: LoadResult, code: string): LoadResult {
  return { __proto__: null, ...result, source: code } as LoadResult;
}

export function createLoad(state: HookState) {
  return async function load(url: string, context: LoadContext, nextLoad: NextLoadAsync): Promise<LoadResult> {
    const result = await nextLoad(url, context);
    if (check(state, url, result) !== true) return result;
    transform ??= (await import(transformUrl(state))) as Transform;
    const code = transformResult(state, transform, url, result);
    return code === null ? result : withSource(result, code);
  };
}

export function createLoadSync(state: HookState) {
  // Where the bytes are ASCII (nearly every module), the latin1 text the test made is exactly the text UTF-8 decoding
  // gives, so a module that passes through carries it to Node, which then skips decoding the bytes again. That makes
  // this hook cost about what a no-op hook does (bench/load.mjs). A UTF-8 byte order mark is not ASCII: such a file
  // keeps its bytes, and Node's own decoding.
  const isAscii = (process.getBuiltinModule?.('node:buffer') as typeof import('node:buffer') | undefined)?.isAscii;
  return function load(url: string, context: LoadContext, nextLoad: NextLoadSync): LoadResult {
    const result = nextLoad(url, context);
    if (url === 'node:worker_threads') state.onWorkerThreads?.();
    const verdict = check(state, url, result);
    if (verdict !== true) {
      // The same text in another form, so the result is updated in place (a copy with a null prototype costs more).
      if (typeof verdict === 'string' && result.format === 'module' && Buffer.isBuffer(result.source) &&
          isAscii?.(result.source) === true) result.source = verdict;
      return result;
    }
    transform ??= createRequire(transformUrl(state))('./transform.js') as Transform;
    const code = transformResult(state, transform, url, result);
    return code === null ? result : withSource(result, code);
  };
}
