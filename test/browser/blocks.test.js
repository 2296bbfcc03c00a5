import { deepEqual, printed } from './assert.js';
import { blocksMain } from '../helpers/scenarios.mjs';

describe('module blocks in Chromium (fixtures/blocks, as in test/node/module-expressions.test.mjs)', () => {
  it('main.mjs: import, caching, nesting, relative and bare imports, TLA, identity by position', async () => {
    const out = await printed('/fixtures/blocks/main.mjs');
    // The fixture's last line loads a CommonJS file through createRequire; browsers have none (see node-module.mjs),
    // so that one line is stubbed; every other expectation is the Node suite's.
    deepEqual(out, blocksMain);
  });
});
