// The browser suite, run by `npm test` (test/run.mjs) after the Node suites: @web/test-runner with Debian's
// Chromium over test/browser/*.test.js, once per page loader (see web-test-runner.config.mjs), then
// test/browser/pages.test.mjs, cli.test.mjs and shim-graph.test.mjs (node:test). Exits non-zero on any failure, and when no
// Chromium is installed (install it with `apt-get install -y chromium`, or set CHROMIUM_PATH).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(`# browser suite: FAILED, no Chromium at ${chromium} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  process.exit(1);
}
if (!existsSync(`${root}dist/src/browser/shim.js`)) {
  console.error('# browser suite: FAILED, dist/ is not built (npm run build)');
  process.exit(1);
}
console.log(`# browser: Chromium at ${chromium}, @web/test-runner, test/browser/*.test.js`);
const bin = `${root}node_modules/@web/test-runner/dist/bin.js`;
const r = spawnSync(process.execPath, [bin, '--config', 'web-test-runner.config.mjs'], {
  cwd: root, stdio: 'inherit', env: { ...process.env, CHROMIUM_PATH: chromium },
});
let status = r.status ?? 1;
// Pages with their own headers (no isolation; a strict CSP), driven through puppeteer-core: test/browser/pages.test.mjs.
console.log('# browser: pages without cross-origin isolation and under a strict CSP; the import map CLI');
const pages = spawnSync(process.execPath, ['--test', '--test-reporter=spec', 'test/browser/pages.test.mjs', 'test/browser/cli.test.mjs', 'test/browser/shim-graph.test.mjs'], {
  cwd: root, stdio: 'inherit', env: { ...process.env, CHROMIUM_PATH: chromium },
});
if (status === 0) status = pages.status ?? 1;
console.log(status === 0 ? '# browser suite: passed' : `# browser suite: FAILED (test runner exit ${r.status ?? r.signal}, pages exit ${pages.status ?? pages.signal})`);
process.exit(status);
