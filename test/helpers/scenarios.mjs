// Expected outcomes of the shared fixtures, imported by the Node suites and by the browser suite: the same fixtures
// must give the same results in every agent (STYLE §5, "Run the same assertions in every agent").

/** fixtures/blocks/main.mjs (SPEC §3). */
export const blocksMain = Object.freeze({
  typeofM: 'object',
  instanceofGlobal: true,
  instanceofExported: true,
  globalIsExported: true,
  text: true,
  depsBeforeImport: 0, // dependencies load only when the block is imported
  depsAfterImport: 1,
  v: 42,
  p: 'fake-pkg',
  url: true, // import.meta.url is the enclosing file's
  resolvedRelative: true,
  resolvedBare: true,
  tla: 'tla',
  sameNamespace: true,
  runs: 1,
  innerUrl: true,
  deepest: 'deepest',
  loopSameObject: true, // identity by position: the deliberate difference from the proposal
  loopSameNamespace: true,
  twoPositionsDiffer: true,
  viaOtherFile: true, // import(m) in a file with no block: only its call site was rewritten
  defaultExport: 'default-export',
  frozen: true,
  constructorThrows: 'ERR_MODMAP_INVALID_MODULE',
  cjsUntouched: true, // in browsers the CommonJS line is stubbed through the import map
});

/** fixtures/registry/point-worker.mjs answering a Point(3, 4) (SPEC §5: the receiver's own prototype). */
export const pointWorkerLoaded = Object.freeze({ len2: 25, instanceOf: true, protoIs: true, constructorIs: true, sees: 'B' });
