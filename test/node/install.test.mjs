// The register entry as an install: what two copies of modmap in one agent do, and what start-up loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fixture, runNode, root } from '../helpers/run-node.mjs';

/** A second copy of the built package, as a second node_modules/modmap folder would be. */
function secondCopy() {
  const dir = join(root, 'test', '.tmp', `copy-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(join(root, 'dist'), join(dir, 'dist'), { recursive: true });
  cpSync(join(root, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

test('a second copy of modmap in one agent is refused with ERR_MODMAP_DUPLICATE_INSTALL, naming both copies', async (t) => {
  const copy = secondCopy();
  t.after(() => rmSync(copy, { recursive: true, force: true }));
  const copyRegister = pathToFileURL(join(copy, 'dist/src/node/register.bundle.js')).href;
  const ours = pathToFileURL(join(root, 'dist/src/module-expression.js')).href;
  const theirs = pathToFileURL(join(copy, 'dist/src/module-expression.js')).href;
  const app = join(copy, 'app.mjs');
  writeFileSync(app, "console.log(JSON.stringify({ ran: true }));\n");
  for (const order of [['modmap/register', copyRegister], [copyRegister, 'modmap/register']]) {
    const r = await runNode([app], { register: false, execArgv: order.flatMap((entry) => ['--import', entry]) });
    assert.notEqual(r.code, 0, `${order.join(' then ')}: the program does not run`);
    assert.equal(r.json, undefined, 'the app never ran');
    assert.match(r.stderr, /ERR_MODMAP_DUPLICATE_INSTALL/);
    assert.ok(r.stderr.includes(ours) && r.stderr.includes(theirs), `both copies are named:\n${r.stderr}`);
  }
  // The same copy twice (two --import flags naming it) is one module, installed once.
  const twice = await runNode([app], { execArgv: ['--import', 'modmap/register'] });
  assert.equal(twice.code, 0, twice.stderr);
  assert.deepEqual(twice.json, { ran: true });
});

// The lazy parts need the in-thread hooks (module.registerHooks: Node 22.15+, 24+); Node 20's hooks thread loads the
// transport at start-up.
const syncHooks = typeof (await import('node:module')).registerHooks === 'function';

test('start-up loads nothing of modmap but the register bundle; each part loads on the first use that needs it', { skip: !syncHooks && 'no module.registerHooks' }, async () => {
  const r = await runNode([fixture('install/app.mjs')], { execArgv: ['--import', pathToFileURL(fixture('install/spy.mjs')).href] });
  assert.equal(r.code, 0, r.stderr);
  const steps = r.json;
  // At start-up: only what transforming app.mjs itself needs (it holds module blocks), and no node:worker_threads.
  assert.equal(steps.threadsAtStart, false);
  assert.deepEqual(steps.start.sort(), ['src/candidate.js', 'src/errors.js', 'src/scanner.js', 'src/transform.js']);
  // A clone with no modmap value in it: the host's structuredClone, nothing loads.
  assert.equal(steps.plainClone, true);
  assert.deepEqual(steps.afterPlainClone, []);
  // Importing worker_threads brings the transport, one bundle, before the app gets the module.
  assert.deepEqual(steps.afterWorkerThreads, ['src/transport/node.bundle.js']);
  // The first module expression evaluated brings the runtime (not the transport again, not the struct engine).
  assert.ok(steps.afterBlock.includes('src/module-expression.js'), steps.afterBlock.join());
  assert.ok(!steps.afterBlock.some((f) => f.startsWith('src/structs/') || f.startsWith('src/transport/')), steps.afterBlock.join());
  // structuredClone of a Module gives the Module itself (SPEC §6).
  assert.equal(steps.sameBlock, true);
  // Starting a worker brings the struct engine (the worker shares this agent's heap).
  assert.ok(steps.afterWorker.includes('src/structs/index.js'), steps.afterWorker.join());
  assert.equal(steps.fromWorker, 7);
});
