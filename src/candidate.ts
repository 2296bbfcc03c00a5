// PURE. The cheap, conservative per-file tests that decide whether a file needs the transform at all. Kept apart from
// transform.ts so that the Node loader's register bundle carries only these lines and loads the scanner and
// transform (most of its size) when a file first passes.

/** The word that makes the loader add registry code to a module (see registry.ts). */
export const STRUCT_MARKER = 'SharedStruct';

/**
 * A cheap, conservative test: false means the source certainly has no module expression and no dynamic import, so
 * it passes through untouched without a full scan. True means "scan it".
 */
export function mayNeedTransform(src: string): boolean {
  return CANDIDATE.test(src);
}

// The candidate test as one regular expression, so that a file is searched once, in native code: `module` followed
// by spaces or tabs and then `{`, and `import` followed by any whitespace and then `(`. A `/` there (a comment may
// sit in between) or any non-ASCII character (an exotic space) also counts: conservative both ways. It needs no
// word boundary either (`xmodule {` is only scanned for nothing). On bytes decoded as latin1, a multi-byte UTF-8
// character reads as characters above 127, so the same expression is just as conservative on undecoded source.
const CANDIDATE_PATTERN = 'module[ \\t]*[{/\\u0080-\\uffff]|import[ \\t\\n\\r]*[(/\\u0080-\\uffff]';
const CANDIDATE = new RegExp(CANDIDATE_PATTERN);

/**
 * The loader's one test per file: may it need the module-expression transform, or does it mention `SharedStruct`
 * (the registry's marker, STRUCT_MARKER)? `latin1` is the file's bytes decoded as latin1 (one character per byte), which
 * costs a copy but no UTF-8 decoding. False means the file passes through untouched.
 */
export function mayNeedWork(latin1: string): boolean {
  return WORK.test(latin1);
}
const WORK = new RegExp(`${CANDIDATE_PATTERN}|${STRUCT_MARKER}`);

