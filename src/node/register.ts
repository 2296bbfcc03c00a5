// `node --import modmap/register app.js`: installs modmap in this agent (the main thread, or a worker, which
// inherits the flag through execArgv). Side effects only, in this order: the runtime that transformed code calls,
// the registry's token verifier (first caller wins, and this runs before any app code), the transport (so
// workerData and the shared heap are in place before any user code runs in a worker), then the loader hooks.
import * as nodeModule from 'node:module';
import { setEngineLoader } from '../structs/bridge.js';
import { installRuntime } from '../module-expression.js';
import { installTokenVerifier } from '../registry.js';
import { installNodeTransport } from '../transport/node.js';
import { createSecret, createTokenIssuer } from '../../loader-hooks/token.js';
import { registerHooks, supportsSyncHooks } from './features.js';

installRuntime();
// The registry's secret is made on first use where the hooks share this thread; Node 20's hooks thread needs it now.
let secret: string | undefined = supportsSyncHooks ? undefined : createSecret();
const getSecret = (): string => (secret ??= createSecret());
const tokenFor = createTokenIssuer(getSecret);
installTokenVerifier((url, token) => token === tokenFor(url));
// The struct engine loads on first need (a worker to start, a shared value received) or when the app imports
// modmap; where require() cannot load ES modules (Node before 20.19 / 22.12), it loads now instead.
const loadEngine = () => void nodeModule.createRequire(import.meta.url)('../structs/index.js');
if (process.features.require_module === true) setEngineLoader(loadEngine);
else await import('../structs/index.js');
installNodeTransport(); // also wraps structuredClone (SPEC §6)

if (supportsSyncHooks) {
  const { createSyncHooks } = await import('../../loader-hooks/sync.js');
  registerHooks!(createSyncHooks(getSecret));
} else {
  nodeModule.register(new URL('../../loader-hooks/index.js', import.meta.url), { data: { secret: getSecret() } });
}
