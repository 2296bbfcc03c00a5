// The struct types of the demo. Every agent that imports this file gets the same types (same module, same export
// names), each with its own prototype.
import { SharedStruct, Mutex } from 'modmap';

export class Task extends SharedStruct('id', 'weight', 'next', 'doneBy') {
  constructor(id, weight, next) {
    super();
    this.id = id;
    this.weight = weight;
    this.next = next;
  }
  cost() {
    return this.weight * this.weight;
  }
  describe() {
    return `task ${this.id} (weight ${this.weight})`;
  }
}

export class Ledger extends SharedStruct('total', 'count', 'lock') {
  constructor() {
    super();
    this.total = 0;
    this.count = 0;
    this.lock = new Mutex();
  }
  /** Add one result under the ledger's mutex: a read-modify-write that several agents do at once. */
  record(cost) {
    const token = Mutex.lock(this.lock);
    try {
      this.total += cost;
      this.count += 1;
    } finally {
      token.unlock();
    }
  }
}
