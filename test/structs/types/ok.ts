// Must compile: the typed surface of shared structs, checked against the built .d.ts.
import { SharedStruct, SharedArray, Mutex, Condition, UnlockToken, atomics, canBeShared } from '../../../dist/src/structs/index.js';
import type { Shareable, SharedStructInstance } from '../../../dist/src/structs/index.js';

class Point extends SharedStruct('x', 'y', 'next') {
  constructor(x: number, y: number) {
    super();
    this.x = x;
    this.y = y;
  }
  len2(): number {
    const x = this.x as number;
    const y = this.y as number;
    return x * x + y * y;
  }
}

const p = new Point(1, 2);
const x: Shareable = p.x;
p.x = 'a string';
p.y = 10n;
p.next = p;
p.next = null;
p.next = undefined;
p.x = new SharedArray<number>(2);
p.x = new Mutex();
p.x = new Condition();
const n: number = p.len2();
const fields: string[] = SharedStruct.fields(p);
const inst: SharedStructInstance = p;

class Point3 extends SharedStruct.extend(Point, 'z') {
  constructor() {
    super(1, 2);
    this.z = 3;
  }
}
const q = new Point3();
q.z = q.x;
q.len2();

atomics.load(p, 'x');
atomics.store(p, 'next', q);
atomics.exchange(q, 'z', 'zz');
atomics.compareExchange(q, 'x', 1, 2);

const a = new SharedArray<number>(3);
const e0: number = a.get(0);
const e1: number = a[1];
a.set(2, 5);
a[0] = 7;
const len: number = a.length;
const firstOf: number = atomics.load(a, 0);
atomics.store(a, 1, 3);
const b = new SharedArray('a', 1, null);
const anyElement: Shareable = b.get(0);
for (const v of a) { const k: number = v; void k; }

const m = new Mutex();
const t: UnlockToken = Mutex.lock(m);
const locked: boolean = t.locked;
t.unlock();
const maybe: UnlockToken | null = Mutex.lockIfAvailable(m, 10);
const later: Promise<UnlockToken> = Mutex.lockAsync(m);
const cv = new Condition();
const ok: boolean = Condition.waitFor(cv, t, 10, () => true);
Condition.wait(cv, t);
const woken: number = Condition.notify(cv, 1);
const asyncWait: Promise<boolean> = Condition.waitAsync(cv, t);
const shareable: boolean = canBeShared({});

void [x, n, fields, inst, e0, e1, len, firstOf, anyElement, locked, maybe, later, ok, woken, asyncWait, shareable];
