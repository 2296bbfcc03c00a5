// The same hooks for `module.registerHooks()` (Node 22.15+, 24+): synchronous and in the app's own thread.
import { createState } from './state.js';
import { createLoadSync } from './load.js';

export const load = createLoadSync(createState());
