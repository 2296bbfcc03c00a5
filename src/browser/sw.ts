// modmap's Service Worker: the pages it controls load their modules with the browser's own module loader, and it
// transforms module responses in flight. Register it as a module Service Worker (the shim does, see sw-client.ts):
//
//   navigator.serviceWorker.register('/node_modules/modmap/dist/src/browser/sw.js', { type: 'module', scope: '/' })
//
// For each module script request of a page (destination `script`, mode `cors`):
//   - modmap's own files, and the libraries the page named in its hello (es-module-shims, acorn, es-module-lexer),
//     are not touched at all;
//   - otherwise the response is read and decoded (module scripts are always UTF-8) and run through the cheap
//     pre-check the Node loader uses (mayNeedTransform, plus the registry's SharedStruct marker). When nothing can
//     need a transform, the original response object is the answer: same bytes, same headers, same URL;
//   - when something may, the page that asked transforms the text with the very functions the Node loader applies
//     (transformer.ts) and sends the code back over a MessagePort; the answer keeps the original status and headers
//     (COOP, COEP, CSP, …) with the new body;
//   - a block URL (`<file>?modmap-block=<path>`) is answered from the enclosing file (fetched with the request's
//     mode and credentials), so identities are the Node rules: resolved URL plus the ordinal path.
// The transform runs in the page, not here: a Service Worker cannot import() (no parser on demand), has no import map
// to find acorn by, and the registry's tokens must stay private to the agent that runs the code.
//
// Module workers of a page keep loading through es-module-shims (Chromium applies no import map in workers); their
// requests are fetch() calls, which this worker passes through, and it never waits for a worker client.
// Every other request (documents, styles, JSON modules, classic scripts, fetch()) is left to the network.

import { mayNeedTransform, STRUCT_MARKER } from '../transform.js';
import { parseBlockUrl } from '../identity.js';
import { CLAIM, HELLO, NOT_HERE, WHO } from './sw-protocol.js';
import type { Hello, TransformReply, TransformRequest } from './sw-protocol.js';

// The few Service Worker types this file uses (tsconfig has the DOM library, not WebWorker's).
interface ExtendableEvent extends Event { waitUntil(p: Promise<unknown>): void }
interface FetchEvent extends ExtendableEvent { readonly request: Request; readonly clientId: string; respondWith(r: Promise<Response>): void }
interface ExtendableMessageEvent extends ExtendableEvent { readonly data: unknown; readonly source: { readonly id: string } | null; readonly ports: readonly MessagePort[] }
interface SwClient { readonly id: string; readonly type: string; postMessage(message: unknown): void }
interface SwScope {
  readonly clients: { get(id: string): Promise<SwClient | undefined>; claim(): Promise<void> };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (e: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (e: FetchEvent) => void): void;
  addEventListener(type: 'message', listener: (e: ExtendableMessageEvent) => void): void;
}
const sw = globalThis as unknown as SwScope;

/** modmap's dist/ folder: its own files load untouched, so the page and the app share one copy of the runtime. */
const OWN_ROOT = new URL('../../', import.meta.url).href;
/**
 * How long a module request waits for a controlled page's shim to say hello before it passes through untouched. A
 * page with the shim says hello as soon as the shim module runs, well before its app modules load (they load after
 * it); only a page in scope that never loads the shim waits this long, once per module that may need a transform.
 */
const HELLO_WAIT_MS = 10_000;

/** A page that loads modules through this worker: the port to it, and what it asked to be left alone. */
interface Peer {
  readonly port: MessagePort;
  readonly skip: readonly string[];
  readonly pending: Map<number, (reply: TransformReply) => void>;
}
/** Per client id: its Peer, or null for a page that loads its modules otherwise (es-module-shims, no shim). */
const peers = new Map<string, Peer | null>();
const waiting = new Map<string, Array<(peer: Peer | null) => void>>();
let nextId = 0;

sw.addEventListener('install', (event) => {
  // A new version takes over at once: a page's modules are transformed by the version its next navigation gets.
  event.waitUntil(Promise.all([sw.skipWaiting(), addRoutes(event)]));
});

/**
 * Where the browser has the Service Worker Static Routing API (Chromium 123+), requests this worker never answers go
 * straight to the network instead of through its fetch event: everything but scripts (navigations included, so a
 * stopped worker need not start for one), and modmap's own files. The fetch listener keeps the same rules, for
 * browsers without routes.
 */
