// Every error modmap throws comes from this table. The `code` is stable and is what callers branch on;
// the message may change between versions. Style after Node's lib/internal/errors.js and
// import-meta-resolve's lib/errors.js: one row per code, a message function, and the base class.

type ErrorBase = ErrorConstructor | TypeErrorConstructor | RangeErrorConstructor | SyntaxErrorConstructor;

/** An error thrown by modmap: a built-in error class with a stable `code` and optional context fields. */
export interface ModmapError extends Error {
  readonly code: string;
  [context: string]: unknown;
}

type MessageFn<A extends unknown[]> = (...args: A) => string;

export interface ErrorFactory<A extends unknown[]> {
  (...args: A): ModmapError;
  readonly code: string;
  readonly Base: ErrorBase;
}

function createError<A extends unknown[]>(code: string, message: MessageFn<A>, Base: ErrorBase): ErrorFactory<A> {
  const make = (...args: A): ModmapError => {
    const error = new Base(message(...args)) as Error & { code: string };
    // Not enumerable, like Node's own `code`, so that util.inspect prints `[ERR_X]` once, in the name line.
    Object.defineProperty(error, 'code', { value: code, enumerable: false, configurable: true, writable: true });
    const { name } = error;
    Object.defineProperty(error, 'toString', {
      value(this: Error) { return `${name} [${code}]: ${this.message}`; },
      enumerable: false, configurable: true, writable: true,
    });
    return error as ModmapError;
  };
  return Object.assign(make, { code, Base }) as ErrorFactory<A>;
}

/** Attach machine-readable context (url, line, column, field, ...) to an error and return it. */
export function withContext<E extends ModmapError>(error: E, context: Record<string, unknown>): E {
  for (const key of Object.keys(context)) {
    Object.defineProperty(error, key, { value: context[key], enumerable: true, configurable: true, writable: true });
  }
  return error;
}

