// PURE. The transform that the Node loader and the browser shim both apply to JavaScript module source.
//
// - `module { … }` becomes `globalThis[Symbol.for("modmap")].block(<file url>, <ordinal path>, <source text>)`,
//   padded with the block's own line terminators so that no line of the file moves, and so that code after the
//   block on its last line keeps its column.
// - `import(x)` becomes `import(globalThis[Symbol.for("modmap")].specifier(x))` unless `x` is one string literal,
//   so that a Module received from elsewhere imports as its block. Nothing else changes: a file with neither comes
//   back as the very same string.
// - A block is loaded as its own module (see identity.ts for its URL). Its code is the block body, prefixed with
//   line terminators and spaces so that every line and column matches the enclosing file, and with
//   `import.meta.url` set to the enclosing file's URL, as the proposal says.

import { scan, ScanError, type Block, type DynamicImport, type ScanResult } from './scanner.js';
import { codes, withContext, type ModmapError } from './errors.js';
import { mayNeedTransform } from './candidate.js';

// The cheap per-file tests live in candidate.ts, so that the Node loader can run them without loading the rest.
export { mayNeedTransform, mayNeedWork, STRUCT_MARKER } from './candidate.js';

/** The expression that names the runtime in transformed code (see module-expression.ts, RUNTIME_KEY). */
export const RUNTIME_EXPR = 'globalThis[Symbol.for("modmap")]';

/**
 * Parses a block's module code and throws on a syntax error. The error should carry `loc: { line, column }`
 * (1-based line, 0-based column, as acorn's do) or `lineNumber`/`column`. modmap passes acorn's `parse` in Node; the
 * transform itself does not import a parser, so that files without blocks never load one.
 */
export type BlockValidator = (code: string) => void;

export interface TransformOptions {
  /** Canonical URL of the file: the module map's key for it. */
  readonly url: string;
  /** Validates block bodies; without it, a malformed body is reported only when the block is imported. */
  readonly validate?: BlockValidator;
}

/** Transform a whole module file. Returns `src` itself (the same string) when nothing needs to change. */
export function transformModule(src: string, options: TransformOptions): string {
  if (!mayNeedTransform(src)) return src;
  const result = scanOrThrow(src, options.url);
  const imports = result.imports.filter((d) => d.owner === null && !d.literal && d.argEnd !== -1);
  if (result.blocks.length === 0 && imports.length === 0) return src;
  if (options.validate !== undefined) {
    for (const block of result.allBlocks) validateBlock(src, result, block, options.url, options.validate);
  }
  return emit(src, 0, src.length, result.blocks, imports, options.url);
}

/**
 * The module code of the block at `path` in the file `src` whose canonical URL is `url`.
 * Throws ERR_MODMAP_BLOCK_NOT_FOUND when the file has no such block.
 */
export function transformBlock(src: string, url: string, path: string, scanned?: ScanResult): string {
  const result = scanned ?? scanOrThrow(src, url);
  const block = result.allBlocks.find((b) => b.path === path);
  if (block === undefined) throw withContext(codes.ERR_MODMAP_BLOCK_NOT_FOUND(path, url), { url, path });
  const padding = paddingBefore(src, block.open + 1);
  const prefix = `import.meta.url=${JSON.stringify(url)};`;
  // When the body starts on the file's first line, the prefix can hide in the padding's spaces if they are wide enough.
  const head = padding.startsWith(' '.repeat(prefix.length)) ? prefix + padding.slice(prefix.length) : prefix + padding;
  return head + blockBody(src, result, block, url);
}

/**
 * Let a module join the module-map keyed registry: a call at its start that hands the registry the module's own
 * namespace (with the loader's token for `url`), and a hoisted self-import on a new last line that provides it.
 * No existing line moves; only the first line's columns shift (after a hashbang, the second's).
 */
export function addRegistration(src: string, url: string, token: string): string {
  const call = `${RUNTIME_EXPR}.exports(${JSON.stringify(url)},${JSON.stringify(token)},__modmap_ns);`;
  const self = `\nimport * as __modmap_ns from ${JSON.stringify(url)};\n`;
  let at = 0;
  if (src.startsWith('#!')) {
    const m = /\r\n|[\n\r\u2028\u2029]/.exec(src);
    at = m === null ? src.length : m.index + m[0].length;
    if (m === null) return `${src}\n${call}${self}`;
  }
  return src.slice(0, at) + call + src.slice(at) + self;
}

