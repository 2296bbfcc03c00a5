// The message codec on its own (no workers): structuredClone stands in for the host's postMessage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  registerCodec, encodeMessage, decodeMessage, isEnvelope, containsModmapValue, ENVELOPE_KEY,
} from '../../dist/src/transport/codec.js';

class Thing {
  #id;
  constructor(id) { this.#id = id; }
  static idOf(v) { return #id in v ? v.#id : undefined; }
}
const things = new Map();
const thing = (id) => { if (!things.has(id)) things.set(id, new Thing(id)); return things.get(id); };
let encodes = 0;
registerCodec({
  name: 'test-thing',
  matches: (v) => Thing.idOf(v) !== undefined,
  encode: (v) => { encodes++; if (Thing.idOf(v) === 'bad') throw new TypeError('refused'); return Thing.idOf(v); },
  decode: (id) => thing(id),
});

const send = (message) => decodeMessage(structuredClone(encodeMessage(message)));

test('messages without codec values are handed over untouched (no copy)', () => {
  const cyclic = { a: [1, 2, { b: new Map([['k', new Set([1])]]) }] };
  cyclic.self = cyclic;
  for (const m of [undefined, null, 0, 'text', 10n, true, [], {}, cyclic, new Map(), new Uint8Array(4), Object.create(null)]) {
    assert.equal(encodeMessage(m), m, `passes ${typeof m} through`);
    assert.equal(containsModmapValue(m), false);
  }
  assert.equal(decodeMessage(cyclic), cyclic, 'plain receive returns the data itself');
});

test('a value at the root, in arrays, objects, Map keys and values, Sets', () => {
  const a = thing('a');
  const out = send({ list: [1, a, [a]], map: new Map([[a, 'k'], ['v', a]]), set: new Set(['x', a]), deep: { b: { c: a } } });
  assert.equal(out.list[1], a);
  assert.equal(out.list[2][0], a);
  assert.equal(out.map.get(a), 'k');
  assert.equal(out.map.get('v'), a);
  assert.deepEqual([...out.map.keys()], [a, 'v'], 'Map order kept');
  assert.deepEqual([...out.set], ['x', a], 'Set order kept');
  assert.equal(out.deep.b.c, a);
  assert.equal(send(a), a, 'root value');
});

test('shared references and cycles survive, holes stay holes, the sender is not mutated', () => {
  const a = thing('a');
  const shared = { a };
  const cycle = { a };
  cycle.self = cycle;
  const list = [a, , 'end']; // eslint-disable-line no-sparse-arrays
  const message = { shared, again: shared, cycle, list };
  const out = send(message);
  assert.equal(out.shared, out.again);
  assert.equal(out.cycle.self, out.cycle);
  assert.equal(out.cycle.a, a);
  assert.equal(out.list.length, 3);
  assert.equal(1 in out.list, false, 'hole kept');
  assert.equal(message.shared.a, a);
  assert.equal(message.cycle.self, cycle);
  assert.equal(message.list[0], a);
  assert.equal(ENVELOPE_KEY in message, false);
});

test('one payload per distinct value, however often it occurs', () => {
  const a = thing('a');
  const before = encodes;
  const envelope = encodeMessage([a, a, { a }, new Set([a])]);
  assert.equal(encodes - before, 1);
  assert.equal(envelope.slots.length, 3);
  assert.ok(isEnvelope(structuredClone(envelope)));
});

test('a codec error stops the send', () => {
  assert.throws(() => encodeMessage({ list: [thing('ok'), thing('bad')] }), { name: 'TypeError', message: 'refused' });
});

test('class instances are leaves: structured clone flattens them anyway', () => {
  class Box { constructor(v) { this.v = v; } }
  const box = new Box(thing('a'));
  assert.equal(encodeMessage(box), box);
});

test('deep plain messages do not overflow the walk', () => {
  let list = null;
  for (let i = 0; i < 200_000; i++) list = { next: list };
  assert.equal(encodeMessage(list), list);
});

test('an envelope naming an unknown kind is refused on receive', () => {
  const envelope = structuredClone(encodeMessage([thing('a')]));
  envelope.slots[1] = 'no-such-kind';
  assert.throws(() => decodeMessage(envelope), TypeError);
});

test('a user message that uses the envelope key arrives as sent', () => {
  const lookalike = { [ENVELOPE_KEY]: 1, root: 'user data', slots: 'not an array' };
  const wire = encodeMessage(lookalike);
  assert.notEqual(wire, lookalike, 'wrapped');
  assert.deepEqual(decodeMessage(structuredClone(wire)), lookalike);
  assert.equal(lookalike.slots, 'not an array', 'sender untouched');
});

test('an own "__proto__" key is copied and decoded as data, as structured clone does', () => {
  const a = thing('a');
  const message = JSON.parse('{"__proto__": {"x": 1}, "other": 2}');
  message.m = a;
  Object.defineProperty(message, '__proto__', { value: a, enumerable: true, writable: true, configurable: true });
  const out = send(message);
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.ok(Object.hasOwn(out, '__proto__'));
  assert.equal(Object.getOwnPropertyDescriptor(out, '__proto__').value, a);
  assert.equal(out.m, a);
  assert.equal(out.other, 2);
});

test('the scan finds values past its fast path: deep, cyclic, and behind heavily shared references', () => {
  const a = thing('a');
  let deep = { a };
  for (let i = 0; i < 100; i++) deep = { next: deep };
  assert.ok(containsModmapValue(deep), 'at depth 100');
  const cycle = { list: [] };
  cycle.list.push(cycle, { inner: { a } });
  assert.ok(containsModmapValue(cycle), 'in a cyclic message');
  // 2^24 paths through 24 shared layers: the fast path gives up by its node budget, the full scan visits each once.
  let layer = { a };
  for (let i = 0; i < 24; i++) layer = [layer, layer];
  const started = performance.now();
  assert.ok(containsModmapValue([layer, 'x']));
  let plain = { n: 1 };
  for (let i = 0; i < 24; i++) plain = [plain, plain];
  assert.equal(encodeMessage(plain), plain);
  assert.ok(performance.now() - started < 2000, 'bounded work on shared layers');
  let received = send(deep);
  for (let i = 0; i < 100; i++) received = received.next;
  assert.equal(received.a, a, 'decoded at depth 100');
});
