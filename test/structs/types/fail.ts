// Must NOT compile: every line marked `// error` must produce a type error, and no other line may.
import { SharedStruct, SharedArray, Mutex, atomics } from '../../../dist/src/structs/index.js';

class Point extends SharedStruct('x', 'y') {}
class Point3 extends SharedStruct.extend(Point, 'z') {}
const p = new Point();
const q = new Point3();
const a = new SharedArray<number>(2);

p.z; // error
p.z = 1; // error
p.x = {}; // error
p.x = () => 1; // error
p.x = Symbol('s'); // error
p.x = [1, 2]; // error
q.w; // error
atomics.load(p, 'z'); // error
atomics.store(p, 'x', { not: 'shareable' }); // error
atomics.compareExchange(q, 'nope', 1, 2); // error
a.set(0, 'not a number'); // error
const s: string = a.get(0); // error
atomics.store(a, 0, 'str'); // error
SharedStruct.fields({}); // error
Mutex.lock(p); // error
void s;
