// Tiny assertions for the browser suites (mocha runs them; no chai dependency).
export function equal(actual, expected, message = '') {
  if (!Object.is(actual, expected)) throw new Error(`${message} expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}
export function deepEqual(actual, expected, message = '') {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${message}\nexpected ${e}\n     got ${a}`);
}
export function ok(value, message = 'expected a truthy value') {
  if (!value) throw new Error(message);
}
export function match(text, re, message = '') {
  if (!re.test(String(text))) throw new Error(`${message} ${JSON.stringify(text)} does not match ${re}`);
}
/** Load a fixture through the shim; the shim module script in the runner page installs it first. */
export async function load(path) {
  await (await import('/dist/src/browser/shim.js')).ready;
  return importShim(new URL(path, location.origin).href);
}
/** What a fixture printed with console.log (the Node fixtures report one JSON line that way). */
export async function printed(path) {
  const lines = [];
  const log = console.log;
  console.log = (...args) => { lines.push(args.join(' ')); };
  try {
    await load(path);
  } finally {
    console.log = log;
  }
  return JSON.parse(lines.at(-1));
}
