// A pool worker: it imports the defining module, so the shared graph it receives has methods here.
import { parentPort, threadId } from 'node:worker_threads';
import { Task } from './graph.mjs';

parentPort.on('message', ({ head, ledger, stride, offset }) => {
  let i = 0;
  for (let t = head; t !== undefined; t = t.next, i++) {
    if (i % stride !== offset) continue;
    ledger.record(t.cost()); // a method of this agent's Ledger.prototype, on shared data
    t.doneBy = threadId;
  }
  parentPort.postMessage({ threadId, isTask: head instanceof Task });
});
