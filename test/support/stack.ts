import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import pino, { type Logger } from 'pino';
import { inject } from 'vitest';
import type { GenflowActivityDeps } from '../../activities/create-activities';
import { createApp } from '../../api/app';
import type { ConsoleOptions } from '../../api/routes/console';
import { closeServer, listen } from '../../api/server';
import { createAccountsRepo } from '../../db/accounts-repo';
import { createBrowserSessionsRepo } from '../../db/browser-sessions-repo';
import { createStudioRepo } from '../../db/studio-repo';
import { openAndMigrate, type DbHandle } from '../../db/connect';
import { createExperimentsRepo } from '../../db/experiments-repo';
import { createBatchesRepo } from '../../db/batches-repo';
import { createGenerationsRepo, type GenerationsRepo } from '../../db/generations-repo';
import { createKeyStateRepo } from '../../db/provider-key-state-repo';
import { createAlertsRepo } from '../../db/alerts-repo';
import { createErrorLogsRepo } from '../../db/error-logs-repo';
import { parseAlertSettings } from '../../domain/alert-settings';
import type { GenerationView } from '../../domain/generation';
import type { ResolvedAddress } from '../../media/safe-fetch';
import { LocalDiskStorage } from '../../media/storage/local-disk';
import { loadCustomProviders } from '../../providers/custom/load';
import { resolveModelSelection } from '../../providers/model-selection';
import { catalogueWith } from '../../providers/registry';
import type { Storage } from '../../media/storage/types';
import { createProviderGateway, type ProviderGateway } from '../../providers/provider-gateway';
import { createProviderConfigsRepo } from '../../db/provider-configs-repo';
import { createSecretBox } from '../../providers/secret-box';
import { createMetrics, type GenflowMetrics } from '../../runtime/metrics';
import { createGenflowWorker } from '../../workers/create-worker';
import { createWorkflowOutbox, type OutboxSettings, type WorkflowOutbox } from '../../runtime/workflow-outbox';
import { testS3Storage } from './s3';
import { createCustomProvidersRepo } from '../../db/custom-providers-repo';
import { createApiProviderSync } from '../../providers/custom/api-sync';

export interface Stack {
  baseUrl: string;
  home: string;
  taskQueue: string;
  db: DbHandle;
  repo: GenerationsRepo;
  client: Client;
  providers: ProviderGateway;
  storage: Storage;
  metrics: GenflowMetrics;
  /** The stack's workflow outbox and dispatcher (not started with `dispatch: false`). */
  outbox: WorkflowOutbox;
  stop(): Promise<void>;
}

export const temporalAddress = inject('temporalAddress');

/**
 * The bootstrap admin key of every stack (and dev process) this test process starts. The
 * helpers below send it unless a test passes its own Authorization or X-API-Key header, so
 * tests that are not about auth need not think about keys.
 */
export const TEST_ADMIN_KEY = `gf_test_admin_${randomBytes(24).toString('base64url')}`;

const hasAuth = (headers: Record<string, string>) => Object.keys(headers).some((h) => ['authorization', 'x-api-key'].includes(h.toLowerCase()));

/** Headers with the test admin key added, unless they carry a key (or `anonymous` asks for none). */
export function withKey(headers: Record<string, string> = {}, anonymous = false): Record<string, string> {
  return anonymous || hasAuth(headers) ? headers : { authorization: `Bearer ${TEST_ADMIN_KEY}`, ...headers };
}

/** `fetch` to genflow with the test admin key, unless the request names a key of its own. */
export function apiFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const headers = Object.fromEntries(new Headers(init.headers).entries());
  return fetch(url, { ...init, headers: withKey(headers) });
}

/** A test database: the run's Postgres when DATABASE_URL is set, else a fresh PGlite. */
/**
 * A database of the caller's own, for suites that change deployment-wide state (provider
 * configs): with DATABASE_URL a fresh database on the same Postgres server, dropped on close;
 * without it a PGlite of its own (which every stack has anyway).
 */
