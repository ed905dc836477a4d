import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
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
import { createProviderGateway } from '../providers/provider-gateway';
import { resolveBinary } from '../runtime/binaries';
import { createGenflowWorker } from '../workers/create-worker';
import { createWorkflowOutbox, type WorkflowOutbox } from '../runtime/workflow-outbox';

/** The genflow worker as its own process (`workers/main.ts`, as deployed), for per-process memory. */
export interface WorkerProcess {
  pid: number;
  /** Current and peak (VmHWM) resident memory of the worker process, in bytes. */
  memory(): { rss: number; peak: number };
  stop(): Promise<void>;
}

export interface BenchStack {
  baseUrl: string;
  /** What the stack's API was built with, to build a second one (e.g. on another task queue). */
  appDeps: Parameters<typeof createApp>[0] & { outbox: WorkflowOutbox };
  client: Client;
  env: TestWorkflowEnvironment;
  db: DbHandle;
  home: string;
  /** In-process genflow worker; absent when it runs as its own process (`workerProcess`). */
  genflowWorker?: Worker;
  workerProcess?: WorkerProcess;
  noopWorker: Worker;
  noopQueue: string;
  stop(): Promise<void>;
}

/** The bench stack's admin key: benches measure genflow with authentication, as deployed. */
export const BENCH_API_KEY = `gf_bench_${randomBytes(24).toString('base64url')}`;
export const benchHeaders = { 'content-type': 'application/json', authorization: `Bearer ${BENCH_API_KEY}` };

const quiet = { log() {}, info() {}, warn() {}, error() {}, debug() {}, trace() {} };

/**
 * The Temporal server the bench runs on: `BENCH_TEMPORAL_ADDRESS` names a running one (the
 * cluster of scripts/start-cluster.sh, namespace `default`); without it, a dev server of its own.
 */
async function benchTemporal(): Promise<TestWorkflowEnvironment> {
  const address = process.env.BENCH_TEMPORAL_ADDRESS;
  if (address) return TestWorkflowEnvironment.createFromExistingServer({ address, namespace: 'default' });
  const cli = resolveBinary('temporal', 'TEMPORAL_CLI_PATH');
  if (!cli) throw new Error('bench needs the `temporal` CLI (scripts/setup-machine.sh installs it)');
  return TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: cli }, ip: '127.0.0.1', log: { format: 'json', level: 'error' } },
  });
}

/**
 * Everything a bench needs in one process: a Temporal dev server, the database (DATABASE_URL
 * or a fresh PGlite), the genflow worker and API, and a baseline worker that runs a workflow
 * with one no-op activity on the same server.
 */
export async function startBenchStack(
  options: { maxConcurrentActivities?: number; maxCachedWorkflows?: number; workerProcess?: boolean } = {},
): Promise<BenchStack> {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });
  } catch {
    // already installed
  }
  const env = await benchTemporal();
  const home = mkdtempSync(join(tmpdir(), 'genflow-bench-'));
  const db = await openAndMigrate({ ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}), home });
  const repo = createGenerationsRepo(db.db);
  const batches = createBatchesRepo(db.db);
  const storage = new LocalDiskStorage(join(home, 'media'));
  const logger = pino({ level: 'silent' });

  const taskQueue = 'bench-genflow';
  let genflowWorker: Worker | undefined;
  let workerProcess: WorkerProcess | undefined;
  if (options.workerProcess) {
    if (!process.env.DATABASE_URL) throw new Error('a worker of its own needs DATABASE_URL (PGlite serves one process)');
    workerProcess = await spawnWorker({
      DATABASE_URL: process.env.DATABASE_URL,
      TEMPORAL_ADDRESS: env.address,
      GENFLOW_HOME: home,
      GENFLOW_TASK_QUEUE: taskQueue,
      GENFLOW_WORKER_CONCURRENCY: String(options.maxConcurrentActivities ?? 100),
      ...(options.maxCachedWorkflows !== undefined ? { GENFLOW_WORKER_MAX_CACHED_WORKFLOWS: String(options.maxCachedWorkflows) } : {}),
    });
  } else {
    genflowWorker = await createGenflowWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      deps: { repo, storage, providers: createProviderGateway({ dataDir: home, env: process.env }), logger, batches, env: process.env },
      maxConcurrentActivities: options.maxConcurrentActivities ?? 100,
      ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
    });
  }
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
  const running = [noopWorker.run(), ...(genflowWorker ? [genflowWorker.run()] : [])];

  // Every queue: the submit bench records starts on a queue of its own.
  const outbox = createWorkflowOutbox({ db: db.db, temporal: env.client, logger, settings: { maxBacklog: 1_000_000 } });
  outbox.start();
  const appDeps = { repo, batches, storage, temporal: env.client, outbox, logger, bodyLimit: '1mb', taskQueue, accounts: createAccountsRepo(db.db), adminApiKey: BENCH_API_KEY };
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
    ...(genflowWorker ? { genflowWorker } : {}),
    ...(workerProcess ? { workerProcess } : {}),
    noopWorker,
    noopQueue,
    async stop() {
      await closeServer(server);
      await outbox.stop();
      await workerProcess?.stop();
      genflowWorker?.shutdown();
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

/**
 * The result of a generation's workflow. A submit answers before its workflow exists (the start
 * waits in the outbox for a moment), so a workflow not found yet is asked for again.
 */
export async function generationResult(client: Client, id: string): Promise<unknown> {
  for (;;) {
    try {
      return await client.workflow.getHandle(`gen_${id}`).result();
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

/** Starts `workers/main.ts` with `env` on top of this process's and waits until it polls. */
async function spawnWorker(env: Record<string, string>): Promise<WorkerProcess> {
  // BENCH_WORKER_NODE_FLAGS: e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the worker alone.
  const flags = process.env.BENCH_WORKER_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', 'workers/main.ts'], {
    // Two malloc arenas, as the Dockerfile's worker image sets, unless the caller chose otherwise.
    env: { MALLOC_ARENA_MAX: '2', ...process.env, LOG_LEVEL: 'info', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    // Every line is read to the end, or a full pipe would stall the worker's logging.
    lines.on('line', (line) => {
      if (line.includes('genflow worker running')) resolve();
    });
    void exited.then((code) => reject(new Error(`the worker process exited (${code}) before it started polling`)));
  });
  const status = (field: string) => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  };
  return {
    pid: child.pid!,
    memory: () => ({ rss: status('VmRSS'), peak: status('VmHWM') }),
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
