// Every worker must run modmap's register entry: without the loader hooks, a block URL such as
// `file:///app.mjs?modmap-block=0` silently loads the whole enclosing file again (platform-facts.md).
// These helpers find our `--import` in an execArgv list and add it when it is missing.

import * as builtins from './builtins.js';

/**
 * The absolute URL of the register entry of this copy of modmap: the single-file bundle that the package's
 * `./register` export names (dist/src/node/register.bundle.js; see package.json "build"). The path works both from
 * dist/src/transport/ and from inside the bundle in dist/src/node/.
 */
export const REGISTER_URL: string = new URL('../node/register.bundle.js', import.meta.url).href;
/** The unbundled entry tsc emits; also modmap's, if someone names it directly. */
const REGISTER_UNBUNDLED_URL: string = new URL('../node/register.js', import.meta.url).href;
const isOurs = (href: string): boolean => href === REGISTER_URL || href === REGISTER_UNBUNDLED_URL;

/** The package specifier users write. */
const REGISTER_SPECIFIER = 'modmap/register';

/** Does the `--import` value `value` name modmap's register entry? */
export function isRegisterSpecifier(value: string): boolean {
  if (value === REGISTER_SPECIFIER || isOurs(value)) return true;
  if (value.startsWith('file:')) {
    try { return isOurs(new URL(value).href); } catch { return false; }
  }
  if (value.startsWith('/') || value.startsWith('.')) {
    // Node resolves a relative --import against the working directory, which workers share with the process.
    return isOurs(builtins.url().pathToFileURL(builtins.path().resolve(value)).href);
  }
  return false;
}

/** True when `args` (an execArgv list, or NODE_OPTIONS split on spaces) imports modmap's register entry. */
export function hasRegisterImport(args: readonly string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--import') {
      if (i + 1 < args.length && isRegisterSpecifier(args[i + 1]!)) return true;
      i++;
    } else if (arg.startsWith('--import=')) {
      if (isRegisterSpecifier(arg.slice('--import='.length))) return true;
    }
  }
  return false;
}

/** NODE_OPTIONS as a list of arguments, split as Node splits it: on spaces outside double quotes, which it drops. */
export function nodeOptionsArgs(nodeOptions: string | undefined): string[] {
  const out: string[] = [];
  if (!nodeOptions) return out;
  let current: string | null = null;
  let quoted = false;
  for (let i = 0; i < nodeOptions.length; i++) {
    let c = nodeOptions[i]!;
    if (c === '\\' && quoted && i + 1 < nodeOptions.length) {
      c = nodeOptions[++i]!;
    } else if (c === '"') {
      quoted = !quoted;
      current ??= '';
      continue;
    } else if (c === ' ' && !quoted) {
      if (current !== null) out.push(current);
      current = null;
      continue;
    }
    current = (current ?? '') + c;
  }
  if (current !== null) out.push(current);
  return out;
}

/**
 * The execArgv to start a worker with, so that it runs modmap's register entry:
 * - an explicit list without our `--import` gets `--import=<REGISTER_URL>` appended (a copy; the caller's array is
 *   not changed);
 * - no list (`undefined`) means the worker inherits this agent's options. That is enough when this agent got the
 *   entry from its command line or NODE_OPTIONS; otherwise (modmap imported from code), the inherited list is made
 *   explicit with the entry added.
 */
export function workerExecArgv(
  requested: readonly string[] | undefined,
  processExecArgv: readonly string[],
  nodeOptions: string | undefined,
): string[] | undefined {
  if (requested === undefined) {
    if (hasRegisterImport(processExecArgv) || hasRegisterImport(nodeOptionsArgs(nodeOptions))) return undefined;
    return [...withoutEntryCode(processExecArgv), `--import=${REGISTER_URL}`];
  }
  if (hasRegisterImport(requested)) return [...requested];
  return [...requested, `--import=${REGISTER_URL}`];
}

/** Flags that carry the main program's own code (`node -e …`): an inherited worker must not get them. */
const ENTRY_CODE_FLAGS = new Set(['-e', '--eval', '-p', '--print']);

function withoutEntryCode(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (ENTRY_CODE_FLAGS.has(arg)) { i++; continue; }
    if (/^(?:--eval|--print)=/.test(arg)) continue;
    out.push(arg);
  }
  return out;
}
