import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import pino, { type Logger } from 'pino';
import { inject } from 'vitest';
import { createApp } from '../../api/app';
import { closeServer, listen } from '../../api/server';
import { openAndMigrate, type DbHandle } from '../../db/connect';
import { createExperimentsRepo } from '../../db/experiments-repo';
import { createBatchesRepo } from '../../db/batches-repo';
import { createGenerationsRepo, type GenerationsRepo } from '../../db/generations-repo';
import { createKeyStateRepo } from '../../db/provider-key-state-repo';
import type { GenerationView } from '../../domain/generation';
import type { ResolvedAddress } from '../../media/safe-fetch';
import { LocalDiskStorage } from '../../media/storage/local-disk';
import { loadCustomProviders } from '../../providers/custom/load';
import { resolveModelSelection } from '../../providers/model-selection';
import { registerCustomProviders } from '../../providers/registry';
import type { Storage } from '../../media/storage/types';
import { createProviderRuntime, type ProviderRuntime } from '../../providers/runtime';
import { createGenflowWorker } from '../../workers/create-worker';
import { testS3Storage } from './s3';

export interface Stack {
  baseUrl: string;
  home: string;
  taskQueue: string;
  db: DbHandle;
  repo: GenerationsRepo;
  client: Client;
  providers: ProviderRuntime;
  storage: Storage;
  stop(): Promise<void>;
}

export const temporalAddress = inject('temporalAddress');

/** A test database: the run's Postgres when DATABASE_URL is set, else a fresh PGlite. */
export function openTestDatabase(home: string, databaseUrl?: string): Promise<DbHandle> {
  const url = databaseUrl ?? process.env.DATABASE_URL;
  return openAndMigrate({ ...(url ? { databaseUrl: url } : {}), home });
}

export const testLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** API + worker in this process against the run's Temporal dev server, on a task queue of its own. */
export interface StackOptions {
  /**
   * Provider settings on top of process.env: `GENFLOW_<P>_BASE_URL`, `GENFLOW_<P>_API_KEYS`,
   * `GENFLOW_CUSTOM_PROVIDERS` (a declarations file), `GENFLOW_DEFAULT_MODELS`, ...
   */
  env?: Record<string, string>;
  /** Where API and worker log; silent unless TEST_LOG_LEVEL is set. Tests pass one to read the logs. */
  logger?: Logger;
  /** 's3': the run's SeaweedFS under a prefix of its own; default: local disk under the stack's home. */
  storage?: 'local' | 's3';
  /** Loopback URLs (the test's fakes) may be fetched; default true. Other private ranges stay refused. */
  allowLoopbackFetch?: boolean;
  /** Name resolution for the safe fetcher, to point test host names at chosen addresses. */
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
  /** A postgres:// URL other than DATABASE_URL (e.g. through a fault-injecting proxy). */
  databaseUrl?: string;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  if (!temporalAddress) throw new Error('no Temporal server for this run');
  const home = mkdtempSync(join(tmpdir(), 'genflow-test-'));
  const taskQueue = `test-${randomUUID()}`;
  const db = await openTestDatabase(home, options.databaseUrl);
  const repo = createGenerationsRepo(db.db);
  const experiments = createExperimentsRepo(db.db);
  const storage = options.storage === 's3' ? testS3Storage() : new LocalDiskStorage(join(home, 'media'));
  const allowLoopback = options.allowLoopbackFetch ?? true;
  const fetchPolicy = { allowLoopback, ...(options.resolve ? { resolve: options.resolve } : {}) };
  const env = { ...process.env, ...options.env };
  const logger = options.logger ?? testLogger;
  // As at a process start: custom providers join the registry, then defaults are checked.
  registerCustomProviders(loadCustomProviders(env));
  const modelSelection = resolveModelSelection(env);
  const providers = createProviderRuntime({ dataDir: home, env, keyStates: createKeyStateRepo(db.db) });

  const nativeConnection = await NativeConnection.connect({ address: temporalAddress });
  const worker: Worker = await createGenflowWorker({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    deps: { repo, storage, providers, logger, experiments, fetchPolicy },
    batches: createBatchesRepo(db.db),
  });
  const running = worker.run();

  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection });
  const app = createApp({ repo, experiments, batches: createBatchesRepo(db.db), storage, temporal: client, logger, bodyLimit: '1mb', taskQueue, providers, modelSelection, allowLoopbackInputs: allowLoopback });
  const server: Server = await listen(app, 0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl,
    home,
    taskQueue,
    db,
    repo,
    client,
    providers,
    storage,
    async stop() {
      await closeServer(server);
      worker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
      await db.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

export async function getGeneration(baseUrl: string, id: string): Promise<GenerationView> {
  const res = await fetch(`${baseUrl}/v1/generations/${id}`);
  if (res.status !== 200) throw new Error(`GET generation ${id}: HTTP ${res.status}`);
  return (await res.json()) as GenerationView;
}

/** Polls the API until the generation satisfies `done`, failing after `timeoutMs`. */
export async function waitForGeneration(
  baseUrl: string,
  id: string,
  done: (g: GenerationView) => boolean = (g) => ['succeeded', 'failed', 'canceled'].includes(g.status),
  timeoutMs = 60_000,
): Promise<GenerationView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const g = await getGeneration(baseUrl, id);
    if (done(g)) return g;
    if (Date.now() > deadline) throw new Error(`generation ${id} still ${g.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** GET of any genflow URL, its status and JSON body (an error body included). */
export async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
