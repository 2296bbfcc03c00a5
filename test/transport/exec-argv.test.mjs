// How workers keep modmap's --import (pure helpers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { relative } from 'node:path';
import {
  REGISTER_URL, hasRegisterImport, isRegisterSpecifier, nodeOptionsArgs, workerExecArgv,
} from '../../dist/src/transport/exec-argv.js';

test('the register entry is recognised in every form', () => {
  const path = new URL(REGISTER_URL).pathname;
  for (const spec of ['modmap/register', REGISTER_URL, path, `./${relative(process.cwd(), path)}`]) {
    assert.ok(isRegisterSpecifier(spec), spec);
  }
  for (const spec of ['other/register', './register.js', pathToFileURL('/elsewhere/register.js').href]) {
    assert.equal(isRegisterSpecifier(spec), false, spec);
  }
  assert.ok(hasRegisterImport(['--import', 'modmap/register']));
  assert.ok(hasRegisterImport(['--no-warnings', '--import=modmap/register']));
  assert.equal(hasRegisterImport(['--import', 'tsx', 'modmap/register']), false, 'a positional is not an import');
  assert.equal(hasRegisterImport(['--import']), false);
});

test('explicit execArgv gets the entry appended, without touching the caller’s array', () => {
  const requested = Object.freeze(['--no-warnings']);
  assert.deepEqual(workerExecArgv(requested, [], undefined), ['--no-warnings', `--import=${REGISTER_URL}`]);
  assert.deepEqual(workerExecArgv([], [], undefined), [`--import=${REGISTER_URL}`]);
  assert.deepEqual(workerExecArgv(['--import=modmap/register'], [], undefined), ['--import=modmap/register']);
});

test('inherited execArgv is left alone when this agent got the entry from its command line or NODE_OPTIONS', () => {
  assert.equal(workerExecArgv(undefined, ['--import', 'modmap/register'], undefined), undefined);
  assert.equal(workerExecArgv(undefined, [], '--max-old-space-size=100 --import=modmap/register'), undefined);
  assert.equal(workerExecArgv(undefined, [], '--import "modmap/register"'), undefined);
  assert.deepEqual(workerExecArgv(undefined, ['--no-warnings'], undefined), ['--no-warnings', `--import=${REGISTER_URL}`]);
});

test('NODE_OPTIONS is split like Node splits it', () => {
  assert.deepEqual(nodeOptionsArgs(' --a  "b c" --d="e" '), ['--a', 'b c', '--d=e']);
  assert.deepEqual(nodeOptionsArgs(undefined), []);
});

test('an inherited list made explicit drops the main program’s own code (node -e / -p)', () => {
  assert.deepEqual(
    workerExecArgv(undefined, ['-e', 'code()', '--no-warnings', '--print=1', '-p', 'x'], undefined),
    ['--no-warnings', `--import=${REGISTER_URL}`],
  );
});
