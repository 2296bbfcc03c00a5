// Encoding of field values into one Int32 word, and the immutable boxes behind the words that need more room.
//
// A field (or SharedArray element) is exactly one aligned Int32 word:
//   odd word w            a small integer, w >> 1, in [-2^30, 2^30)
//   0, 2, 4, 6            undefined, null, false, true
//   any other even word   the word address of an immutable block: a number box (K_F64), a string (K_STRING),
//                         a bigint (K_BIGINT), or a shared object (struct, array, mutex, condition)
// Boxes are fully written before their address is published with Atomics.store, and every reader that
// dereferences an address obtained it from Atomics.load (see readSlot), so a reader that sees the address
// also sees the whole box (the store synchronizes-with the load). Integer TypedArray accesses never tear,
// so a word is always exactly one written word. Together: a field never tears, whatever its length.

import { codes } from '../errors.js';
import { alloc, ensureMapped, f64, i32, u16, K_BIGINT, K_F64, K_STRING } from './heap.js';

export const W_UNDEFINED = 0;
export const W_NULL = 2;
export const W_FALSE = 4;
export const W_TRUE = 6;

/** Is `v` a number that fits the inline small-integer encoding? */
export function isSmallInt(v: number): boolean {
  return ((v << 1) >> 1) === v && (v !== 0 || 1 / v > 0);
}

// Number boxes: [K_F64, c0, c1, c2]. The 64 bits of the double are split 22/21/21 over three words, each with
// bit 30 set. A box is written exactly once after the heap memory was zeroed, so a racy (non-atomic) read of
// any of its words yields either 0 or the final word (integer TypedArray reads never tear). A reader that sees
// the kind word and three words with bit 30 set has therefore read the complete box, with no need for the
// writer's Atomics.store (a full fence, ~10–20 ns) or the reader's Atomics.load. See README-structs.md.
const scratchF64 = new Float64Array(1);
const scratchI32 = new Int32Array(scratchF64.buffer);
const VALID = 0x40000000;
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = littleEndian ? 0 : 1;
const HI = 1 - LO;

export function boxNumber(v: number): number {
  const p = alloc(4);
  scratchF64[0] = v;
  const lo = scratchI32[LO]!;
  const hi = scratchI32[HI]!;
  i32[p + 1] = (lo & 0x3fffff) | VALID;
  i32[p + 2] = (lo >>> 22) | ((hi & 0x7ff) << 10) | VALID;
  i32[p + 3] = (hi >>> 11) | VALID;
  i32[p] = K_F64;
  return p;
}

/** Decode a number box, or return undefined if some word still reads as not yet written. */
export function tryReadNumberBox(p: number): number | undefined {
  const c0 = i32[p + 1]!;
  const c1 = i32[p + 2]!;
  const c2 = i32[p + 3]!;
  if ((c0 & c1 & c2 & VALID) === 0) return undefined;
  scratchI32[LO] = (c0 & 0x3fffff) | ((c1 & 0x3ff) << 22);
  scratchI32[HI] = ((c1 >>> 10) & 0x7ff) | ((c2 & 0x1fffff) << 11);
  return scratchF64[0]!;
}

export function boxString(s: string): number {
  const len = s.length;
  const words = 4 + ((len + 1) >> 1);
  const p = alloc(words);
  // Header first: the heap stays walkable (collect.ts) even if this agent is killed half-way through the body.
  // Readers need no order inside the box: its address is published with Atomics.store once it is complete.
  i32[p + 1] = (words + 1) & ~1;
  i32[p] = K_STRING;
  i32[p + 2] = len;
  const base = (p + 4) * 2;
  for (let i = 0; i < len; i++) u16[base + i] = s.charCodeAt(i);
  return p;
}

const HEX_DIGITS_PER_LIMB = 8;

export function boxBigInt(b: bigint): number {
  const negative = b < 0n;
  let hex = (negative ? -b : b).toString(16);
  const limbs = Math.ceil(hex.length / HEX_DIGITS_PER_LIMB);
  hex = hex.padStart(limbs * HEX_DIGITS_PER_LIMB, '0');
  const words = 4 + limbs;
  const p = alloc(words);
  i32[p + 1] = (words + 1) & ~1; // header first, as in boxString
  i32[p] = K_BIGINT;
  i32[p + 3] = limbs;
  i32[p + 2] = negative ? 1 : 0;
  // Most significant limb first, so that decoding is one concatenation.
  for (let i = 0; i < limbs; i++) {
    i32[p + 4 + i] = parseInt(hex.slice(i * HEX_DIGITS_PER_LIMB, (i + 1) * HEX_DIGITS_PER_LIMB), 16) | 0;
  }
  return p;
}

const CHUNK = 4096;

export function readString(p: number): string {
  const len = i32[p + 2]!;
  ensureMapped(p + 4 + ((len + 1) >> 1));
  const base = (p + 4) * 2;
  if (len <= 32) {
    let s = '';
    for (let i = 0; i < len; i++) s += String.fromCharCode(u16[base + i]!);
    return s;
  }
  let s = '';
  for (let i = 0; i < len; i += CHUNK) {
    const end = Math.min(len, i + CHUNK);
    s += String.fromCharCode.apply(null, u16.subarray(base + i, base + end) as unknown as number[]);
  }
  return s;
}

export function readBigInt(p: number): bigint {
  const limbs = i32[p + 3]!;
  ensureMapped(p + 4 + limbs);
  let hex = '';
  for (let i = 0; i < limbs; i++) hex += (i32[p + 4 + i]! >>> 0).toString(16).padStart(HEX_DIGITS_PER_LIMB, '0');
  const magnitude = limbs === 0 ? 0n : BigInt('0x' + hex);
  return i32[p + 2] === 1 ? -magnitude : magnitude;
}

export function readNumberBox(p: number): number {
  // Every word of the box was written before its address was published; on any real machine they are visible
  // by now. Spin (bounded) in case this agent still sees a not-yet-written word.
  for (let spins = 0; spins < 1e7; spins++) {
    const v = tryReadNumberBox(p);
    if (v !== undefined) return v;
    Atomics.load(i32, p);
  }
  throw codes.ERR_MODMAP_INVALID_SHARED(`The number box at ${p}`, 'a complete shared number');
}

export function describe(v: unknown): string {
  if (typeof v === 'function') return `a function${v.name ? ` (${v.name})` : ''}`;
  if (typeof v === 'symbol') return `a symbol (${String(v)})`;
  if (v !== null && typeof v === 'object') {
    const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name ? `an object of class ${name}` : 'an object';
  }
  return typeof v;
}

export { codes };
