// The submit bench's start-rate baseline: a bare Temporal client in a process of its own,
// starting `total` workflows with `concurrency` calls in flight on the given server and queue
// (no worker polls it: only the start is measured). Input: argv[2] as JSON
// { address, taskQueue, total, concurrency }; prints {"perSecond": N}.
import { randomUUID } from 'node:crypto';
import process from 'node:process';
import { Client, Connection } from '@temporalio/client';

const { address, taskQueue, total, concurrency } = JSON.parse(process.argv[2]);
const connection = await Connection.connect({ address });
const client = new Client({ connection });
const run = randomUUID();
// Warm-up: the connection and the server's first starts.
await Promise.all(Array.from({ length: 20 }, (_, i) => client.workflow.start('noopWorkflow', { taskQueue, workflowId: `bare-warm-${run}-${i}` })));
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < total) {
      const i = next++;
      await client.workflow.start('noopWorkflow', { taskQueue, workflowId: `bare-${run}-${i}` });
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ perSecond: total / seconds })}\n`);
await connection.close();
