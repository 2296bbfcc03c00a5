// `node --import modmap/register app.js`: installs modmap in this agent (the main thread, or a worker, which
// inherits the flag through execArgv). Side effects only, in this order: the runtime globals that transformed code
// calls and the registry's token verifier (both before any app code), the transport (so workerData and the shared
// heap are in place before any user code uses them in a worker), then the loader hooks.
//
// Start-up is kept small, because every agent of every run pays it: the runtime, the struct engine and, with the
// synchronous hooks, node:worker_threads load on first need (lazy-runtime.ts, structs/bridge.ts, transport/node.ts).
import * as nodeModule from 'node:module';
import { setEngineLoader } from '../structs/bridge.js';
import { installLazyRuntime, provideRuntime } from './lazy-runtime.js';
import { installNodeTransport, patchWorkerThreads } from '../transport/node.js';
import { createSecret, createTokenIssuer } from '../../loader-hooks/token.js';
import { registerHooks, supportsSyncHooks } from './features.js';

// The registry's secret is made on first use where the hooks share this thread; Node 20's hooks thread needs it now.
let secret: string | undefined = supportsSyncHooks ? undefined : createSecret();
const getSecret = (): string => (secret ??= createSecret());
const tokenFor = createTokenIssuer(getSecret);
const lazy = process.features.require_module === true;
installLazyRuntime((url, token) => token === tokenFor(url));
if (!lazy) provideRuntime(await import('../module-expression.js')); // no require() of ES modules (Node < 20.19)
// The struct engine loads on first need (a worker to start, a shared value received) or when the app imports
// modmap; where require() cannot load ES modules, it loads now instead.
const loadEngine = () => void nodeModule.createRequire(import.meta.url)('../structs/index.js');
if (lazy) setEngineLoader(loadEngine);
else await import('../structs/index.js');
// worker_threads is patched when the app loads it, which only the in-thread (synchronous) hooks can see.
installNodeTransport({ lazyWorkerThreads: supportsSyncHooks && lazy }); // also wraps structuredClone (SPEC §6)

if (supportsSyncHooks) {
  const { createSyncHooks } = await import('../../loader-hooks/sync.js');
  registerHooks!(createSyncHooks(getSecret, patchWorkerThreads));
} else {
  nodeModule.register(new URL('../../loader-hooks/index.js', import.meta.url), { data: { secret: getSecret() } });
}
