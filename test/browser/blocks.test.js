import { deepEqual, equal, printed } from './assert.js';

describe('module blocks in Chromium (fixtures/blocks, as in test/node/module-expressions.test.mjs)', () => {
  it('main.mjs: import, caching, nesting, relative and bare imports, TLA, identity by position', async () => {
    const out = await printed('/fixtures/blocks/main.mjs');
    // The fixture's last line loads a CommonJS file through createRequire; browsers have none (see node-module.mjs).
    equal(out.cjsUntouched, true, 'cjs line (stubbed in browsers)');
    delete out.cjsUntouched;
    deepEqual(out, {
      typeofM: 'object',
      instanceofGlobal: true,
      instanceofExported: true,
      globalIsExported: true,
      text: true,
      depsBeforeImport: 0,
      depsAfterImport: 1,
      v: 42,
      p: 'fake-pkg',
      url: true,
      resolvedRelative: true,
      resolvedBare: true,
      tla: 'tla',
      sameNamespace: true,
      runs: 1,
      innerUrl: true,
      deepest: 'deepest',
      loopSameObject: true,
      loopSameNamespace: true,
      twoPositionsDiffer: true,
      viaOtherFile: true,
      defaultExport: 'default-export',
      frozen: true,
      constructorThrows: 'ERR_MODMAP_INVALID_MODULE',
    });
  });
});
