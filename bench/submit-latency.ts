import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createApp } from '../api/app';
import { closeServer, listen } from '../api/server';
import { envList, figure, machine, printResult, saveResult, summary, type BenchResult, type Figure } from './lib';
import { benchHeaders, startBenchStack } from './stack';

interface LoadResult {
  latencies: number[];
  perSecond: number;
}

/** Fires `total` POSTs from `clients` concurrent loops on a separate thread; returns latencies and the rate. */
function load(url: string, body: string, clients: number, total: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(new URL('./load-thread.mjs', import.meta.url), {
      // The baseline ignores the key; sending it to all keeps the requests identical.
      workerData: { url, body, clients, total, expectStatus: 202, headers: benchHeaders },
    });
    thread.once('message', (result: LoadResult) => resolve(result));
    thread.once('error', reject);
  });
}

export async function run(): Promise<BenchResult> {
  const levels = envList('BENCH_CLIENTS', [1, 10, 100]);
  const perLevel = (c: number) => Math.max(200, c * 10);

  // Baseline: a bare Express JSON route answering 202 with an id.
  const bare = express();
  bare.post('/v1/generations', express.json(), (req, res) => {
    res.status(202).json({ id: randomUUID(), status: 'queued', echo: (req.body as { model?: string }).model });
  });
  const bareServer = await listen(bare, 0, '127.0.0.1');
  const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}/v1/generations`;

  const stack = await startBenchStack();
  // The same API on a task queue no worker polls: the submit path alone (validate, insert,
  // start the workflow), without the worker running the generations on the same two cores.
  const apiOnly = await listen(
    createApp({ ...stack.appDeps, taskQueue: 'bench-unpolled' }),
    0,
    '127.0.0.1',
  );
  const apiOnlyUrl = `http://127.0.0.1:${(apiOnly.address() as AddressInfo).port}/v1/generations`;
  // Second baseline: a bare route that only starts a workflow on the same server and queue, so
  // the figure shows how much of a submit is Temporal's own start.
  const bareStart = express();
  bareStart.post('/v1/generations', express.json(), async (_req, res) => {
    const id = randomUUID();
    await stack.client.workflow.start('noopWorkflow', { taskQueue: 'bench-unpolled', workflowId: `bare_${id}` });
    res.status(202).json({ id, status: 'queued' });
  });
  const bareStartServer = await listen(bareStart, 0, '127.0.0.1');
  const bareStartUrl = `http://127.0.0.1:${(bareStartServer.address() as AddressInfo).port}/v1/generations`;
  const body = JSON.stringify({ model: 'local/image', prompt: 'bench', parameters: { width: 64, height: 64 } });
  const figures: Figure[] = [];
  try {
    await load(`${stack.baseUrl}/v1/generations`, body, 4, 40); // warm-up
    await load(bareUrl, body, 4, 40);
    for (const clients of levels) {
      const base = await load(bareUrl, body, clients, perLevel(clients));
      const startOnly = await load(bareStartUrl, body, clients, perLevel(clients));
      const alone = await load(apiOnlyUrl, body, clients, perLevel(clients));
      const gen = await load(`${stack.baseUrl}/v1/generations`, body, clients, perLevel(clients));
      const b = summary(base.latencies);
      const a = summary(alone.latencies);
      const w = summary(startOnly.latencies);
      const g = summary(gen.latencies);
      const target = clients === 100 ? '< 100 ms' : undefined;
      figures.push(figure(`submit p50 @${clients} clients, API alone`, 'ms', a.p50, 'bare Express route', b.p50));
      figures.push(figure(`submit p99 @${clients} clients, API alone`, 'ms', a.p99, 'bare Express route', b.p99, target));
      figures.push(figure(`submit p99 @${clients} clients, API alone`, 'ms', a.p99, 'bare route + workflow start', w.p99));
      figures.push(figure(`submit p99 @${clients} clients, worker busy`, 'ms', g.p99, 'bare Express route', b.p99, target));
      figures.push(figure(`submit throughput @${clients} clients, API alone`, 'req/s', alone.perSecond, 'bare Express route', base.perSecond));
    }
  } finally {
    await closeServer(bareServer);
    await closeServer(apiOnly);
    await closeServer(bareStartServer);
    await stack.stop();
  }
  return {
    bench: 'submit-latency',
    machine: machine(),
    parameters: { clients: levels, requestsPerLevel: levels.map(perLevel), database: process.env.DATABASE_URL ? 'postgres' : 'pglite', model: 'local/image 64x64' },
    figures,
    notes: [
      'each genflow submit validates, writes the row and starts a workflow on the same Temporal dev server',
      '"API alone": workflows start on a queue no worker polls; "worker busy": the in-process worker runs every submitted generation meanwhile',
      'the load comes from a separate thread, so client work is not counted as server latency',
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await run();
  printResult(result);
  saveResult(result);
  process.exit(0);
}