export const codes = {
  // ---- module expressions (scanner, loader) ----
  ERR_MODMAP_SYNTAX: createError(
    'ERR_MODMAP_SYNTAX',
    (what: string, url: string, line: number, column: number) => `${what} (${url}:${line}:${column})`,
    SyntaxError,
  ),
  ERR_MODMAP_INVALID_MODULE: createError(
    'ERR_MODMAP_INVALID_MODULE',
    (what: string) => `${what} is not a module block. Pass a value created by a \`module { … }\` expression.`,
    TypeError,
  ),
  ERR_MODMAP_BLOCK_NOT_FOUND: createError(
    'ERR_MODMAP_BLOCK_NOT_FOUND',
    (path: string, url: string) =>
      `${url} has no module block at ordinal path ${path}. The file changed since the block was created, ` +
      'or the URL was written by hand; create the block again from the current source.',
    Error,
  ),
  ERR_MODMAP_NOT_INSTALLED: createError(
    'ERR_MODMAP_NOT_INSTALLED',
    (what: string) =>
      `${what} needs the modmap loader in this agent. Run node with \`--import modmap/register\` ` +
      '(workers inherit it through execArgv), or load the modmap shim in the browser.',
    Error,
  ),
  ERR_MODMAP_DUPLICATE_INSTALL: createError(
    'ERR_MODMAP_DUPLICATE_INSTALL',
    (first: string, second: string) =>
      `Two copies of modmap are loaded in one agent (${first} and ${second}). ` +
      'Deduplicate the package (npm dedupe) so that every module shares one registry.',
    Error,
  ),

  // ---- shared structs ----
  ERR_MODMAP_HEAP_EXHAUSTED: createError(
    'ERR_MODMAP_HEAP_EXHAUSTED',
    (bytes: number, heapBytes: number) =>
      `Cannot allocate ${bytes} bytes of shared memory (the shared heap holds ${heapBytes} bytes and cannot grow). ` +
      'Drop references to shared values you no longer need, or raise the heap limit.',
    RangeError,
  ),
  ERR_MODMAP_NO_SHARED_MEMORY: createError(
    'ERR_MODMAP_NO_SHARED_MEMORY',
    () =>
      'Shared structs need SharedArrayBuffer, which this page may only use when it is cross-origin isolated. ' +
      'Serve the page (and every worker script) with the headers `Cross-Origin-Opener-Policy: same-origin` and ' +
      '`Cross-Origin-Embedder-Policy: require-corp`.',
    TypeError,
  ),
  ERR_MODMAP_NOT_SHAREABLE: createError(
    'ERR_MODMAP_NOT_SHAREABLE',
    (where: string, what: string) =>
      `Cannot store ${what} in ${where}: a shared field holds only undefined, null, booleans, numbers, strings, ` +
      'bigints, shared structs, SharedArray, Mutex or Condition. Convert the value first (e.g. to a string or a struct).',
    TypeError,
  ),
  ERR_MODMAP_INVALID_FIELDS: createError(
    'ERR_MODMAP_INVALID_FIELDS',
    (what: string) => `Invalid shared struct field list: ${what}. Field names must be distinct strings.`,
    TypeError,
  ),
  ERR_MODMAP_NO_SUCH_FIELD: createError(
    'ERR_MODMAP_NO_SUCH_FIELD',
    (field: string, fields: string) => `The shared value has no field ${field}; its fields are (${fields}).`,
    RangeError,
  ),
  ERR_MODMAP_INVALID_LENGTH: createError(
    'ERR_MODMAP_INVALID_LENGTH',
    (what: string) => `Invalid SharedArray length ${what}: pass an integer from 0 to 2^32-2, or several values.`,
    RangeError,
  ),
  ERR_MODMAP_INDEX_OUT_OF_RANGE: createError(
    'ERR_MODMAP_INDEX_OUT_OF_RANGE',
    (index: string, length: number) =>
      `Index ${index} is outside this SharedArray (length ${length}); its length is fixed when it is created.`,
    RangeError,
  ),
  ERR_MODMAP_INVALID_SHARED: createError(
    'ERR_MODMAP_INVALID_SHARED',
    (what: string, expected: string) => `${what} is not ${expected}. Pass a value created by modmap's ${expected}.`,
    TypeError,
  ),
  ERR_MODMAP_IMMUTABLE_LAYOUT: createError(
    'ERR_MODMAP_IMMUTABLE_LAYOUT',
    (what: string) =>
      `${what} is not allowed on a shared value: its layout is fixed when it is created. ` +
      'Fields stay writable; use atomics.* or a Mutex to coordinate writers instead.',
    TypeError,
  ),
  ERR_MODMAP_SELF_DEADLOCK: createError(
    'ERR_MODMAP_SELF_DEADLOCK',
    () =>
      'This agent already holds the mutex; locking it again would block forever. ' +
      'Unlock the existing token first, or use Mutex.lockAsync from another async task.',
    TypeError,
  ),
  ERR_MODMAP_CANNOT_BLOCK: createError(
    'ERR_MODMAP_CANNOT_BLOCK',
    (what: string, async: string) =>
      `${what} would block, and this agent cannot block (Atomics.wait is not allowed here, e.g. a browser main thread). ` +
      `Use ${async} instead.`,
    TypeError,
  ),
  ERR_MODMAP_TOKEN_NOT_LOCKED: createError(
    'ERR_MODMAP_TOKEN_NOT_LOCKED',
    (what: string) => `${what} needs a locked UnlockToken of the mutex; this one is already unlocked.`,
    TypeError,
  ),
  ERR_MODMAP_AGENTS_RUNNING: createError(
    'ERR_MODMAP_AGENTS_RUNNING',
    (count: number) =>
      `Cannot collect shared memory now: ${count} other agent(s) of this heap may still be running (or exited ` +
      'without being reported). Collect when every worker that shares the heap has exited.',
    Error,
  ),
  ERR_MODMAP_RELEASED: createError(
    'ERR_MODMAP_RELEASED',
    (what: string) =>
      `${what} was released with SharedStruct.release() and cannot be used any more. ` +
      'Release a struct only when this agent is done with it, or drop it and let the collector reclaim it.',
    TypeError,
  ),
  ERR_MODMAP_FOREIGN_HEAP: createError(
    'ERR_MODMAP_FOREIGN_HEAP',
    (what: string) =>
      `${what} refers to a different shared heap than the one this agent uses. Attach the worker to its parent's ` +
      'heap (modmap does this for workers it starts) before it creates or receives any shared value.',
    Error,
  ),

  // ---- the module-map keyed registry ----
  ERR_MODMAP_MODULE_NOT_LOADED: createError(
    'ERR_MODMAP_MODULE_NOT_LOADED',
    (url: string, exportName: string) =>
      `The struct type ${exportName} from ${url} has no prototype in this agent, because that module is not loaded here. ` +
      `Import it first (await import(${JSON.stringify(url)})); field reads and writes work meanwhile.`,
    TypeError,
  ),
  ERR_MODMAP_LAYOUT_MISMATCH: createError(
    'ERR_MODMAP_LAYOUT_MISMATCH',
    (key: string, here: string, there: string) =>
      `The struct type ${key} has the fields (${here}) in this agent but (${there}) in another one. ` +
      'The defining module changed between loads; restart every agent on the same source.',
    TypeError,
  ),
  ERR_MODMAP_UNKEYED_STRUCT: createError(
    'ERR_MODMAP_UNKEYED_STRUCT',
    (className: string) =>
      `Cannot send an instance of ${className} to another agent: its class is not exported from any module loaded ` +
      `through modmap, so no other agent can find its prototype. Export ${className} from a module.`,
    TypeError,
  ),
} as const;

export type ErrorCode = keyof typeof codes;
