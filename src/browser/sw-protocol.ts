// The messages between modmap's Service Worker (sw.ts) and the shim in the pages it controls (sw-client.ts).
// Both files come from the same dist/ folder, so they always agree on these names.

/** Page -> Service Worker, with a MessagePort: "modmap is installed here; send me the modules to transform". */
export const HELLO = 'modmap.sw.hello';
/** Page -> Service Worker: "this page loads its modules with es-module-shims; pass its requests through". */
export const NOT_HERE = 'modmap.sw.not-here';
/** Service Worker -> page: "who are you?" (after a restart or an update, the worker has no port for the page). */
export const WHO = 'modmap.sw.who';
/** Page -> Service Worker, with a MessagePort: take control of the pages in scope now (clients.claim()), then reply. */
export const CLAIM = 'modmap.sw.claim';

export interface Hello {
  /** URL prefixes the Service Worker passes through without reading (es-module-shims, acorn, es-module-lexer). */
  readonly skip: readonly string[];
}

/** Service Worker -> page, on the hello port: a module response that may need a transform. */
export interface TransformRequest {
  readonly id: number;
  /** The requested URL: the module map's key, hence the canonical URL the transform writes into the code. */
  readonly url: string;
  /** The response body (a block URL: the enclosing file's body), decoded as UTF-8 as module scripts are. */
  readonly text: string;
}

/** Page -> Service Worker: the code to answer with, or `same` to answer with the original response. */
export type TransformReply = { readonly id: number; readonly code: string } | { readonly id: number; readonly same: true };

/**
 * Where a page keeps the errors of transforms it was asked for (an ERR_MODMAP_SYNTAX, say). The Service Worker
 * answers such a module with code that throws the page's own error object, so `import()` rejects with it.
 */
export const FAILURES = 'modmap.sw.failures';
