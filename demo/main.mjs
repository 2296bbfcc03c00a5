// `npm start`: modmap in one run. Runs under `node --import modmap/register` (see package.json).
import { existsSync } from 'node:fs';

const section = (title) => console.log(`\n== ${title}`);

section('module expressions');
const greeter = module {
  export const greeting = `hello from a block of ${import.meta.url.split('/').pop()}`;
  export function shout(s) { return s.toUpperCase() + '!'; }
};
console.log('typeof greeter:', typeof greeter, '| instanceof Module:', greeter instanceof Module);
console.log('source text:', JSON.stringify(String(greeter).slice(0, 40) + '…'));
const ns = await import(greeter);
console.log(ns.greeting, '|', ns.shout('imported once'), '| same namespace again:', ns === await import(greeter));

const copies = [];
for (let i = 0; i < 3; i++) copies.push(module { export const made = Math.random(); });
const [a, b] = await Promise.all([import(copies[0]), import(copies[2])]);
console.log('identity by position: three evaluations, one module:', a === b, a.made === b.made);

// The worker pool (transport) and shared-struct parts of the demo live beside this file.
for (const part of ['./pool.mjs', './structs.mjs']) {
  if (existsSync(new URL(part, import.meta.url))) await import(part);
}
