// PURE. Canonical identities of module blocks, shared by the Node loader and the browser shim.
// No I/O, no globals, no counters: the same input gives the same id in every agent.
//
// A module block's identity is (canonical URL of the enclosing file, ordinal path). The ordinal path is `0` for the
// first `module {` of a file, `1.0` for the first block nested in the second, in source order (SPEC §1).
// The block is loaded as a module whose URL is the enclosing URL with one extra query parameter, so the module map
// keys it, caches it once per agent, and resolves its relative and bare specifiers against the enclosing file.

/** The query parameter that marks a block module's URL. Prefixed, like every name modmap puts in shared spaces. */
export const BLOCK_PARAM = 'modmap-block';
/** Text that every block URL contains: a URL without it is no block (a cheap test before parseBlockUrl). */
export const BLOCK_MARKER = `${BLOCK_PARAM}=`;

const ORDINAL_PATH = /^(?:0|[1-9]\d*)(?:\.(?:0|[1-9]\d*))*$/;

/** True for a string such as `0`, `3` or `1.0.2`. */
export function isOrdinalPath(path: string): boolean {
  return ORDINAL_PATH.test(path);
}

/**
 * The URL under which the block at `path` of the module at `base` is loaded.
 * @example blockUrl('file:///app/main.mjs', '1.0') === 'file:///app/main.mjs?modmap-block=1.0'
 */
export function blockUrl(base: string, path: string): string {
  const hash = base.indexOf('#');
  const head = hash === -1 ? base : base.slice(0, hash);
  const tail = hash === -1 ? '' : base.slice(hash);
  const sep = head.includes('?') ? '&' : '?';
  return `${head}${sep}${BLOCK_PARAM}=${path}${tail}`;
}

export interface BlockRef {
  /** Canonical URL of the enclosing file. */
  readonly base: string;
  /** Ordinal path of the block inside that file. */
  readonly path: string;
}

/** The inverse of {@link blockUrl}; `null` for a URL that is not a block module's. */
export function parseBlockUrl(url: string): BlockRef | null {
  const marker = url.lastIndexOf(BLOCK_MARKER);
  if (marker < 1) return null;
  const sep = url.charCodeAt(marker - 1);
  if (sep !== 63 /* ? */ && sep !== 38 /* & */) return null;
  const hash = url.indexOf('#', marker);
  const valueEnd = hash === -1 ? url.length : hash;
  const path = url.slice(marker + BLOCK_PARAM.length + 1, valueEnd);
  if (!isOrdinalPath(path)) return null;
  // blockUrl() always appends the parameter last, so dropping it and its separator restores the base.
  const base = url.slice(0, marker - 1) + url.slice(valueEnd);
  return { base, path };
}
