// The message codec: modmap values (Module objects, shared structs, …) inside a message are replaced by small
// cloneable payloads on send and turned back into the receiving agent's canonical objects on receive.
//
// Platform-neutral: no Node or DOM APIs here, so the browser shim can reuse it. The Node wiring is in node.ts.
//
// Design, in three rules:
// 1. A message without modmap values is passed to the host untouched: same object, no copy. Finding out costs one
//    walk over the message's own containers (arrays, plain objects, Maps, Sets), which structured clone walks anyway.
// 2. A message with modmap values is copied, container by container (never the user's objects: they are not
//    mutated), with each value replaced by a placeholder object, and wrapped in an envelope: a plain object with the
//    reserved key ENVELOPE_KEY. The envelope lists the placeholders with their payloads, and the containers holding
//    them. Structured clone keeps object identity inside one message, so after cloning those references still point
//    into the received tree: decoding touches only what the envelope lists, never the whole message.
// 3. The receive side's test for "was anything encoded?" is one property read (isEnvelope): plain messages cost O(1).
//
// What counts as a container is deliberately the set of objects that structured clone copies member by member and
// whose members a user can read back: arrays (index properties), objects whose prototype is Object.prototype or
// null, Map and Set. Class instances, Errors, typed arrays, host objects (MessagePort, …) are passed through as they
// are; a modmap value hidden inside one of them is not found (structured clone would flatten such objects anyway).

/** One kind of modmap value that crosses agents as a payload. */
export interface Codec {
  /** Stable name, the same in every agent: it travels in the envelope. */
  readonly name: string;
  /** True when `value` (an object) is this codec's kind. Must be cheap and free of side effects. */
  matches(value: object): boolean;
  /** A structured-cloneable payload for `value`. May throw a coded error: the message is then not sent. */
  encode(value: object): unknown;
  /** The receiving agent's object for a payload made by `encode` in any agent. */
  decode(payload: unknown): unknown;
}

/** The key that marks an envelope. A user message that uses it is wrapped on send, so it still arrives as sent. */
export const ENVELOPE_KEY = 'modmap.envelope';
/** Envelope format version, the value under ENVELOPE_KEY. */
export const ENVELOPE_VERSION = 1;

/** The wire form of an encoded message. Every field is plain data, so the host can structured-clone it. */
export interface Envelope {
  readonly [ENVELOPE_KEY]: typeof ENVELOPE_VERSION;
  /** The message, with every modmap value replaced by its placeholder. */
  readonly root: unknown;
  /** Triples: placeholder object, codec name, payload. One triple per distinct modmap value. */
  readonly slots: unknown[];
  /** Pairs: an array or object of `root` and the key at which it holds a placeholder. */
  readonly props: unknown[];
  /** Maps and Sets of `root` that hold a placeholder as a key, value or member. */
  readonly colls: Array<Map<unknown, unknown> | Set<unknown>>;
}

const codecs: Codec[] = [];
const byName = new Map<string, Codec>();

/** Add a codec. Idempotent for the same codec object; a different codec under a taken name is refused. */
export function registerCodec(codec: Codec): void {
  const existing = byName.get(codec.name);
  if (existing === codec) return;
  if (existing !== undefined) throw new TypeError(`A modmap codec named ${codec.name} is already registered`);
  byName.set(codec.name, codec);
  codecs.push(codec);
}

const ObjectPrototype = Object.prototype;
const { getPrototypeOf } = Object;
const { isArray } = Array;

// Container kinds, as small integers for the hot loop.
const LEAF = 0;
const ARRAY = 1;
const RECORD = 2;
const MAP = 3;
const SET = 4;
const VALUE = 5;

function kindOf(v: object): number {
  if (isArray(v)) return ARRAY;
  const proto = getPrototypeOf(v);
  if (proto === ObjectPrototype) return RECORD;
  for (let i = 0; i < codecs.length; i++) if (codecs[i]!.matches(v)) return VALUE;
  if (proto === null) return RECORD;
  if (v instanceof Map) return MAP;
  if (v instanceof Set) return SET;
  return LEAF;
}

/**
 * True when `message` holds a modmap value anywhere a structured clone would copy it member by member.
 * Allocates nothing for messages up to FAST_SCAN_DEPTH levels deep.
 */
export function containsModmapValue(message: unknown): boolean {
  if (typeof message !== 'object' || message === null) return false;
  budget = FAST_SCAN_NODES;
  const quick = scanFast(message, 0);
  return quick === GAVE_UP ? scanAny(message) : quick === FOUND;
}

