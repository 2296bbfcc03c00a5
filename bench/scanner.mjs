// Scanner throughput against es-module-lexer's parse, on typescript@5's lib/typescript.js (9.1 MB), same run.
//
//   node bench/scanner.mjs [--quick]     prints JSON
//
// scanVsLexer = modmap throughput ÷ es-module-lexer throughput (a throughput ratio: HIGHER is better; target ≥ 0.5).
// Method: interleaved rounds, after warm-up, minimum time of each (the least disturbed round), as es-module-lexer's
// own bench does. What is timed for modmap is transformModule(), exactly what the loader runs on every ESM file.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { init, parse } from 'es-module-lexer';
import { transformModule } from '../dist/src/transform.js';

const require = createRequire(import.meta.url);

export async function run({ quick = false } = {}) {
  await init();
  const file = require.resolve('typescript5/lib/typescript.js');
  const src = readFileSync(file, 'utf8');
  const url = 'file:///bench/typescript.js';
  const rounds = quick ? 5 : 15;
  let lexer = Infinity;
  let scanner = Infinity;
  for (let i = 0; i < 3; i++) { parse(src); transformModule(src, { url }); }
  for (let r = 0; r < rounds; r++) {
    let t = process.hrtime.bigint();
    parse(src);
    lexer = Math.min(lexer, Number(process.hrtime.bigint() - t) / 1e6);
    t = process.hrtime.bigint();
    const out = transformModule(src, { url });
    scanner = Math.min(scanner, Number(process.hrtime.bigint() - t) / 1e6);
    if (out !== src) throw new Error('typescript.js has no module expression and no dynamic import: it must pass through');
  }
  const mb = src.length / 1e6;
  return {
    scanVsLexer: lexer / scanner,
    details: {
      file: 'typescript@5 lib/typescript.js',
      megabytes: +mb.toFixed(2),
      lexerMs: +lexer.toFixed(2),
      scannerMs: +scanner.toFixed(2),
      lexerMBps: +(mb / (lexer / 1000)).toFixed(0),
      scannerMBps: +(mb / (scanner / 1000)).toFixed(0),
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await run({ quick: process.argv.includes('--quick') }), null, 2));
}
