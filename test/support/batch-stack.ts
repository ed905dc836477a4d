import { randomUUID } from 'node:crypto';
import { builtInCatalogue } from '../../providers/registry';
import { mkdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { createApp } from '../../api/app';
import { createAccountsRepo } from '../../db/accounts-repo';
import { closeServer, listen } from '../../api/server';
import type { DbHandle } from '../../db/connect';
import { createBatchesRepo, type BatchesRepo } from '../../db/batches-repo';
import { createGenerationsRepo, type GenerationsRepo } from '../../db/generations-repo';
import { createProviderLimitsRepo } from '../../db/provider-limits-repo';
import { createProviderLimiter } from '../../providers/limiter';
import type { BatchView } from '../../domain/batch';
import { LocalDiskStorage } from '../../media/storage/local-disk';
import { createProviderGateway } from '../../providers/provider-gateway';
import { createGenflowWorker } from '../../workers/create-worker';
import { createWorkflowOutbox } from '../../runtime/workflow-outbox';
import { createProviderWorkers } from '../../workers/provider-workers';
import { ProviderObserver } from './observed-provider';
import { apiFetch, openTestDatabase, TEST_ADMIN_KEY, temporalAddress, testLogger } from './stack';

export interface BatchStack {
  baseUrl: string;
  taskQueue: string;
  db: DbHandle;
  repo: GenerationsRepo;
  batches: BatchesRepo;
  storage: LocalDiskStorage;
  client: Client;
  observer: ProviderObserver;
  stop(): Promise<void>;
}

export interface BatchStackOptions {
  /** Provider settings on top of process.env, e.g. `GENFLOW_LOCAL_RPS`. */
  env?: Record<string, string>;
  /** Worker processes polling the provider queues (each with its own connection). */
  providerWorkers?: number;
  maxConcurrentActivities?: number;
  /** Children per batch workflow run; default BatchLimits.childrenPerRun. */
  childrenPerRun?: number;
}

/**
 * API + generation worker against the run's Temporal dev server, with every provider call
 * observed; optionally several separate workers on the rate-limited provider queues. Queue
 * names are unique per stack, so test files sharing the server never take each other's tasks.
 */
export async function startBatchStack(options: BatchStackOptions = {}): Promise<BatchStack> {
  if (!temporalAddress) throw new Error('no Temporal server for this run');
  const home = join(tmpdir(), `genflow-batch-${randomUUID()}`);
  mkdirSync(home, { recursive: true });
  const id = randomUUID();
  const taskQueue = `test-${id}`;
  const env = { ...process.env, GENFLOW_PROVIDER_QUEUE_PREFIX: `test-${id}-provider-`, ...options.env };
  const db = await openTestDatabase(home);
  const repo = createGenerationsRepo(db.db);
  const batches = createBatchesRepo(db.db);
  const storage = new LocalDiskStorage(join(home, 'media'));
  const observer = new ProviderObserver();
  const limits = createProviderLimitsRepo(db.db);
  // One runtime per worker, as in separate processes; only the database is shared.
  const runtimeFor = () => createProviderGateway({ dataDir: home, env, limiter: createProviderLimiter(limits, env, builtInCatalogue) });

  const connections: NativeConnection[] = [await NativeConnection.connect({ address: temporalAddress })];
  const workers: Worker[] = [
    await createGenflowWorker({
      connection: connections[0]!,
      namespace: 'default',
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      deps: { repo, storage, providers: observer.wrap(runtimeFor(), 'main'), logger: testLogger, batches, env },
      ...(options.maxConcurrentActivities ? { maxConcurrentActivities: options.maxConcurrentActivities } : {}),
    }),
  ];
  for (let i = 0; i < (options.providerWorkers ?? 0); i++) {
    const connection = await NativeConnection.connect({ address: temporalAddress });
    connections.push(connection);
    const deps = { repo, storage, providers: observer.wrap(runtimeFor(), `provider-worker-${i}`), logger: testLogger };
    workers.push(...(await createProviderWorkers({ connection, namespace: 'default', deps, env })));
  }
  const running = Promise.all(workers.map((w) => w.run()));

  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection });
  const outbox = createWorkflowOutbox({ db: db.db, temporal: client, logger: testLogger, taskQueues: [taskQueue] });
  outbox.start();
  // The API gets the workers' provider settings, as in a deployment: items' starts are built there.
  const app = createApp({ repo, batches, storage, temporal: client, outbox, logger: testLogger, bodyLimit: '1mb', taskQueue, env, accounts: createAccountsRepo(db.db), adminApiKey: TEST_ADMIN_KEY,
    ...(options.childrenPerRun ? { batchChildrenPerRun: options.childrenPerRun } : {}) });
  const server: Server = await listen(app, 0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl,
    taskQueue,
    db,
    repo,
    batches,
    storage,
    client,
    observer,
    async stop() {
      await closeServer(server);
      await outbox.stop();
      for (const w of workers) w.shutdown();
      await running;
      await connection.close();
      for (const c of connections) await c.close();
      await db.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export async function getBatch(baseUrl: string, id: string, query = ''): Promise<BatchView> {
  const res = await apiFetch(`${baseUrl}/v1/batches/${id}${query}`);
  if (res.status !== 200) throw new Error(`GET batch ${id}: HTTP ${res.status}`);
  return (await res.json()) as BatchView;
}

/** Polls the API until the batch satisfies `done` (by default: it is no longer running). */
export async function waitForBatch(
  baseUrl: string,
  id: string,
  done: (b: BatchView) => boolean = (b) => b.status !== 'running',
  timeoutMs = 60_000,
  intervalMs = 200,
): Promise<BatchView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const b = await getBatch(baseUrl, id);
    if (done(b)) return b;
    if (Date.now() > deadline) throw new Error(`batch ${id} still ${b.status} after ${timeoutMs} ms: ${JSON.stringify(b.counts)}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