// Most messages are trees of modest depth. scanFast walks them recursively without a "seen" set (a Set of every
// object is what makes a scan of a large message expensive: ~5x slower on 200,000 objects). It gives up, and
// scanAny, which keeps one, takes over, past FAST_SCAN_DEPTH levels (which is how a cycle ends it) or after
// FAST_SCAN_NODES objects (which bounds what heavily shared references, visited once per path, can cost).
const FAST_SCAN_NODES = 1 << 20;
const FAST_SCAN_DEPTH = 32;
const NONE = 0;
const FOUND = 1;
const GAVE_UP = 2;
let budget = 0;

function scanFast(v: object, depth: number): number {
  if (--budget < 0 || depth > FAST_SCAN_DEPTH) return GAVE_UP;
  const kind = kindOf(v);
  if (kind === VALUE) return FOUND;
  let r = NONE;
  if (kind === ARRAY) {
    const a = v as unknown[];
    for (let i = 0; i < a.length; i++) {
      const c = a[i];
      if (typeof c === 'object' && c !== null && (r = scanFast(c, depth + 1)) !== NONE) return r;
    }
  } else if (kind === RECORD) {
    // for-in also visits enumerable properties inherited from Object.prototype, which has none unless something
    // polluted it; visiting them can only cause a needless envelope (the copy reads own keys), never a miss.
    // Skipping Object.hasOwn per key halves the scan of a small object.
    const o = v as Record<string, unknown>;
    for (const key in o) {
      const c = o[key];
      if (typeof c === 'object' && c !== null && (r = scanFast(c, depth + 1)) !== NONE) return r;
    }
  } else if (kind === MAP) {
    for (const [k, c] of v as Map<unknown, unknown>) {
      if (typeof k === 'object' && k !== null && (r = scanFast(k, depth + 1)) !== NONE) return r;
      if (typeof c === 'object' && c !== null && (r = scanFast(c, depth + 1)) !== NONE) return r;
    }
  } else if (kind === SET) {
    for (const c of v as Set<unknown>) {
      if (typeof c === 'object' && c !== null && (r = scanFast(c, depth + 1)) !== NONE) return r;
    }
  }
  return NONE;
}

/** Any message, any shape: iterative (a deep message is not refused here before the host decides), with a seen set. */
function scanAny(message: object): boolean {
  const stack: object[] = [message];
  const seen = new Set<object>(stack);
  const visit = (child: unknown): void => {
    if (typeof child !== 'object' || child === null || seen.has(child)) return;
    seen.add(child);
    stack.push(child);
  };
  for (let current = stack.pop(); current !== undefined; current = stack.pop()) {
    const kind = kindOf(current);
    if (kind === VALUE) return true;
    if (kind === ARRAY) {
      const a = current as unknown[];
      for (let i = 0; i < a.length; i++) visit(a[i]);
    } else if (kind === RECORD) {
      const r = current as Record<string, unknown>;
      for (const key in r) if (Object.hasOwn(r, key)) visit(r[key]);
    } else if (kind === MAP) {
      for (const [k, v] of current as Map<unknown, unknown>) { visit(k); visit(v); }
    } else if (kind === SET) {
      for (const v of current as Set<unknown>) visit(v);
    }
  }
  return false;
}

/**
 * What to hand the host for `message`: `message` itself when it holds no modmap value (the common case, no copy),
 * otherwise an Envelope. Throws whatever a codec throws; nothing is sent then.
 */
export function encodeMessage(message: unknown): unknown {
  if (containsModmapValue(message)) return buildEnvelope(message);
  // A user message that happens to look like an envelope is wrapped in a real one (with nothing to decode), so the
  // receiver never mistakes user data for modmap's. One property read; no other message pays more.
  if (isEnvelope(message)) return { [ENVELOPE_KEY]: ENVELOPE_VERSION, root: message, slots: [], props: [], colls: [] };
  return message;
}

