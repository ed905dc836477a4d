import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { closeServer, listen } from '../api/server';
import { envList, figure, machine, printResult, saveResult, summary, type BenchResult, type Figure } from './lib';
import { benchHeaders, startBenchStack } from './stack';

/** Fires `total` POSTs from `clients` concurrent loops; returns per-request latencies and the rate. */
async function load(url: string, body: string, clients: number, total: number) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next++ < total) {
        const t0 = performance.now();
        // The baseline ignores the key; sending it to both keeps the requests identical.
        const res = await fetch(url, { method: 'POST', headers: benchHeaders, body });
        await res.arrayBuffer();
        if (res.status !== 202) throw new Error(`HTTP ${res.status}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { latencies, perSecond: total / ((performance.now() - started) / 1000) };
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
  const body = JSON.stringify({ model: 'local/image', prompt: 'bench', parameters: { width: 64, height: 64 } });
  const figures: Figure[] = [];
  try {
    await load(`${stack.baseUrl}/v1/generations`, body, 4, 40); // warm-up
    await load(bareUrl, body, 4, 40);
    for (const clients of levels) {
      const base = await load(bareUrl, body, clients, perLevel(clients));
      const gen = await load(`${stack.baseUrl}/v1/generations`, body, clients, perLevel(clients));
      const b = summary(base.latencies);
      const g = summary(gen.latencies);
      figures.push(figure(`submit p50 @${clients} clients`, 'ms', g.p50, 'bare Express route', b.p50));
      figures.push(figure(`submit p99 @${clients} clients`, 'ms', g.p99, 'bare Express route', b.p99, clients === 100 ? '< 100 ms' : undefined));
      figures.push(figure(`submit throughput @${clients} clients`, 'req/s', gen.perSecond, 'bare Express route', base.perSecond));
    }
  } finally {
    await closeServer(bareServer);
    await stack.stop();
  }
  return {
    bench: 'submit-latency',
    machine: machine(),
    parameters: { clients: levels, requestsPerLevel: levels.map(perLevel), database: process.env.DATABASE_URL ? 'postgres' : 'pglite', model: 'local/image 64x64' },
    figures,
    notes: ['each genflow submit validates, writes the row and starts a workflow on the same Temporal dev server; the worker runs the generations meanwhile'],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await run();
  printResult(result);
  saveResult(result);
  process.exit(0);
}
