// The import map the browser suites and the bench serve: `npx modmap importmap` for the repository itself (its
// dependencies and its own exports), plus a scope for the fixtures, which find their packages the way Node finds
// them from fixtures/ (fixtures/node_modules). `node:module` is mapped for fixtures/blocks/main.mjs only: its last
// check loads a CommonJS file with createRequire, which a browser cannot do; the stub says so in its result.
import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { moduleResolve } from 'import-meta-resolve';
import { generateImportMap, BROWSER_CONDITIONS } from '../../bin/importmap.mjs';

export const root = fileURLToPath(new URL('../../', import.meta.url));

// Node resolves packages to their real paths. In a git worktree whose node_modules is a symlink to another checkout's,
// those lie outside the worktree; the URL paths are the same from the checkout that really holds node_modules, so
// the map is generated from there (its package.json lists the same dependencies).
const mapRoot = `${dirname(realpathSync(join(root, 'node_modules')))}/`;

export function testImportMap() {
  const { imports, scopes, warnings } = generateImportMap({ root: mapRoot });
  if (warnings.length > 0) throw new Error(`import map: ${warnings.join('; ')}`);
  const fromFixtures = pathToFileURL(`${root}fixtures/blocks/main.mjs`).href;
  const fakePkg = moduleResolve('fake-pkg', fromFixtures, new Set(BROWSER_CONDITIONS)).href;
  scopes['/fixtures/'] = { 'fake-pkg': `/${fakePkg.slice(pathToFileURL(root).href.length)}` };
  scopes['/fixtures/blocks/'] = { ...scopes['/fixtures/'], 'node:module': '/fixtures/browser/node-module.mjs' };
  return { imports, scopes };
}
