#!/usr/bin/env node
// `modmap importmap [--root dir] [--base /path/] [--out file] [--dev] [--html]`
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateImportMap } from './importmap.mjs';

const usage = `Usage: modmap importmap [--root <dir>] [--base <url path>] [--out <file>] [--dev] [--html]

Writes an import map of the app's dependencies (package.json in --root, default the current folder), resolved from
node_modules with the browser conditions (browser, import, module, default). Addresses start with --base (default /),
the URL path at which --root is served. --dev adds devDependencies; --html wraps the map in a <script type="importmap">.`;

const [command, ...rest] = process.argv.slice(2);
if (command !== 'importmap') {
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
const { imports, scopes, warnings } = generateImportMap({
  root: resolve(values.root ?? '.'), base: values.base ?? '/', dev: values.dev === true,
});
for (const w of warnings) console.error(`modmap importmap: ${w}`);
const map = { imports };
if (Object.keys(scopes).length > 0) map.scopes = scopes;
const json = JSON.stringify(map, null, 2);
const text = values.html ? `<script type="importmap">\n${json}\n</script>\n` : `${json}\n`;
if (values.out) writeFileSync(values.out, text);
else process.stdout.write(text);