function buildEnvelope(message: unknown): Envelope {
  const slots: unknown[] = [];
  const props: unknown[] = [];
  const colls: Array<Map<unknown, unknown> | Set<unknown>> = [];
  // original object -> its copy, or its placeholder for a modmap value: keeps shared references and cycles intact.
  const memo = new Map<object, object>();
  const pending: Array<[object, object, number]> = [];
  const placeholders = new Set<object>();

  // The stand-in for `v` in the copy; queues containers to be filled.
  const convert = (v: unknown): { out: unknown; placeholder: boolean } => {
    if (typeof v !== 'object' || v === null) return { out: v, placeholder: false };
    const known = memo.get(v);
    if (known !== undefined) return { out: known, placeholder: placeholders.has(known) };
    const kind = kindOf(v);
    let copy: object;
    switch (kind) {
      case LEAF: return { out: v, placeholder: false };
      case VALUE: {
        const codec = codecs.find((c) => c.matches(v))!;
        const ph = {};
        slots.push(ph, codec.name, codec.encode(v));
        placeholders.add(ph);
        memo.set(v, ph);
        return { out: ph, placeholder: true };
      }
      case ARRAY: copy = new Array((v as unknown[]).length); break;
      case RECORD: copy = {}; break;
      case MAP: copy = new Map(); break;
      default: copy = new Set(); break;
    }
    memo.set(v, copy);
    pending.push([v, copy, kind]);
    return { out: copy, placeholder: false };
  };

  const root = convert(message).out;
  while (pending.length > 0) {
    const [src, dst, kind] = pending.pop()!;
    if (kind === ARRAY) {
      const a = src as unknown[];
      const b = dst as unknown[];
      for (let i = 0; i < a.length; i++) {
        const item = a[i];
        if (item === undefined && !(i in a)) continue; // keep holes
        const c = convert(item);
        b[i] = c.out;
        if (c.placeholder) props.push(b, i);
      }
    } else if (kind === RECORD) {
      const r = src as Record<string, unknown>;
      const o = dst as Record<string, unknown>;
      for (const key of Object.keys(r)) {
        const c = convert(r[key]);
        setOwn(o, key, c.out);
        if (c.placeholder) props.push(o, key);
      }
    } else if (kind === MAP) {
      const m = dst as Map<unknown, unknown>;
      let holds = false;
      for (const [k, v] of src as Map<unknown, unknown>) {
        const ck = convert(k);
        const cv = convert(v);
        m.set(ck.out, cv.out);
        holds ||= ck.placeholder || cv.placeholder;
      }
      if (holds) colls.push(m);
    } else {
      const s = dst as Set<unknown>;
      let holds = false;
      for (const v of src as Set<unknown>) {
        const c = convert(v);
        s.add(c.out);
        holds ||= c.placeholder;
      }
      if (holds) colls.push(s);
    }
  }
  return { [ENVELOPE_KEY]: ENVELOPE_VERSION, root, slots, props, colls };
}

/** `o[key] = v` as an own data property, also for the key `__proto__` (which plain assignment would not create). */
function setOwn(o: Record<string, unknown>, key: string, v: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value: v, writable: true, enumerable: true, configurable: true });
  else o[key] = v;
}

/** O(1): does a received message carry encoded modmap values? */
export function isEnvelope(data: unknown): data is Envelope {
  return typeof data === 'object' && data !== null && (data as Record<string, unknown>)[ENVELOPE_KEY] === ENVELOPE_VERSION;
}

/**
 * Undo {@link encodeMessage} on a received (already cloned) envelope, in place: the tree is the receiver's own copy.
 * Cost: the number of modmap values plus the size of the Maps and Sets that hold them.
 */
export function decodeEnvelope(envelope: Envelope): unknown {
  const { root, slots, props, colls } = envelope;
  if (!Array.isArray(slots) || !Array.isArray(props) || !Array.isArray(colls) || slots.length % 3 !== 0) {
    throw new TypeError('Malformed modmap message envelope');
  }
  const values = new Map<unknown, unknown>();
  for (let i = 0; i < slots.length; i += 3) {
    const codec = byName.get(slots[i + 1] as string);
    if (codec === undefined) throw new TypeError(`A modmap message holds a value of unknown kind ${String(slots[i + 1])}`);
    values.set(slots[i], codec.decode(slots[i + 2]));
  }
  for (let i = 0; i < props.length; i += 2) {
    const holder = props[i] as Record<string, unknown>;
    const key = props[i + 1] as string;
    setOwn(holder, key, values.get(holder[key]));
  }
  const swap = (v: unknown): unknown => (values.has(v) ? values.get(v) : v);
  for (const coll of colls) {
    if (coll instanceof Map) {
      const entries = [...coll];
      coll.clear();
      for (const [k, v] of entries) coll.set(swap(k), swap(v));
    } else {
      const members = [...coll];
      coll.clear();
      for (const v of members) coll.add(swap(v));
    }
  }
  return swap(root);
}

/** Decode `data` if it is an envelope; any other value is returned as it is. */
export function decodeMessage(data: unknown): unknown {
  return isEnvelope(data) ? decodeEnvelope(data) : data;
}
