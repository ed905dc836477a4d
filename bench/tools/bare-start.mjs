// The submit bench's start-rate baseline: a bare Temporal client in a process of its own,
// starting `total` workflows with `concurrency` calls in flight on the given server and queue
// (no worker polls it: only the start is measured). Input: argv[2] as JSON
// { address, taskQueue, total, concurrency, args?, searchAttributes? }; prints {"perSecond": N}.
// `args` and `searchAttributes` (typed Keyword pairs by name) make each start carry what a
// dispatcher's start carries, to tell the server's cost of the payload from the client's.
import { randomUUID } from 'node:crypto';
import process from 'node:process';
import { Client, Connection } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

const { address, taskQueue, total, concurrency, args, searchAttributes } = JSON.parse(process.argv[2]);
const connection = await Connection.connect({ address });
const client = new Client({ connection });
const run = randomUUID();
// Warm-up: the connection and the server's first starts.
await Promise.all(Array.from({ length: 20 }, (_, i) => client.workflow.start('noopWorkflow', { taskQueue, workflowId: `bare-warm-${run}-${i}` })));
const extra = {
  ...(args ? { args } : {}),
  ...(searchAttributes
    ? { typedSearchAttributes: Object.entries(searchAttributes).map(([name, value]) => ({ key: defineSearchAttributeKey(name, SearchAttributeType.KEYWORD), value })) }
    : {}),
};
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < total) {
      const i = next++;
      await client.workflow.start('noopWorkflow', { taskQueue, workflowId: `bare-${run}-${i}`, ...extra });
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ perSecond: total / seconds })}\n`);
await connection.close();
