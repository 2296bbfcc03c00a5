// The hooks module that `module.register()` loads into Node's hooks thread (Node 20 and before 22.15). Only this
// entry is evaluated per registration; it owns the state and builds the hooks from factories.
import { createState } from './state.js';
import { createLoad } from './load.js';

const state = createState();

export async function initialize(): Promise<void> {}

export const load = createLoad(state);
