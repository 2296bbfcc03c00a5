// Node version boundaries modmap depends on, each with its source. Read once at load.
import * as nodeModule from 'node:module';

/**
 * `module.registerHooks()`: synchronous, in-thread hooks. Added in v23.5.0 and v22.15.0 (doc/api/module.md,
 * "added: v23.5.0, v22.15.0"); `module.register()` is doc-deprecated in its favour (DEP0205). Measured here: the
 * sync hooks cost about ×1.05 on a 500-module graph, async ones ×2.7–4.3 (see BENCHMARKS.md).
 */
export const registerHooks = (nodeModule as unknown as { registerHooks?: (hooks: object) => unknown }).registerHooks;
export const supportsSyncHooks = typeof registerHooks === 'function';
