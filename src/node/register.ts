// `node --import modmap/register app.js`: installs modmap in this agent (the main thread, or a worker, which
// inherits the flag through execArgv). Side effects only, in this order: the runtime globals that transformed code
// calls and the registry's token verifier (both before any app code), the transport (so workerData and the shared
// heap are in place before any user code uses them in a worker), then the loader hooks.
//
// Start-up is kept small, because every agent of every run pays it. This file is bundled with the hooks' per-file
// test and the stand-ins below into dist/src/node/register.bundle.js (~12 KB); the runtime, the struct engine, the
// transport (and with it node:worker_threads), the scanner and transform, and the error table load on first need
// (lazy-runtime.ts, structs/bridge-state.ts, lazy-transport.ts, loader-hooks/load.ts).
import * as nodeModule from 'node:module';
import { setEngineLoader } from '../structs/bridge-state.js';
import { installLazyRuntime, loadedRuntime, provideRuntime, runtimeApi, RUNTIME_URL } from './lazy-runtime.js';
import { installTransport } from './lazy-transport.js';
import type * as Transport from '../transport/node.js';
import { createSecret, createTokenIssuer } from '../../loader-hooks/token.js';
import { registerHooks, supportsSyncHooks } from './features.js';
// Static, not `await import()`: it is in the bundle either way, and an await here was a turn of the event loop
// (~0.2 ms) in every agent's start-up.
import { createSyncHooks } from '../../loader-hooks/sync.js';

// The registry's secret is made on first use where the hooks share this thread; Node 20's hooks thread needs it now.
let secret: string | undefined = supportsSyncHooks ? undefined : createSecret();
const getSecret = (): string => (secret ??= createSecret());
const tokenFor = createTokenIssuer(getSecret);
/** require() of ES modules works here (Node 20.19+, 22.12+), so modmap's parts can load synchronously on first need. */
const lazy = process.features.require_module === true;
// Made on first need (a lazily loaded part): createRequire costs ~0.27 ms, and most runs never call it.
let require_: NodeJS.Require | undefined;
const requireHere = (id: string): unknown => (require_ ??= nodeModule.createRequire(import.meta.url))(id);

const other = installLazyRuntime((url, token) => token === tokenFor(url));
if (other !== undefined) {
  // Another copy of modmap installed itself first in this agent (two node_modules folders): refuse.
  const { codes } = await import('../errors.js');
  throw codes.ERR_MODMAP_DUPLICATE_INSTALL(other, RUNTIME_URL);
}
if (!lazy) provideRuntime(await import('../module-expression.js'));

// The struct engine loads on first need (a worker to start, a shared value received) or when the app imports
// modmap; where require() cannot load ES modules, it loads now instead.
if (lazy) setEngineLoader(() => void requireHere('../structs/index.js'));
else await import('../structs/index.js');

// The transport: worker_threads is patched when the app loads it, which only the in-thread (synchronous) hooks can
// see; elsewhere (Node 20's hooks thread, no require() of ES modules) it is loaded and installed now.
const TRANSPORT = '../transport/node.bundle.js';
const lazyThreads = supportsSyncHooks && lazy;
const patchWorkerThreads = installTransport({ loaded: loadedRuntime, load: runtimeApi }, {
  lazy: lazyThreads,
  load: () => requireHere(TRANSPORT) as typeof Transport,
  preloaded: lazyThreads ? undefined : ((await import(TRANSPORT)) as typeof Transport),
});

if (supportsSyncHooks) {
  registerHooks!(createSyncHooks(getSecret, patchWorkerThreads));
} else {
  nodeModule.register(new URL('../../loader-hooks/index.js', import.meta.url), { data: { secret: getSecret() } });
}
