#!/usr/bin/env node
// `modmap importmap [--root dir] [--base /path/] [--out file] [--dev] [--html]`
// `modmap sw [--root dir] [--base /path/] [--out file]`
import { writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { moduleResolve } from 'import-meta-resolve';
import { BROWSER_CONDITIONS, generateImportMap } from './importmap.mjs';

const usage = `Usage: modmap importmap [--root <dir>] [--base <url path>] [--out <file>] [--dev] [--html]
       modmap sw [--root <dir>] [--base <url path>] [--out <file>]

importmap: writes an import map of the app's dependencies (package.json in --root, default the current folder),
resolved from node_modules with the browser conditions (browser, import, module, default). Addresses start with
--base (default /), the URL path at which --root is served. --dev adds devDependencies; --html wraps the map in a
<script type="importmap">.

sw: writes modmap's Service Worker as a one-line module to serve from the app's root (for example as
/modmap-sw.js), so that its scope may be the whole app without a Service-Worker-Allowed header. Name it in the
page: <meta name="modmap-service-worker" content="url=/modmap-sw.js, scope=/">.`;

const [command, ...rest] = process.argv.slice(2);
if (command !== 'importmap' && command !== 'sw') {
  console.error(command === undefined || command === '--help' || command === '-h' ? usage : `Unknown command ${command}\n\n${usage}`);
  process.exit(command === '--help' || command === '-h' ? 0 : 2);
}
let values;
try {
  ({ values } = parseArgs({
    args: rest,
    options: {
      root: { type: 'string' }, base: { type: 'string' }, out: { type: 'string' },
      dev: { type: 'boolean' }, html: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  console.error(`${error.message}\n\n${usage}`);
  process.exit(2);
}
if (values.help) { console.log(usage); process.exit(0); }
const root = resolve(values.root ?? '.');
const base = values.base ?? '/';

let text;
if (command === 'sw') {
  // modmap's sw.js sits next to the shim, which the package exports as modmap/shim.
  let shim;
  try {
    shim = fileURLToPath(moduleResolve('modmap/shim', pathToFileURL(join(root, 'package.json')).href, new Set(BROWSER_CONDITIONS)));
  } catch (error) {
    console.error(`modmap sw: modmap is not installed under ${root} (${error.message.split('\n')[0]})`);
    process.exit(1);
  }
  const rel = relative(root, join(shim, '..', 'sw.js')).split(sep).join('/');
  if (rel.startsWith('..')) {
    console.error(`modmap sw: ${rel} is outside ${root}; serve it under the app's root`);
    process.exit(1);
  }
  const url = `${base.endsWith('/') ? base : `${base}/`}${rel}`;
  text = "// modmap's Service Worker (`npx modmap sw`): serve this file from the app's root; see modmap's README, Browser.\n" +
    `import ${JSON.stringify(url)};\n`;
} else {
  const { imports, scopes, warnings } = generateImportMap({ root, base, dev: values.dev === true });
  for (const w of warnings) console.error(`modmap importmap: ${w}`);
  const map = { imports };
  if (Object.keys(scopes).length > 0) map.scopes = scopes;
  const json = JSON.stringify(map, null, 2);
  text = values.html ? `<script type="importmap">\n${json}\n</script>\n` : `${json}\n`;
}
if (values.out) writeFileSync(values.out, text);
else process.stdout.write(text);
