// SharedStruct(...fields): struct base classes.

import { codes } from '../errors.js';
import { allocStruct, installFieldAccessors, layoutOfClass, layouts, releaseStruct, StructRoot, typeOfStruct } from './core.js';
import type { Shareable } from './types.js';

declare const kFields: unique symbol;

/** What every shared struct instance has, whatever its fields. */
export interface SharedStructInstance {
  /** Type-level only: the struct's field names (never present at run time). */
  readonly [kFields]?: object;
  toJSON(): Record<string, Shareable>;
}

/** The instance type of a struct with fields `F`. */
export type StructFields<F extends string> = { [K in F]: Shareable } & { readonly [kFields]?: { [K in F]: true } };

/** The field names of a struct instance type. */
export type FieldsOf<S> = S extends { readonly [kFields]?: infer M } ? Extract<keyof NonNullable<M>, string> : never;

/** A base class returned by SharedStruct(). */
export interface SharedStructClass<F extends string> {
  new (): SharedStructInstance & StructFields<F>;
  readonly prototype: SharedStructInstance & StructFields<F>;
}

type AnyStructClass = abstract new (...args: never[]) => SharedStructInstance;

export interface SharedStructFunction {
  /**
   * Make a shared struct base class with the given fields (distinct strings), in declaration order.
   * @example
   * class Point extends SharedStruct('x', 'y') {
   *   constructor(x: number, y: number) { super(); this.x = x; this.y = y; }
   * }
   */
  <const F extends readonly string[]>(...fields: F): SharedStructClass<F[number]>;
  /**
   * A base class with all of `base`'s fields plus `fields`, extending `base` (so its methods are inherited).
   * @example class Point3 extends SharedStruct.extend(Point, 'z') {}
   */
  extend<C extends AnyStructClass, const F extends readonly string[]>(
    base: C,
    ...fields: F
  ): {
    new (...args: ConstructorParameters<C>): InstanceType<C> & StructFields<F[number]>;
    readonly prototype: InstanceType<C> & StructFields<F[number]>;
  };
  /** The field names of a struct instance, in declaration order. Throws a TypeError for anything else. */
  fields(s: SharedStructInstance): string[];
  /**
   * Release a struct this agent is done with: every later use of `s` (field reads and writes, storing it,
   * sending it, `atomics.*`, releasing it again) throws ERR_MODMAP_RELEASED. If its handle never escaped (never
   * stored in a shared field or element, never sent), its memory is zeroed and reused by this agent's next struct
   * of the same size at once, and this returns true. Otherwise other holders may still reach it: this agent's
   * claim is dropped, the collector frees it once nothing else does, and this returns false.
   */
  release(s: SharedStructInstance): boolean;
  /** True for shared struct instances (of any class, in any agent). */
  isStruct(v: unknown): v is SharedStructInstance;
  readonly prototype: SharedStructInstance;
}

function checkFields(fields: readonly unknown[], existing: readonly string[]): string[] {
  const seen = new Set(existing);
  const out: string[] = [];
  for (const f of fields) {
    if (typeof f !== 'string') throw codes.ERR_MODMAP_INVALID_FIELDS(`${String(f)} (a ${typeof f}) is not a string`);
    if (seen.has(f)) throw codes.ERR_MODMAP_INVALID_FIELDS(`${JSON.stringify(f)} appears twice`);
    seen.add(f);
    out.push(f);
  }
  return out;
}

function defineFields(proto: object, names: readonly string[], first: number): void {
  installFieldAccessors(proto, names, first);
}

function makeBase(fields: unknown[]): abstract new () => unknown {
  const names = Object.freeze(checkFields(fields, []));
  const Base = class SharedStructBase extends StructRoot {
    constructor() {
      super(allocStruct(new.target));
    }
  };
  defineFields(Base.prototype, names, 0);
  layouts.set(Base, names);
  return Base;
}

function extend(base: unknown, ...fields: unknown[]): unknown {
  const inherited = typeof base === 'function' ? layoutOfClass(base) : undefined;
  if (inherited === undefined) {
    throw codes.ERR_MODMAP_INVALID_SHARED(String((base as { name?: string })?.name ?? base), 'a shared struct class');
  }
  const added = checkFields(fields, inherited);
  const Parent = base as new (...args: unknown[]) => object;
  const Extended = class extends Parent {
    constructor(...args: unknown[]) {
      super(...args);
    }
  };
  Object.defineProperty(Extended, 'name', { value: `${Parent.name}Extended` });
  defineFields(Extended.prototype, added, inherited.length);
  layouts.set(Extended, Object.freeze([...inherited, ...added]));
  return Extended;
}

function fieldsOf(s: unknown): string[] {
  const info = typeOfStruct(s);
  if (info === undefined) throw codes.ERR_MODMAP_INVALID_SHARED(String(s), 'a shared struct');
  return [...info.names];
}

export const SharedStruct = function SharedStruct(...fields: unknown[]) {
  return makeBase(fields);
} as unknown as SharedStructFunction;

Object.defineProperties(SharedStruct, {
  extend: { value: extend, writable: true, configurable: true },
  fields: { value: fieldsOf, writable: true, configurable: true },
  release: { value: releaseStruct, writable: true, configurable: true },
  isStruct: { value: (v: unknown) => typeOfStruct(v) !== undefined, writable: true, configurable: true },
  // `s instanceof SharedStruct` holds for every struct instance.
  prototype: { value: StructRoot.prototype, writable: false, configurable: false },
});
