// `modmap importmap` (bin/modmap.mjs): browser conditions, exported subpaths and patterns, packages without
// exports, scopes for nested versions, the --base prefix, and a clear failure for a missing dependency.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../bin/modmap.mjs', import.meta.url));

function write(root, files) {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content));
  }
}

test('modmap importmap writes the browser-condition import map of an app', () => {
  const root = mkdtempSync(join(tmpdir(), 'modmap-cli-'));
  try {
    write(root, {
      'package.json': { name: 'app', dependencies: { 'dep-a': '1', 'dep-b': '1', 'dep-c': '1' } },
      'node_modules/dep-a/package.json': {
        name: 'dep-a', type: 'module', dependencies: { 'dep-b': '2' },
        exports: {
          '.': { node: './node.js', browser: './browser.js', default: './index.js' },
          './feature/*': './src/feature/*.js',
          './package.json': './package.json',
        },
      },
      'node_modules/dep-a/browser.js': 'export default 1;',
      'node_modules/dep-a/node.js': 'export default 1;',
      'node_modules/dep-a/index.js': 'export default 1;',
      'node_modules/dep-a/src/feature/x.js': 'export default 1;',
      'node_modules/dep-a/node_modules/dep-b/package.json': { name: 'dep-b', version: '2.0.0', exports: './two.js' },
      'node_modules/dep-a/node_modules/dep-b/two.js': 'export default 2;',
      'node_modules/dep-b/package.json': { name: 'dep-b', version: '1.0.0', exports: './one.js' },
      'node_modules/dep-b/one.js': 'export default 1;',
      'node_modules/dep-c/package.json': { name: 'dep-c', main: 'lib/main.js' },
      'node_modules/dep-c/lib/main.js': 'module.exports = 1;',
    });
    const r = spawnSync(process.execPath, [cli, 'importmap', '--root', root, '--base', '/app/'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.deepEqual(JSON.parse(r.stdout), {
      imports: {
        'dep-a': '/app/node_modules/dep-a/browser.js', // the browser condition, not node or default
        'dep-a/feature/x': '/app/node_modules/dep-a/src/feature/x.js', // './feature/*' -> './src/feature/*.js'
        'dep-a/package.json': '/app/node_modules/dep-a/package.json',
        'dep-b': '/app/node_modules/dep-b/one.js',
        'dep-c': '/app/node_modules/dep-c/lib/main.js',
        'dep-c/': '/app/node_modules/dep-c/',
      },
      scopes: {
        '/app/node_modules/dep-a/': { 'dep-b': '/app/node_modules/dep-a/node_modules/dep-b/two.js' },
      },
    });

    const html = spawnSync(process.execPath, [cli, 'importmap', '--root', root, '--html'], { encoding: 'utf8' });
    assert.match(html.stdout, /^<script type="importmap">\n\{/);
    assert.match(html.stdout, /"dep-a": "\/node_modules\/dep-a\/browser.js"/);

    rmSync(join(root, 'node_modules/dep-c'), { recursive: true });
    const missing = spawnSync(process.execPath, [cli, 'importmap', '--root', root], { encoding: 'utf8' });
    assert.match(missing.stderr, /dep-c: not installed/);
    const bad = spawnSync(process.execPath, [cli, 'nope'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /Usage: modmap importmap/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('modmap sw writes the one-line Service Worker module that imports modmap\'s sw.js under --base', () => {
  const root = mkdtempSync(join(tmpdir(), 'modmap-cli-'));
  try {
    write(root, {
      'package.json': { name: 'app', dependencies: { modmap: '0.1.0' } },
      'node_modules/modmap/package.json': {
        name: 'modmap', type: 'module',
        exports: { '.': './dist/src/index.js', './shim': { types: './dist/src/browser/shim.d.ts', default: './dist/src/browser/shim.js' } },
      },
      'node_modules/modmap/dist/src/browser/shim.js': '',
      'node_modules/modmap/dist/src/browser/sw.js': '',
    });
    const r = spawnSync(process.execPath, [cli, 'sw', '--root', root, '--base', '/app/'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^\/\/ modmap's Service Worker/);
    assert.equal(r.stdout.split('\n')[1], 'import "/app/node_modules/modmap/dist/src/browser/sw.js";');
    rmSync(join(root, 'node_modules/modmap'), { recursive: true });
    const missing = spawnSync(process.execPath, [cli, 'sw', '--root', root], { encoding: 'utf8' });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /modmap is not installed/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
