// The struct engine as the transport sees it: the state and setters (bridge-state.ts), and requireEngine().
import { codes } from '../errors.js';
import { engineLoader, loadedEngine } from './bridge-state.js';
import type { Engine } from './bridge-state.js';

export * from './bridge-state.js';

/** The engine, loading it now if needed. */
export function requireEngine(): Engine {
  if (loadedEngine() === undefined) engineLoader()?.();
  const engine = loadedEngine();
  if (engine === undefined) throw codes.ERR_MODMAP_NOT_INSTALLED('Receiving or sharing a shared struct');
  return engine;
}