/** Scan, turning a ScanError into ERR_MODMAP_SYNTAX at the original file, line and column. */
export function scanOrThrow(src: string, url: string): ScanResult {
  try {
    return scan(src);
  } catch (error) {
    if (error instanceof ScanError) {
      const { line, column } = lineColumn(src, error.index);
      throw syntaxError(error.message, url, line, column);
    }
    throw error;
  }
}

function blockBody(src: string, result: ScanResult, block: Block, url: string): string {
  const imports = result.imports.filter((d) => d.owner === block && !d.literal && d.argEnd !== -1);
  return emit(src, block.open + 1, block.close, block.children, imports, url);
}

function validateBlock(src: string, result: ScanResult, block: Block, url: string, validate: BlockValidator): void {
  const code = paddingBefore(src, block.open + 1) + blockBody(src, result, block, url);
  try {
    validate(code);
  } catch (error) {
    const e = error as { message?: unknown; loc?: { line: number; column: number }; lineNumber?: number; column?: number };
    const line = e.loc?.line ?? e.lineNumber;
    const column = e.loc?.column ?? e.column;
    if (typeof line !== 'number' || typeof column !== 'number') throw error;
    const what = String(e.message ?? 'invalid syntax').replace(/ \(\d+:\d+\)$/, '');
    throw syntaxError(`invalid module block body: ${what}`, url, line, column + 1);
  }
}

function syntaxError(what: string, url: string, line: number, column: number): ModmapError {
  const error = withContext(codes.ERR_MODMAP_SYNTAX(what, url, line, column), { url, line, column });
  // The frames inside modmap say nothing useful; point the stack at the source, as the engine's own errors do.
  Object.defineProperty(error, 'stack', {
    value: `${error.name}: ${error.message}\n    at ${url}:${line}:${column}`,
    writable: true, configurable: true, enumerable: false,
  });
  return error;
}

type Edit = { at: number; block: Block | null; text: string };

/** Copy src[from, to), replacing the given child blocks and wrapping the given import arguments. */
function emit(src: string, from: number, to: number, blocks: readonly Block[], imports: readonly DynamicImport[], url: string): string {
  if (blocks.length === 0 && imports.length === 0) return src.slice(from, to);
  const edits: Edit[] = [];
  for (const b of blocks) edits.push({ at: b.start, block: b, text: '' });
  for (const d of imports) {
    edits.push({ at: d.argStart, block: null, text: `${RUNTIME_EXPR}.specifier(` });
    edits.push({ at: d.argEnd, block: null, text: ')' });
  }
  // Stable by position; at one position an insertion made before a block starts goes first (`import(module{…})`).
  edits.sort((a, b) => a.at - b.at || (a.block === null ? -1 : 0) - (b.block === null ? -1 : 0));
  let out = '';
  let cursor = from;
  for (const edit of edits) {
    if (edit.at < cursor) continue; // inside a replaced block: that block's own module handles it
    out += src.slice(cursor, edit.at);
    if (edit.block === null) {
      out += edit.text;
      cursor = edit.at;
    } else {
      out += blockCall(src, edit.block, url);
      cursor = edit.block.close + 1;
    }
  }
  return out + src.slice(cursor, to);
}

function blockCall(src: string, block: Block, url: string): string {
  const text = src.slice(block.start, block.close + 1);
  const literal = JSON.stringify(text).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  const head = `${RUNTIME_EXPR}.block(${JSON.stringify(url)},"${block.path}",${literal}`;
  let terminators = '';
  let lastLineStart = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) { terminators += text[i]; lastLineStart = i + 1; }
  }
  if (lastLineStart === -1) return `${head})`;
  // put `)` where `}` was, so that code after the block keeps its column
  return `${head}${terminators}${' '.repeat(text.length - lastLineStart - 1)})`;
}

/** Line terminators of src[0, end), then spaces up to end's column: same lines and columns, no code. */
function paddingBefore(src: string, end: number): string {
  let out = '';
  let lineStart = 0;
  for (let i = 0; i < end; i++) {
    const c = src.charCodeAt(i);
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) { out += src[i]; lineStart = i + 1; }
  }
  return out + ' '.repeat(end - lineStart);
}

/** 1-based line and column of a UTF-16 offset, counting `\r\n` as one line terminator. */
export function lineColumn(src: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < index; i++) {
    const c = src.charCodeAt(i);
    if (c === 10 || c === 0x2028 || c === 0x2029 || (c === 13 && src.charCodeAt(i + 1) !== 10)) { line++; lineStart = i + 1; }
  }
  return { line, column: index - lineStart + 1 };
}
