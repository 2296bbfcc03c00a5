// Node built-ins that the transport needs only on rare paths (starting a worker), fetched when used. Each
// `import 'node:…'` in an ES module costs start-up time even when the built-in itself is already loaded, and the
// register entry runs in every agent of every run.
import { createRequire } from 'node:module';
import type * as Url from 'node:url';
import type * as Path from 'node:path';
import type * as Vm from 'node:vm';

function builtin<T>(id: string): T {
  const get = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  return (typeof get === 'function' ? get(id) : createRequire(import.meta.url)(id)) as T;
}

export const url = (): typeof Url => builtin('node:url');
export const path = (): typeof Path => builtin('node:path');
export const vm = (): typeof Vm => builtin('node:vm');
