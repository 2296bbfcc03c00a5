// The import map the browser suites and the bench serve: `npx modmap importmap` for the repository itself (its
// dependencies and its own exports), plus a scope for the fixtures, which find their packages the way Node finds
// them from fixtures/ (fixtures/node_modules). `node:module` is mapped for fixtures/blocks/main.mjs only: its last
// check loads a CommonJS file with createRequire, which a browser cannot do; the stub says so in its result.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { moduleResolve } from 'import-meta-resolve';
import { generateImportMap, BROWSER_CONDITIONS } from '../../bin/importmap.mjs';

export const root = fileURLToPath(new URL('../../', import.meta.url));

export function testImportMap() {
  const { imports, scopes, warnings } = generateImportMap({ root });
  if (warnings.length > 0) throw new Error(`import map: ${warnings.join('; ')}`);
  const fromFixtures = pathToFileURL(`${root}fixtures/blocks/main.mjs`).href;
  const fakePkg = moduleResolve('fake-pkg', fromFixtures, new Set(BROWSER_CONDITIONS)).href;
  scopes['/fixtures/'] = { 'fake-pkg': `/${fakePkg.slice(pathToFileURL(root).href.length)}` };
  scopes['/fixtures/blocks/'] = { ...scopes['/fixtures/'], 'node:module': '/fixtures/browser/node-module.mjs' };
  return { imports, scopes };
}