export async function openOwnTestDatabase(home: string): Promise<DbHandle> {
  const url = process.env.DATABASE_URL;
  if (!url) return openAndMigrate({ home });
  const name = `genflow_own_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const own = new URL(url);
  own.pathname = `/${name}`;
  const handle = await openAndMigrate({ databaseUrl: own.toString(), home });
  return {
    ...handle,
    async close() {
      await handle.close();
      await admin(`drop database if exists ${name} with (force)`);
    },
  };
}

export function openTestDatabase(home: string, databaseUrl?: string): Promise<DbHandle> {
  const url = databaseUrl ?? process.env.DATABASE_URL;
  return openAndMigrate({ ...(url ? { databaseUrl: url } : {}), home });
}

export const testLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** API + worker in this process against the run's Temporal dev server, on a task queue of its own. */
export interface StackOptions {
  /** The web console's settings (Temporal UI link, bundle cache). */
  console?: ConsoleOptions;
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
  /** Limits of user keys without overrides; default the API's defaults. */
  keyLimits?: { requestsPerMinute: number; maxConcurrentGenerations: number };
  /** Async submits carry a callback URL to this stack's /v1/webhooks (as with GENFLOW_PUBLIC_URL). */
  providerCallbacks?: boolean;
  /** A postgres:// URL other than DATABASE_URL (e.g. through a fault-injecting proxy). */
  databaseUrl?: string;
  /** A database of the stack's own (see openOwnTestDatabase): for suites that change provider configs. */
  ownDatabase?: boolean;
  /** false: the outbox dispatcher is not started (a test starts it, or another one, itself). */
  dispatch?: boolean;
  /** Outbox settings other than the defaults (backlog limit, rate, poll interval, lease). */
  outbox?: Partial<OutboxSettings>;
  /** Where the API's Temporal client connects (e.g. a TcpProxy in front of the run's server, to cut it); the worker connects directly. */
  apiTemporalAddress?: string;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  if (!temporalAddress) throw new Error('no Temporal server for this run');
  const home = mkdtempSync(join(tmpdir(), 'genflow-test-'));
  const taskQueue = `test-${randomUUID()}`;
  const db = options.ownDatabase ? await openOwnTestDatabase(home) : await openTestDatabase(home, options.databaseUrl);
  const repo = createGenerationsRepo(db.db);
  const experiments = createExperimentsRepo(db.db);
  const storage = options.storage === 's3' ? testS3Storage() : new LocalDiskStorage(join(home, 'media'));
  const allowLoopback = options.allowLoopbackFetch ?? true;
  const fetchPolicy = { allowLoopback, ...(options.resolve ? { resolve: options.resolve } : {}) };
  const env = { ...process.env, ...options.env };
  const logger = options.logger ?? testLogger;
  // As at a process start: the catalogue with the custom providers, then defaults checked against it.
  const catalogue = catalogueWith(loadCustomProviders(env));
  // And those declared over the API, kept in step as every process does (bootstrap/services.ts).
  const customProvidersRepo = createCustomProvidersRepo(db.db);
  const customProviderSync = createApiProviderSync({ source: customProvidersRepo, catalogue, logger });
  await customProviderSync.start();
  const modelSelection = resolveModelSelection(env, catalogue);
  // Provider settings over the API, with keys sealed under a key of this stack's own.
  const providerConfigs = createProviderConfigsRepo(db.db, createSecretBox(randomBytes(32)));
  const providers = createProviderGateway({ catalogue, dataDir: home, env, keyStates: createKeyStateRepo(db.db), configs: providerConfigs, observe: (call) => metrics.providerCall(call) });
  const metrics = createMetrics({ db: db.db, providers, processMetrics: false });
  const errorLogs = createErrorLogsRepo(db.db);
  const alerts = createAlertsRepo(db.db);

  const webhookSecret = env.GENFLOW_WEBHOOK_SECRET;
  const activityDeps: GenflowActivityDeps = {
    repo, storage, providers, logger, experiments, fetchPolicy, errorLogs, metrics, ...(webhookSecret ? { webhookSecret } : {}),
    batches: createBatchesRepo(db.db),
    env: process.env,
    health: { errorLogs, alerts, pingDatabase: () => repo.ping(), settings: parseAlertSettings(env) },
  };
  const nativeConnection = await NativeConnection.connect({ address: temporalAddress });
  const worker: Worker = await createGenflowWorker({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    deps: activityDeps,
  });
  const running = worker.run();

  const connection = await Connection.connect({ address: options.apiTemporalAddress ?? temporalAddress });
  const client = new Client({ connection });
  // The API process's dispatcher: it starts the workflows of the submits this stack accepts.
  const outbox = createWorkflowOutbox({ db: db.db, temporal: client, logger, taskQueues: [taskQueue], ...(options.outbox ? { settings: options.outbox } : {}) });
  if (options.dispatch !== false) outbox.start();
  const app = createApp({ repo, experiments, batches: createBatchesRepo(db.db), storage, temporal: client, outbox, logger, bodyLimit: '1mb', taskQueue, providers, providerConfigs, customProviders: { repo: customProvidersRepo, refresh: () => customProviderSync.refresh() }, modelSelection, allowLoopbackInputs: allowLoopback, metrics, env, ...(webhookSecret ? { webhookSecret } : {}),
    monitoring: { errorLogs, alerts }, accounts: createAccountsRepo(db.db), browserSessions: createBrowserSessionsRepo(db.db), studio: createStudioRepo(db.db), adminApiKey: TEST_ADMIN_KEY, ...(options.keyLimits ? { keyLimits: options.keyLimits } : {}), ...(options.console ? { console: options.console } : {}) });
  const server: Server = await listen(app, 0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Activities read it per call, so setting it once the server listens is enough.
  if (options.providerCallbacks) activityDeps.publicUrl = baseUrl;

  return {
    baseUrl,
    home,
    taskQueue,
    db,
    repo,
    client,
    providers,
    storage,
    metrics,
    outbox,
    async stop() {
      await closeServer(server);
      await outbox.stop();
      worker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
      customProviderSync.stop();
      await db.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: withKey({ 'content-type': 'application/json', ...headers }),
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

/** Any method; the body is parsed as JSON when there is one (a 204 has none). */
export async function requestJson(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method,
    headers: withKey({ ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }),
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

export async function getText(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers: withKey(headers) });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

export async function getGeneration(baseUrl: string, id: string, headers: Record<string, string> = {}): Promise<GenerationView> {
  const res = await fetch(`${baseUrl}/v1/generations/${id}`, { headers: withKey(headers) });
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

/** Options for the official `openai` client pointed at a genflow stack (where the API key goes). */
export function openAiClientOptions(baseUrl: string): { baseURL: string; apiKey: string; maxRetries: number } {
  return { baseURL: `${baseUrl}/v1`, apiKey: TEST_ADMIN_KEY, maxRetries: 0 };
}

/** GET a JSON resource of the API: status and parsed body. */
export async function getJson<T = Record<string, unknown>>(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers: withKey(headers) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

/** Any API call: method, path, an optional JSON body and headers (another key); the answer parsed when it is JSON. */
export async function apiRequest(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; contentType: string; body: unknown }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    redirect: 'manual',
    headers: withKey({ ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }),
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const contentType = res.headers.get('content-type') ?? '';
  const text = await res.text();
  return { status: res.status, headers: res.headers, contentType, body: contentType.includes('json') && text !== '' ? (JSON.parse(text) as unknown) : text };
}

/** POST a multipart form; the answer parsed as JSON. */
export async function postForm(url: string, form: FormData, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: withKey(headers), body: form });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

/** Headers every API call of a test carries (API keys are attached here). */
export function apiHeaders(): Record<string, string> {
  return withKey();
}
