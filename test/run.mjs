// `npm test`: every Node suite, with node:test, on the Node that runs this script. Node 20's `--test` takes no
// globs, so the files are listed here. Browser suites join through test/browser/run.mjs once they exist.
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const skip = new Set(['fixtures', 'helpers', 'browser', 'types', '.tmp']);

function collect(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) { if (!skip.has(entry.name)) collect(full, out); }
    else if (entry.name.endsWith('.test.mjs')) out.push(relative(root, full));
  }
  return out.sort();
}

const only = process.argv.slice(2);
const files = only.length > 0 ? only : collect(join(root, 'test'));
console.log(`# node ${process.version}: ${files.length} test files`);
const concurrency = process.env.CI ? '1' : '2';
const args = ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files];
const node = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
let status = node.status ?? 1;

const browser = join(root, 'test', 'browser', 'run.mjs');
if (status === 0 && only.length === 0 && existsSync(browser) && !process.env.MODMAP_SKIP_BROWSER) {
  const b = spawnSync(process.execPath, [browser], { cwd: root, stdio: 'inherit' });
  status = b.status ?? 1;
}
process.exit(status);
