// The same hooks for `module.registerHooks()` (Node 22.15+, 24+): synchronous and in the app's own thread.
import { createState } from './state.js';
import { createLoadSync } from './load.js';
import { createTokenIssuer } from './token.js';

/**
 * Hooks that issue registry tokens under `secret` (asked for on first use). `onWorkerThreads` runs when
 * `node:worker_threads` is loaded (by `import` or `require`), before the loader hands it out.
 */
export function createSyncHooks(secret: () => string, onWorkerThreads?: () => void) {
  const state = createState();
  state.tokenFor = createTokenIssuer(secret);
  state.onWorkerThreads = onWorkerThreads;
  return { load: createLoadSync(state) };
}
