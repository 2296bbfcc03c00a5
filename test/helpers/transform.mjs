// Shared by the unit tests (and, later, the browser suite): the scanner and transform from the built output.
export { scan, ScanError } from '../../dist/src/scanner.js';
export { transformModule, transformBlock, mayNeedTransform, mayNeedWork, lineColumn, RUNTIME_EXPR } from '../../dist/src/transform.js';
export { blockUrl, parseBlockUrl, isOrdinalPath } from '../../dist/src/identity.js';

/** Ordinal paths of every block found in `src`, in order. */
export async function pathsOf(src) {
  const { scan } = await import('../../dist/src/scanner.js');
  return scan(src).allBlocks.map((b) => b.path);
}

/** Count line terminators the way the engine does (\r\n is one). */
export function lineCount(src) {
  return src.split(/\r\n|[\n\r\u2028\u2029]/).length;
}
