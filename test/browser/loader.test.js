// Which module loader the page runs under (src/browser/install.ts), so that neither group of the suite (see
// web-test-runner.config.mjs) can silently test the other loader's path.
import { equal, ok } from './assert.js';

describe('the page module loader', () => {
  it('is the one the runner page set up', async () => {
    const { loader, ready } = await import('/dist/src/browser/shim.js');
    await ready;
    equal(loader, globalThis.expectedLoader);
    const controller = navigator.serviceWorker.controller;
    if (loader === 'service-worker') ok(controller?.scriptURL.endsWith('/dist/src/browser/sw.js'), `controller ${controller?.scriptURL}`);
    else equal(controller, null);
  });
});
