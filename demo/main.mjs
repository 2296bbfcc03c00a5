// `npm start`: modmap in one run. Runs under `node --import modmap/register` (see package.json).
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

// Module blocks shipped to a worker pool (demo/pool.mjs), then shared structs with methods (demo/structs.mjs).
console.log('\n== a worker pool fed with module blocks');
const { main: pool } = await import('./pool.mjs');
await pool({ workers: 3 });
await import('./structs.mjs');
