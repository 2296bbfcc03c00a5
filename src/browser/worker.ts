// The bootstrap of every module worker started through modmap's Worker (src/browser/transport.ts). It is a real
// module URL next to the shim, loaded natively. The first message is modmap's init: the page's import map, where
// es-module-shims and acorn are, the entry URL and the shared heap. Until the entry module has run, every other
// message is held back, then dispatched again in order, so that listeners the entry adds see all of them, as they
// would in a worker that started with the entry itself.
import { __attachHeap } from '../structs/index.js';
import { installShim } from './install.js';
import type { ShimConfig } from './install.js';
import { INIT_KEY, rawData } from './transport.js';

interface Init extends ShimConfig {
  readonly entry: string;
  readonly heap: unknown;
}

const scope = globalThis as unknown as EventTarget;
const held: MessageEvent[] = [];
let started = false;
let resolveInit!: (init: Init) => void;
const initReceived = new Promise<Init>((resolve) => { resolveInit = resolve; });

function hold(event: MessageEvent): void {
  event.stopImmediatePropagation();
  const data = rawData(event) as Record<string, unknown> | null;
  if (!started && typeof data === 'object' && data !== null && INIT_KEY in data) {
    started = true;
    resolveInit(data[INIT_KEY] as Init);
    return;
  }
  held.push(event);
}
scope.addEventListener('message', hold as EventListener);

const init = await initReceived;
// Join the page's heap before anything can create a shared value here.
if (init.heap !== undefined) __attachHeap(init.heap);
await installShim(init);
try {
  await (globalThis as unknown as { importShim(url: string): Promise<unknown> }).importShim(init.entry);
} finally {
  scope.removeEventListener('message', hold as EventListener);
  for (const event of held) {
    scope.dispatchEvent(new MessageEvent('message', {
      data: rawData(event), ports: [...event.ports], origin: event.origin, lastEventId: event.lastEventId,
    }));
  }
  held.length = 0;
}
