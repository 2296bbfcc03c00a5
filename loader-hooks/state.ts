// Per-registration state of the hooks, created once by the hooks entry (index.ts or sync.ts) and shared by the
// hook factories, in the style of tsx's `createDefaultData()`. The hooks never hold prototypes or Module objects:
// they only compute code, which the app realm then runs (see README, Architecture).

import { createRequire } from 'node:module';
import type { ScanResult } from '../src/scanner.js';
import type { BlockValidator } from '../src/transform.js';

export interface HookState {
  /** Scan results of files whose blocks were loaded, keyed by the file URL, valid while the source is the same. */
  readonly scans: Map<string, { source: string; result: ScanResult }>;
  /** Parses block bodies; acorn is loaded on first use, so files without blocks never pay for it. */
  readonly validate: BlockValidator;
  /** The registry token for a module URL (see src/registry.ts); set from the register entry's secret. */
  tokenFor: ((url: string) => string) | undefined;
  /** Called when the app loads `node:worker_threads` (the transport patches it then; sync hooks only). */
  onWorkerThreads: (() => void) | undefined;
  /** URL prefix of modmap's own built files (dist/), which mention SharedStruct but define no user types. */
  readonly ownRoot: string;
}

/** modmap's dist/ folder, from any file inside it (this code also runs from the register bundle in dist/src/node/). */
function distRoot(url: string): string {
  const at = url.lastIndexOf('/dist/');
  return at === -1 ? new URL('../', url).href : url.slice(0, at + '/dist/'.length);
}

export function createState(): HookState {
  let parse: ((code: string, options: object) => unknown) | undefined;
  const validate: BlockValidator = (code) => {
    // acorn ships CommonJS, so it loads synchronously in both the sync hooks and the hooks thread.
    parse ??= (createRequire(import.meta.url)('acorn') as { parse: typeof parse }).parse;
    parse!(code, { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: false });
  };
  return { scans: new Map(), validate, tokenFor: undefined, onWorkerThreads: undefined, ownRoot: distRoot(import.meta.url) };
}
