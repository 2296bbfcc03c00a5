// `node --import modmap/register app.js`: installs modmap in this agent (the main thread, or a worker, which
// inherits the flag through execArgv). Side effects only, in this order: the runtime that transformed code calls,
// the transport (so workerData and the shared heap are in place before any user code runs in a worker), then the
// loader hooks.
import * as nodeModule from 'node:module';
import { installRuntime } from '../module-expression.js';
import { installNodeTransport } from '../transport/node.js';
import { registerHooks, supportsSyncHooks } from './features.js';

installRuntime();
installNodeTransport();

if (supportsSyncHooks) {
  const { load } = await import('../../loader-hooks/sync.js');
  registerHooks!({ load });
} else {
  nodeModule.register(new URL('../../loader-hooks/index.js', import.meta.url));
}
