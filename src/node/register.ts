// `node --import modmap/register app.js`: installs modmap in this agent (the main thread, or a worker, which
// inherits the flag through execArgv). Side effects only.
import * as nodeModule from 'node:module';
import { installRuntime } from '../module-expression.js';
import { registerHooks, supportsSyncHooks } from './features.js';

installRuntime();

if (supportsSyncHooks) {
  const { load } = await import('../../loader-hooks/sync.js');
  registerHooks!({ load });
} else {
  nodeModule.register(new URL('../../loader-hooks/index.js', import.meta.url));
}
