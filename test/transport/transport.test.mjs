// End to end: each fixture runs as `node --import modmap/register fixtures/<name>.mjs`, as a user would, and prints
// JSON. Run this file with Node 20 and with Node 24 (the child uses the same Node as the test).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runNode } from '../helpers/run-node.mjs';

const fixture = (name) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

async function run(name, options) {
  const result = await runNode([fixture(name)], options);
  assert.equal(result.stderr, '', `${name}: stderr`);
  assert.equal(result.code, 0, `${name}: exit code`);
  assert.notEqual(result.json, undefined, `${name}: JSON output\n${result.stdout}`);
  return result.json;
}

describe(`transport on Node ${process.version}`, { concurrency: true }, () => {
  test('round trip main → worker → main imports to main’s namespace', async () => {
    assert.deepEqual(await run('round-trip.mjs'), {
      sameObject: true, sameNamespace: true, isModule: true, mainAgent: 'main',
      workerSawModule: true, workerAgent: 'worker', workerSource: true,
    });
  });

  test('the same expression evaluated in two workers is one module', async () => {
    assert.deepEqual(await run('two-workers.mjs'), {
      sameAcrossWorkers: true, sameAsMain: true, isModule: true, eachWorkerRanItOnce: [true, true, true],
      sameNamespace: true, loadedInMain: 0, work: 42,
    });
  });

  test('nested payload: arrays, objects, Map keys and values, Set, shared references, cycles', async () => {
    const describeAll = {
      list: true, mapKey: true, mapValue: true, mapOrder: 'M,value,z', set: true, deep: true, sharedRef: true,
      cycle: true, nullProto: true, bytes: true, text: 'héllo \u{1F600}',
    };
    assert.deepEqual(await run('nested.mjs'), {
      inWorker: describeAll, backInMain: describeAll, senderUntouched: true, moduleIsModule: true,
    });
  });

  test('every listener style, on MessageChannel ports transferred to a worker, and worker.on', async () => {
    assert.deepEqual(await run('listeners.mjs'), {
      on: true, once: true, addEventListener: true, onmessage: true, eventsOnce: true, eventsOn: true,
      receiveMessageOnPort: true, workerOn: true,
    });
  });

  test('transfer lists still apply next to encoded values', async () => {
    assert.deepEqual(await run('transfer.mjs'), {
      module: true, detached: true, received: 8, viaPort: 'through the transferred port',
    });
  });

  test('BroadcastChannel, both ways', async () => {
    assert.deepEqual(await run('broadcast.mjs'), { ready: 'ready', workerGotSame: true, back: true, kind: true });
  });

  test('workerData is decoded before the worker’s code runs', async () => {
    assert.deepEqual(await run('worker-data.mjs'), {
      tag: 'wd', esmSame: true, cjsSame: true, noBootstrapVisible: true, imported: 10, backIsSame: true,
      callerDataUntouched: true, plain: 'plain string',
    });
  });

  test('setEnvironmentData values with Modules reach workers and their workers', async () => {
    assert.deepEqual(await run('environment-data.mjs'), {
      worker: true, grandchild: true, plainInWorker: 'text', main: true, plain: 'text',
    });
  });

  test('new Worker(m) runs the block as the entry, with options; its error reaches "error"', async () => {
    const out = await run('worker-module.mjs');
    assert.equal(typeof out.threadId, 'number', 'threadId');
    delete out.threadId;
    assert.deepEqual(out, {
      isMainThread: false, result: 40, sameJob: true, url: out.url, urlIsEnclosingFile: true, env: 'set',
      argv: [fixture('worker-module.mjs'), 'one', 'two'],
      error: { message: 'thrown by the block', code: 'FIXTURE_BLOCK_ERROR', name: 'Error' }, isMain: true,
    });
  });

  test('eval: true workers (classic and module code) run modmap and see decoded workerData', async () => {
    const ok = { same: true, isModule: true, globalVar: 1 };
    assert.deepEqual(await run('eval-worker.mjs'), {
      classic: ok, classicEmptyArgv: ok, esm: ok, error: { message: 'thrown by eval code', code: 'FIXTURE_EVAL' },
    });
  });

  test('CommonJS worker entries run modmap and see decoded workerData', async () => {
    const ok = { same: true, isModule: true };
    assert.deepEqual(await run('cjs-entry.mjs'), { inherited: ok, emptyArgv: ok });
  });

  test('a worker started with execArgv: [] (or any execArgv without modmap) still runs modmap', async () => {
    const ok = { runtime: true, workerData: true, sentBack: true, result: 8, registerImports: 1, callerArrayUntouched: true };
    assert.deepEqual(await run('exec-argv.mjs'), { empty: ok, other: ok, equalsForm: ok, spaceForm: ok, inherited: ok });
  });

  test('ports made from the global classes carry modmap values; start-up loads no worker_threads (sync hooks)', async () => {
    const result = await run('lazy-globals.mjs');
    const syncHooks = typeof (await import('node:module')).registerHooks === 'function';
    assert.deepEqual(result, {
      // Node 20's hooks run in another thread and cannot see the app load worker_threads, so it is patched at once.
      atStart: { workerThreads: !syncHooks, io: !syncHooks },
      sameModule: true, imported: 'from a block', broadcastSame: true, sameClasses: true,
      attributes: ['true/true/false/true', 'true/true/false/true', 'true/true/false/true'],
    });
  });

  test('modmap imported from code (no --import): workers still get it', async () => {
    assert.deepEqual(await run('programmatic.mjs', { register: false }), { runtime: true, result: 8, sentBack: true });
  });

  test('modmap imported from code in a process with worker-invalid flags: a coded error, not a bare worker', async () => {
    assert.deepEqual(await run('programmatic-invalid.mjs', { register: false, execArgv: ['--title=modmap-test'] }), {
      error: { code: 'ERR_MODMAP_NOT_INSTALLED', name: 'Error', causeCode: 'ERR_WORKER_INVALID_EXEC_ARGV', saysHow: true },
      explicit: 'started',
    });
  });

  test('a message that cannot be decoded here arrives as "messageerror" with the coded error; the port goes on', async () => {
    assert.deepEqual(await run('message-error.mjs'), { code: 'ERR_MODMAP_FOREIGN_HEAP', name: 'Error', next: 'still works' });
  });

  test('an uncloneable message throws Node’s own DataCloneError, and nothing is sent', async () => {
    const [withModmap, without] = await Promise.all([run('data-clone.mjs'), run('data-clone.mjs', { register: false })]);
    assert.deepEqual(withModmap, without);
    for (const [name, { error, firstReceived }] of Object.entries(withModmap)) {
      assert.equal(error?.name, 'DataCloneError', `${name}: error`);
      assert.equal(firstReceived, 'sentinel', `${name}: nothing half-sent`);
    }
  });

  test('a block whose dependency fails in the receiver: the message arrives, import() rejects with that error', async () => {
    assert.deepEqual(await run('failing-dep.mjs'), {
      note: 'arrived', isModule: true, sameErrorAgain: true, main: 'loaded in main',
      error: { message: 'refuses-workers.mjs cannot load in a worker', code: 'FIXTURE_REFUSED', name: 'Error' },
    });
  });

  test('a worker’s own worker (started with execArgv: []) runs modmap and shares the heap', async () => {
    assert.deepEqual(await run('nested-workers.mjs'), {
      depth1Same: true, depth2Same: true, grandchildResult: 6, backSame: true, n: 2,
    });
  });

  test('structuredClone keeps modmap values canonical; an envelope look-alike arrives as sent', async () => {
    assert.deepEqual(await run('clone.mjs'), {
      moduleSame: true, structSame: true, writesShared: 2, plainCopied: true, lookalikeIntact: true,
      missingArgument: 'TypeError',
    });
  });

  test('shared structs, arrays and mutexes cross in messages and workerData as the same shared objects', async () => {
    assert.deepEqual(await run('structs.mjs'), {
      sharedRef: true, arrayHoldsSame: true, mutexArrived: true, listLength: 100000, headValue: 99999,
      workerDataStruct: 'from workerData', backSame: true, workerWrote: 'written by worker',
      madeInWorker: 'made in worker', madeLinked: true, configWrite: 'changed by worker',
    });
  });
});
