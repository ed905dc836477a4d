import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import pino from 'pino';
import { createApp } from '../api/app';
import { closeServer, listen } from '../api/server';
import { createAccountsRepo } from '../db/accounts-repo';
import { openAndMigrate, type DbHandle } from '../db/connect';
import { createBatchesRepo } from '../db/batches-repo';
import { createGenerationsRepo } from '../db/generations-repo';
import { LocalDiskStorage } from '../media/storage/local-disk';
import { createProviderRuntime } from '../providers/runtime';
import { resolveBinary } from '../runtime/binaries';
import { createGenflowWorker } from '../workers/create-worker';

export interface BenchStack {
  baseUrl: string;
  /** What the stack's API was built with, to build a second one (e.g. on another task queue). */
  appDeps: Parameters<typeof createApp>[0];
  client: Client;
  env: TestWorkflowEnvironment;
  db: DbHandle;
  home: string;
  genflowWorker: Worker;
  noopWorker: Worker;
  noopQueue: string;
  stop(): Promise<void>;
}

/** The bench stack's admin key: benches measure genflow with authentication, as deployed. */
export const BENCH_API_KEY = `gf_bench_${randomBytes(24).toString('base64url')}`;
export const benchHeaders = { 'content-type': 'application/json', authorization: `Bearer ${BENCH_API_KEY}` };

const quiet = { log() {}, info() {}, warn() {}, error() {}, debug() {}, trace() {} };

/**
 * Everything a bench needs in one process: a Temporal dev server, the database (DATABASE_URL
 * or a fresh PGlite), the genflow worker and API, and a baseline worker that runs a workflow
 * with one no-op activity on the same server.
 */
export async function startBenchStack(options: { maxConcurrentActivities?: number; maxCachedWorkflows?: number } = {}): Promise<BenchStack> {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });
  } catch {
    // already installed
  }
  const cli = resolveBinary('temporal', 'TEMPORAL_CLI_PATH');
  if (!cli) throw new Error('bench needs the `temporal` CLI (scripts/setup-machine.sh installs it)');
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: cli }, ip: '127.0.0.1', log: { format: 'json', level: 'error' } },
  });
  const home = mkdtempSync(join(tmpdir(), 'genflow-bench-'));
  const db = await openAndMigrate({ ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}), home });
  const repo = createGenerationsRepo(db.db);
  const batches = createBatchesRepo(db.db);
  const storage = new LocalDiskStorage(join(home, 'media'));
  const logger = pino({ level: 'silent' });

  const genflowWorker = await createGenflowWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue: 'bench-genflow',
    deps: { repo, storage, providers: createProviderRuntime({ dataDir: home, env: process.env }), logger },
    batches,
    maxConcurrentActivities: options.maxConcurrentActivities ?? 100,
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
  });
  const noopQueue = 'bench-noop';
  const noopBundle = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('./workflows/noop.ts', import.meta.url)),
    logger: quiet,
  });
  const noopWorker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: noopQueue,
    workflowBundle: noopBundle,
    activities: { noop: () => Promise.resolve() },
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 100,
  });
  const running = [genflowWorker.run(), noopWorker.run()];

  const appDeps = { repo, batches, storage, temporal: env.client, logger, bodyLimit: '1mb', taskQueue: 'bench-genflow', accounts: createAccountsRepo(db.db), adminApiKey: BENCH_API_KEY };
  const app = createApp(appDeps);
  const server: Server = await listen(app, 0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl,
    appDeps,
    client: env.client,
    env,
    db,
    home,
    genflowWorker,
    noopWorker,
    noopQueue,
    async stop() {
      await closeServer(server);
      genflowWorker.shutdown();
      noopWorker.shutdown();
      await Promise.all(running);
      await db.close();
      await env.teardown();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export async function submit(baseUrl: string, body: unknown): Promise<string> {
  const res = await fetch(`${baseUrl}/v1/generations`, {
    method: 'POST',
    headers: benchHeaders,
    body: JSON.stringify(body),
  });
  if (res.status !== 202) throw new Error(`submit answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}
