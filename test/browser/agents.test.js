// Agreement between agents, and what the browser main thread cannot do.
import { deepEqual, equal, load, ok } from './assert.js';

describe('identities and the main thread in Chromium', () => {
  it('the ids Node computes for a fixture equal the ids the browser computes', async () => {
    const node = await (await fetch('/__modmap/node-ids.json')).json();
    const { ids } = await load('/fixtures/browser/ids.mjs');
    equal(ids.length, 5);
    deepEqual(ids, node);
  });

  it('Mutex.lock (even on a free mutex) and Condition.wait on the page main thread throw a TypeError pointing to the async forms', async () => {
    const { Mutex, Condition } = await import('/dist/src/index.js');
    let detected;
    try { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 0); detected = 'can block'; } catch { detected = 'cannot block'; }
    equal(detected, 'cannot block', "Chromium's main thread");
    const m = new Mutex();
    let error;
    try { Mutex.lock(m); } catch (e) { error = e; } // free, and still refused: SPEC §4, as in test/structs/sync.test.mjs
    equal(error?.name, 'TypeError');
    equal(error.code, 'ERR_MODMAP_CANNOT_BLOCK');
    ok(error.message.includes('lockAsync'), error.message);
    const token = Mutex.lockIfAvailable(m); // without a timeout it never blocks, so it works here
    ok(token !== null && token.locked, 'lockIfAvailable without a timeout');
    error = undefined;
    try { Condition.wait(new Condition(), token); } catch (e) { error = e; }
    equal(error?.code, 'ERR_MODMAP_CANNOT_BLOCK');
    ok(error.message.includes('waitAsync'), error.message);
    equal(await Condition.waitAsync(new Condition(), token, 10), false, 'the async form works');
    token.unlock();
    const again = await Mutex.lockAsync(m);
    equal(again.locked, true);
    again.unlock();
  });
});
