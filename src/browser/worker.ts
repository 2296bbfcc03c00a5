// The bootstrap of every module worker started through modmap's Worker (src/browser/transport.ts). It is a real
// module URL next to the shim, loaded natively. The first message is modmap's init: the page's import map, where
// es-module-shims, acorn and es-module-lexer are, the entry URL and the shared heap.
//
// Every other message that arrives before the entry is ready is held back, then dispatched again in order, so that
// the entry's listeners see all of them, as in a worker that started with the entry itself. "Ready" is the earlier
// of: a task after the entry first adds a message listener (`addEventListener('message', …)` or `onmessage = …`),
// which keeps an entry that awaits its first message at top level from waiting forever; or the entry's evaluation
// has finished (or failed).
import { __attachHeap } from '../structs/index.js';
import { installShim } from './install.js';
import type { ShimConfig } from './install.js';
import { INIT_KEY, rawData } from './transport.js';

interface Init extends ShimConfig {
  readonly entry: string;
  readonly heap: unknown;
}

const scope = globalThis as unknown as EventTarget & Record<string, unknown>;
const held: MessageEvent[] = [];
let initSeen = false;
let released = false;
let resolveInit!: (init: Init) => void;
const initReceived = new Promise<Init>((resolve) => { resolveInit = resolve; });

const replayed = new WeakSet<Event>();

function hold(event: MessageEvent): void {
  if (released || replayed.has(event)) return;
  event.stopImmediatePropagation();
  const data = rawData(event) as Record<string, unknown> | null;
  if (!initSeen && typeof data === 'object' && data !== null && INIT_KEY in data) {
    initSeen = true;
    resolveInit(data[INIT_KEY] as Init);
    return;
  }
  held.push(event);
}
scope.addEventListener('message', hold as EventListener);

// Watch for the entry's first message listener (a [Global] scope keeps addEventListener on EventTarget.prototype
// and `onmessage` as an accessor on the global object itself).
const nativeAdd = EventTarget.prototype.addEventListener;
const onmessageDescriptor = Object.getOwnPropertyDescriptor(scope, 'onmessage');
let releaseScheduled = false;
function scheduleRelease(): void {
  if (releaseScheduled) return;
  releaseScheduled = true;
  setTimeout(release, 0);
}
let draining = false;
function release(): void {
  if (draining) return;
  draining = true;
  Reflect.deleteProperty(scope, 'addEventListener');
  if (onmessageDescriptor?.configurable) Object.defineProperty(scope, 'onmessage', onmessageDescriptor);
  drain();
}
/** One held message per task, as the platform delivers them; messages arriving meanwhile queue up behind. */
function drain(): void {
  const event = held.shift();
  if (event === undefined) {
    released = true;
    scope.removeEventListener('message', hold as EventListener);
    return;
  }
  const replay = new MessageEvent('message', {
    data: rawData(event), ports: [...event.ports], origin: event.origin, lastEventId: event.lastEventId,
  });
  replayed.add(replay);
  scope.dispatchEvent(replay);
  setTimeout(drain, 0);
}

const init = await initReceived;
// Join the page's heap before anything can create a shared value here.
if (init.heap !== undefined) __attachHeap(init.heap);
await installShim(init);

Object.defineProperty(scope, 'addEventListener', {
  configurable: true, writable: true, enumerable: false,
  value: function addEventListener(this: unknown, type: string, ...rest: unknown[]): void {
    if (type === 'message') scheduleRelease();
    return (nativeAdd as (...args: unknown[]) => void).call(this, type, ...rest);
  },
});
if (onmessageDescriptor?.configurable && onmessageDescriptor.set !== undefined) {
  const { get, set } = onmessageDescriptor;
  Object.defineProperty(scope, 'onmessage', {
    configurable: true, enumerable: onmessageDescriptor.enumerable ?? true, get,
    set(this: unknown, value: unknown) {
      scheduleRelease();
      set.call(this, value);
    },
  });
}
try {
  await (globalThis as unknown as { importShim(url: string): Promise<unknown> }).importShim(init.entry);
} finally {
  release();
}
