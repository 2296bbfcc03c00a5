// The same hooks for `module.registerHooks()` (Node 22.15+, 24+): synchronous and in the app's own thread.
import { createState } from './state.js';
import { createLoadSync } from './load.js';
import { createTokenIssuer } from './token.js';

/** Hooks that issue registry tokens under `secret` (asked for on first use). */
export function createSyncHooks(secret: () => string) {
  const state = createState();
  state.tokenFor = createTokenIssuer(secret);
  return { load: createLoadSync(state) };
}
