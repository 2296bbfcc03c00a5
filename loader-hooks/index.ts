// The hooks module that `module.register()` loads into Node's hooks thread (Node 20 and before 22.15). Only this
// entry is evaluated per registration; it owns the state and builds the hooks from factories.
import { createState } from './state.js';
import { createLoad } from './load.js';
import { createTokenIssuer } from './token.js';

const state = createState();

/** Receives the register entry's registry secret (never leaves the hooks thread and the app realm). */
export async function initialize(data: { secret?: string } | undefined): Promise<void> {
  if (typeof data?.secret === 'string') state.tokenFor = createTokenIssuer(data.secret);
}

export const load = createLoad(state);