async function addRoutes(event: ExtendableEvent): Promise<void> {
  const add = (event as unknown as { addRoutes?: (rules: unknown[]) => Promise<void> }).addRoutes;
  const URLPatternCtor = (globalThis as { URLPattern?: new (input: string) => unknown }).URLPattern;
  if (typeof add !== 'function' || URLPatternCtor === undefined) return;
  try {
    await add.call(event, [
      { condition: { not: { requestDestination: 'script' } }, source: 'network' },
      { condition: { urlPattern: new URLPatternCtor(`${OWN_ROOT}*`) }, source: 'network' },
    ]);
  } catch (error) {
    console.warn(`modmap: Service Worker static routes not added (${String(error)}); every request goes through its fetch event`);
  }
}

sw.addEventListener('message', (event) => {
  const data = event.data as Record<string, unknown> | null;
  const id = event.source?.id;
  if (typeof data !== 'object' || data === null) return;
  if (CLAIM in data) {
    // A first visit's shim: control the page now, then say so on the port it sent.
    event.waitUntil(sw.clients.claim().then(() => event.ports[0]?.postMessage(true)));
    return;
  }
  if (id === undefined) return;
  if (HELLO in data && event.ports[0] !== undefined) {
    const hello = data[HELLO] as Hello;
    const port = event.ports[0];
    const peer: Peer = { port, skip: Array.isArray(hello.skip) ? hello.skip.filter((s) => typeof s === 'string') : [], pending: new Map() };
    port.onmessage = ({ data: reply }: MessageEvent<TransformReply>) => {
      const done = peer.pending.get(reply.id);
      peer.pending.delete(reply.id);
      done?.(reply);
    };
    settle(id, peer);
  } else if (NOT_HERE in data) {
    settle(id, null);
  }
});

function settle(clientId: string, peer: Peer | null): void {
  peers.set(clientId, peer);
  const waiters = waiting.get(clientId);
  waiting.delete(clientId);
  waiters?.forEach((resolve) => resolve(peer));
}

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.destination !== 'script' || request.mode !== 'cors' || request.method !== 'GET') return;
  const url = request.url;
  if (url.startsWith(OWN_ROOT)) return;
  const peer = peers.get(event.clientId);
  if (peer === null || peer?.skip.some((prefix) => url.startsWith(prefix))) return;
  event.respondWith(respond(request, event.clientId));
});

const decoder = new TextDecoder();

async function respond(request: Request, clientId: string): Promise<Response> {
  const block = parseBlockUrl(request.url);
  // A block module is the enclosing file's block: fetch that file the way the block was requested.
  const response = await fetch(block === null ? request : new Request(block.base, request));
  if (!response.ok) return response;
  const text = decoder.decode(await response.clone().arrayBuffer());
  if (block === null && !mayNeedTransform(text) && !text.includes(STRUCT_MARKER)) return response;
  const peer = await peerFor(clientId);
  if (peer === null) {
    if (block === null) return response;
    // Served as the file itself, a block URL would silently be a second copy of the whole file.
    console.warn(`modmap: ${request.url} is a module block, and the page that asked has no modmap shim`);
    return Response.error();
  }
  const reply = await ask(peer, { id: nextId++, url: request.url, text });
  if ('same' in reply) return response;
  const headers = new Headers(response.headers);
  // The body is new: its length and encoding are no longer the original's. Everything else is kept.
  headers.delete('Content-Length');
  headers.delete('Content-Encoding');
  return new Response(reply.code, { status: response.status, statusText: response.statusText, headers });
}

function ask(peer: Peer, message: TransformRequest): Promise<TransformReply> {
  return new Promise((resolve) => {
    peer.pending.set(message.id, resolve);
    peer.port.postMessage(message);
  });
}

/** The page's port, once its shim said hello; null for a worker client, or a page without the shim. */
async function peerFor(clientId: string): Promise<Peer | null> {
  const known = peers.get(clientId);
  if (known !== undefined) return known;
  const client = clientId === '' ? undefined : await sw.clients.get(clientId);
  // Workers load through es-module-shims: their own shim transforms what they load.
  if (client === undefined || client.type !== 'window') return null;
  return new Promise((resolve) => {
    let list = waiting.get(clientId);
    if (list === undefined) {
      waiting.set(clientId, (list = []));
      // After a restart or an update this worker has no port for a page that said hello to its predecessor: ask.
      client.postMessage({ [WHO]: true });
      setTimeout(() => {
        if (!waiting.has(clientId)) return;
        console.warn(`modmap: a page in this Service Worker's scope did not load the modmap shim within ${HELLO_WAIT_MS} ms; its modules load untransformed`);
        settle(clientId, null);
      }, HELLO_WAIT_MS);
    }
    list.push(resolve);
  });
}
