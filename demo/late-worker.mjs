// A worker that has NOT imported the defining module when the graph arrives.
import { parentPort } from 'node:worker_threads';

parentPort.once('message', async ({ head, graphUrl }) => {
  const lines = [];
  lines.push(`late worker reads a field without the module: head.weight = ${head.weight}`);
  try {
    head.describe();
  } catch (e) {
    lines.push(`late worker calls a method: ${e.name} [${e.code}]`);
    lines.push(`  ${e.message}`);
  }
  await import(graphUrl);
  lines.push(`late worker after importing the module, same instance: ${head.describe()}`);
  parentPort.postMessage(lines);
});
