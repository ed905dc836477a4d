import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { GenerationView } from '../../domain/generation';
import { resolveBinary } from '../../runtime/binaries';
import { ChaosFake, chaosYaml } from '../fakes/chaos';
import { getJson, postJson, requestJson } from '../support/stack';
import { clusterOrSkip, killTemporalServer, laneDatabase, startCluster, startGenflowProcess, stopCluster, stopProcess, type GenflowProcess } from './cluster-stack';

/**
 * The production shape on a real Temporal cluster (scripts/start-cluster.sh: the server on
 * Postgres with SQL visibility, 4 history shards): two API processes and two worker processes
 * (`npm run start:api` / `start:worker`), S3 storage on SeaweedFS, one lane database. The
 * cluster is started once for the file; the drills run in order on the same processes.
 */
const cluster = await clusterOrSkip();
const s3 = inject('s3Server');
const cli = resolveBinary('temporal', 'TEMPORAL_CLI_PATH');
const run = randomUUID().slice(0, 8);
const TERMINAL = ['succeeded', 'failed', 'canceled'];

const UPGRADE_PATCH = 'cluster-rolling-upgrade';

/**
 * The "new release" of a rolling upgrade: a copy of workflows/ and domain/ whose generation
 * workflow starts a short timer right after recording `running` — a new command at a point
 * every in-flight generation has passed, so replaying their histories would fail with a
 * nondeterminism error without patched() — bundled as the worker would run it.
 */
async function buildPatchedBundle(dir: string): Promise<string> {
  // Inside the repository, so the copy resolves the same node_modules.
  const root = mkdtempSync(join(resolve('.genflow'), 'upgrade-'));
  try {
    for (const d of ['workflows', 'domain']) cpSync(resolve(d), join(root, d), { recursive: true });
    const file = join(root, 'workflows', 'generation.ts');
    const source = readFileSync(file, 'utf8');
    const anchor = "    setStatus('running');\n";
    if (source.split(anchor).length !== 2 || !source.includes('  patched,\n')) throw new Error('workflows/generation.ts changed: update the rolling-upgrade drill\'s patch anchor');
    writeFileSync(
      file,
      source.replace('  patched,\n', '  patched,\n  sleep,\n').replace(anchor, `    if (patched(${JSON.stringify(UPGRADE_PATCH)})) await sleep(1);\n${anchor}`),
    );
    const workflowsPath = join(root, 'workflows', 'index.ts');
    const { code } = await bundleWorkflowCode({ workflowsPath, preloadModules: [workflowsPath], logger: { log() {}, info() {}, warn() {}, error: console.error, debug() {}, trace() {} } });
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'workflow-bundle-patched.js');
    writeFileSync(path, code);
    return path;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe.skipIf(!cluster || !s3 || !cli)('genflow on a Temporal cluster', () => {
  const home = mkdtempSync(join(tmpdir(), 'genflow-cluster-'));
  const key = `sk-cluster-${randomUUID()}`;
  // Acme: the drills' provider, counting every submission it receives.
  const fake = new ChaosFake({ keys: [key] });
  // "paced": a second Acme with a rate limit, one key per worker so the fake sees who called.
  const pacedKeys = [`sk-paced-a-${randomUUID()}`, `sk-paced-b-${randomUUID()}`];
  const paced = new ChaosFake({ keys: pacedKeys });
  const PACED_RPS = 4;
  const prefix = `cluster-${run}/`;
  let env: Record<string, string>;
  let db: pg.Pool;
  let s3Client: S3Client;
  const apis: GenflowProcess[] = [];
  const workers: GenflowProcess[] = [];

  const workerEnv = (i: number) => ({ ...env, GENFLOW_PACED_API_KEYS: pacedKeys[i]! });
  const startWorker = (i: number, extra: Record<string, string> = {}) => startGenflowProcess('worker', `worker-${i}`, { ...workerEnv(i), ...extra });

  beforeAll(async () => {
    await Promise.all([fake.start(), paced.start()]);
    fake.pollsToComplete = 2;
    const yaml = join(home, 'providers.yaml');
    // A generous call timeout: on a busy 2-core machine a 2 s one expires on answered calls,
    // and the resulting re-sends would blur the count of submissions the drills assert on.
    writeFileSync(yaml, `${chaosYaml(fake.url, 30)}${chaosYaml(paced.url, 30).replace(/^providers:\n/, '').replace('- id: acme', '- id: paced')}`);
    const databaseUrl = await laneDatabase();
    db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    s3Client = new S3Client({
      endpoint: s3!.endpoint,
      region: s3!.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3!.accessKeyId, secretAccessKey: s3!.secretAccessKey },
    });
    env = {
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: '5',
      TEMPORAL_ADDRESS: cluster!.address,
      // Shared by every process, as a volume would be: local/video jobs live on disk.
      GENFLOW_HOME: home,
      GENFLOW_TASK_QUEUE: `cluster-${run}`,
      GENFLOW_PROVIDER_QUEUE_PREFIX: `cluster-${run}-provider-`,
      GENFLOW_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
      GENFLOW_CUSTOM_PROVIDERS: yaml,
      GENFLOW_ACME_API_KEYS: key,
      GENFLOW_PACED_API_KEYS: pacedKeys.join(','),
      GENFLOW_PACED_RPS: String(PACED_RPS),
      GENFLOW_STORAGE: 's3',
      GENFLOW_S3_BUCKET: s3!.bucket,
      GENFLOW_S3_ENDPOINT: s3!.endpoint,
      GENFLOW_S3_REGION: s3!.region,
      GENFLOW_S3_FORCE_PATH_STYLE: 'true',
      GENFLOW_S3_ACCESS_KEY_ID: s3!.accessKeyId,
      GENFLOW_S3_SECRET_ACCESS_KEY: s3!.secretAccessKey,
      GENFLOW_S3_PREFIX: prefix,
    };
    // The first process migrates the fresh database; the others start together.
    workers.push(await startWorker(0));
    const [w1, a0, a1] = await Promise.all([startWorker(1), startGenflowProcess('api', 'api-0', env), startGenflowProcess('api', 'api-1', env)]);
    workers.push(w1);
    apis.push(a0, a1);
  }, 240_000);

  afterAll(async () => {
    await Promise.all([...apis, ...workers].map((p) => stopProcess(p)));
    await Promise.all([fake.stop(), paced.stop()]);
    await db?.end();
    s3Client?.destroy();
    if (cluster?.startedHere) await stopCluster();
    rmSync(home, { recursive: true, force: true });
  }, 120_000);

  /** Submits `bodies` spread over both API processes, `concurrency` at a time; answers the responses in order. */
  async function submitAll(bodies: object[], concurrency = 8, headers: (i: number) => Record<string, string> = () => ({})) {
    const out: Array<Awaited<ReturnType<typeof postJson>>> = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next++; i < bodies.length; i = next++) out[i] = await postJson(`${apis[i % 2]!.baseUrl}/v1/generations`, bodies[i], headers(i));
      }),
    );
    return out;
  }

  async function statuses(tag: string): Promise<Map<string, { status: string; prompt: string }>> {
    const { rows } = await db.query<{ id: string; status: string; prompt: string }>(`select id, status, prompt from generations where metadata->>'tag' = $1`, [tag]);
    return new Map(rows.map((r) => [r.id, r]));
  }

  async function waitAllTerminal(tag: string, count: number, timeoutMs: number): Promise<void> {
    await expect
      .poll(async () => [...(await statuses(tag)).values()].filter((g) => TERMINAL.includes(g.status)).length, { timeout: timeoutMs, interval: 500 })
      .toBe(count);
  }

  /** Every generation of a tag as the API lists it (following cursors), through the given API. */
  async function listed(baseUrl: string, tag: string): Promise<GenerationView[]> {
    const all: GenerationView[] = [];
    let cursor: string | undefined;
    do {
      const res = await getJson(`${baseUrl}/v1/generations?metadata.tag=${tag}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      all.push(...(res.body.data as GenerationView[]));
      cursor = (res.body.nextCursor as string | null | undefined) ?? undefined;
    } while (cursor);
    return all;
  }

  /** Objects stored under each generation's folder in the bucket. */
  async function storedObjects(): Promise<Map<string, string[]>> {
    const byGeneration = new Map<string, string[]>();
    let token: string | undefined;
    do {
      const page = await s3Client.send(new ListObjectsV2Command({ Bucket: s3!.bucket, Prefix: `${prefix}generations/`, ContinuationToken: token }));
      for (const o of page.Contents ?? []) {
        const id = o.Key!.slice(`${prefix}generations/`.length).split('/')[0]!;
        byGeneration.set(id, [...(byGeneration.get(id) ?? []), o.Key!]);
      }
      token = page.NextContinuationToken;
    } while (token);
    return byGeneration;
  }

  function describeFailures(views: GenerationView[]): string[] {
    return views.map((g) => (g.status === 'succeeded' ? g.status : `${g.id} ${g.status}: ${g.error?.code} ${g.error?.message}`));
  }

  it('200 generations over both APIs: one worker SIGKILLed and restarted, the other keeps going; each stored once', async () => {
    const tag = `a-${run}`;
    const COUNT = 200;
    const bodies = Array.from({ length: COUNT }, (_, i) => ({
      // Sync images and async renders, over both APIs.
      model: i % 4 < 2 ? 'acme/image' : 'acme/render',
      prompt: `${tag} #${i}`,
      metadata: { tag },
    }));
    const accepted = await submitAll(bodies);
    expect(accepted.map((r) => r.status)).toEqual(bodies.map(() => 202));
    const ids = accepted.map((r) => r.body.id as string);

    // Kill worker 0 mid-flight: some generations done, renders being polled, much still to do.
    await expect.poll(async () => [...(await statuses(tag)).values()].filter((g) => g.status === 'succeeded').length, { timeout: 90_000, interval: 100 }).toBeGreaterThanOrEqual(30);
    await expect.poll(() => fake.calls.some((c) => c.kind === 'poll'), { timeout: 60_000, interval: 50 }).toBe(true);
    const before = await statuses(tag);
    await stopProcess(workers[0], 'SIGKILL');
    const beforeKill = [...fake.calls];
    // A submission may be sent again only if its activity may not have completed at the kill:
    // its generation had not succeeded (sync) and its task had not been polled (async).
    const settled = new Set([...before.values()].filter((g) => g.status === 'succeeded').map((g) => g.prompt));
    for (const c of beforeKill) if (c.kind === 'poll') settled.add(c.prompt);
    const inFlight = new Set(beforeKill.filter((c) => c.kind === 'submit' && !settled.has(c.prompt)).map((c) => c.prompt));
    const doneAtKill = [...before.values()].filter((g) => g.status === 'succeeded').length;
    expect(doneAtKill).toBeLessThan(COUNT);

    // The other worker keeps going on its own.
    await expect
      .poll(async () => [...(await statuses(tag)).values()].filter((g) => g.status === 'succeeded').length, { timeout: 60_000, interval: 500 })
      .toBeGreaterThan(doneAtKill + 10);
    workers[0] = await startWorker(0);

    await waitAllTerminal(tag, COUNT, 180_000);
    const views = await listed(apis[1]!.baseUrl, tag);
    expect(views.map((g) => g.id).sort()).toEqual([...ids].sort());
    expect(describeFailures(views)).toEqual(views.map(() => 'succeeded'));

    // Provider submissions: each at least once, a second time only where one was in flight.
    const submits = fake.submitsPerPrompt();
    let total = 0;
    for (const g of views) {
      const n = submits.get(g.prompt) ?? 0;
      expect(n, g.prompt).toBeGreaterThanOrEqual(1);
      expect(n, `${g.prompt} submitted ${n} times`).toBeLessThanOrEqual(inFlight.has(g.prompt) ? 2 : 1);
      total += n;
    }
    expect(total).toBeLessThanOrEqual(COUNT + inFlight.size);
    console.info(`cluster drill a: ${COUNT} succeeded; ${total} submissions, ${inFlight.size} in flight at the kill, ${doneAtKill} done at the kill`);

    // Each output stored once: one object per generation in the bucket, the one its asset names.
    const objects = await storedObjects();
    for (const g of views) {
      expect(g.outputs, g.id).toHaveLength(1);
      expect(objects.get(g.id), g.id).toHaveLength(1);
    }
  }, 420_000);

  it('search attributes on SQL visibility: `temporal workflow list --query` by GenflowModel and GenflowStatus', async () => {
    const tag = `d-${run}`;
    const bodies = [
      { model: 'local/image', prompt: `${tag} image 0`, parameters: { width: 64, height: 64 }, metadata: { tag } },
      { model: 'local/image', prompt: `${tag} image 1`, parameters: { width: 64, height: 64 }, metadata: { tag } },
      { model: 'local/video', prompt: `${tag} video`, parameters: { durationSeconds: 1, width: 64, height: 64, fps: 2 }, metadata: { tag } },
      // Fails: GenflowStatus (upserted by the workflow) ends 'failed', and its workflow fails too.
      { model: 'local/image', prompt: `${tag} rejected`, parameters: { width: 64, height: 64, failWith: 'CONTENT_REJECTED' }, metadata: { tag } },
    ];
    const accepted = await submitAll(bodies, 4);
    expect(accepted.map((r) => r.status)).toEqual(bodies.map(() => 202));
    const [image0, image1, video, rejected] = accepted.map((r) => `gen_${r.body.id as string}`) as [string, string, string, string];
    await waitAllTerminal(tag, bodies.length, 60_000);

    const list = async (query: string): Promise<string[]> => {
      const { stdout } = await promisify(execFile)(cli!, ['workflow', 'list', '--address', cluster!.address, '--query', query, '--output', 'json'], { timeout: 30_000 });
      const parsed = stdout.trim() === '' ? [] : (JSON.parse(stdout) as Array<{ execution: { workflowId: string } }>);
      return parsed.map((w) => w.execution.workflowId).sort();
    };
    const ours = `TaskQueue = 'cluster-${run}' AND WorkflowType = 'generationWorkflow'`;
    // Visibility is written asynchronously: poll until the cluster has caught up.
    await expect.poll(() => list(`${ours} AND GenflowModel = 'local/image' AND GenflowStatus = 'succeeded'`), { timeout: 30_000, interval: 500 }).toEqual([image0, image1].sort());
    await expect.poll(() => list(`${ours} AND GenflowModel = 'local/image' AND GenflowStatus = 'failed'`), { timeout: 30_000, interval: 500 }).toEqual([rejected]);
    await expect.poll(() => list(`${ours} AND GenflowStatus IN ('queued', 'running')`), { timeout: 30_000, interval: 500 }).toEqual([]);
    // Temporal's own status agrees.
    expect(await list(`${ours} AND GenflowModel = 'local/image' AND ExecutionStatus = 'Completed'`)).toEqual([image0, image1].sort());
    expect(await list(`${ours} AND GenflowModel = 'local/image' AND ExecutionStatus = 'Failed'`)).toEqual([rejected]);
    await expect.poll(() => list(`${ours} AND GenflowModel = 'local/video'`), { timeout: 30_000, interval: 500 }).toEqual([video]);
    await expect.poll(() => list(`${ours} AND GenflowProvider = 'local' AND GenflowKind = 'text-to-video'`), { timeout: 30_000, interval: 500 }).toEqual([video]);
  }, 120_000);

  it('the Temporal server SIGKILLed mid-run: reads keep working, what needs it answers 503, every accepted generation finishes', async () => {
    const tag = `b-${run}`;
    fake.pollsToComplete = 3;
    const bodies = Array.from({ length: 30 }, (_, i) => ({ model: i % 2 === 0 ? 'acme/image' : 'acme/render', prompt: `${tag} #${i}`, metadata: { tag } }));
    // One slow job, still running when the server dies: something to cancel.
    bodies.push({ model: 'local/video', prompt: `${tag} slow`, parameters: { durationSeconds: 20, width: 64, height: 64, fps: 1 }, metadata: { tag } } as (typeof bodies)[number]);
    const accepted = await submitAll(bodies);
    expect(accepted.map((r) => r.status)).toEqual(bodies.map(() => 202));
    const ids = accepted.map((r) => r.body.id as string);
    const slow = ids.at(-1)!;
    await expect.poll(() => fake.calls.filter((c) => c.kind === 'submit' && c.prompt.startsWith(tag)).length, { timeout: 60_000, interval: 50 }).toBeGreaterThanOrEqual(6);
    await expect.poll(async () => (await statuses(tag)).get(slow)?.status, { timeout: 60_000, interval: 200 }).toBe('running');

    await killTemporalServer();
    const downSince = Date.now();
    const late: Array<{ idempotencyKey: string; body: object; status: number; id?: string }> = [];
    const timings: string[] = [];
    // An answer, not a hang: within 30 s (a common client timeout). Measured here:
    // readiness ~2 s, cancel ~5 s (bounded by its deadline).
    const timed = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
      const t0 = Date.now();
      const result = await f();
      const ms = Date.now() - t0;
      timings.push(`${what} ${ms} ms`);
      expect(ms, what).toBeLessThan(30_000);
      return result;
    };
    try {
      for (const api of apis) {
        // Reads come from Postgres.
        const read = await getJson(`${api.baseUrl}/v1/generations/${ids[0]}`);
        expect(read.status).toBe(200);
        expect((await listed(api.baseUrl, tag)).map((g) => g.id).sort()).toEqual([...ids].sort());
      }
      // Both APIs at once: each answer below may take a while to come.
      await Promise.all(apis.map(async (api) => {
        // A submit is accepted without Temporal: the row and its outbox entry commit, 202 queued;
        // the workflow starts when the server is back (api/generation-service.ts).
        const idempotencyKey = `${tag}-late-${api.name}`;
        const body = { model: 'acme/image', prompt: `${tag} late ${api.name}`, metadata: { tag } };
        const res = await timed(`${api.name} submit`, () => postJson(`${api.baseUrl}/v1/generations`, body, { 'Idempotency-Key': idempotencyKey }));
        expect(res.status, JSON.stringify(res.body)).toBe(202);
        expect(res.body.status).toBe('queued');
        late.push({ idempotencyKey, body, status: res.status, id: res.body.id as string });

        // What truly needs the server: 503 UNAVAILABLE, never a 500.
        const cancel = await timed(`${api.name} cancel`, () => requestJson('POST', `${api.baseUrl}/v1/generations/${slow}/cancel`));
        expect(cancel.status, JSON.stringify(cancel.body)).toBe(503);
        expect((cancel.body as { error: { code: string } }).error.code).toBe('UNAVAILABLE');
        const ready = await timed(`${api.name} ready`, () => getJson(`${api.baseUrl}/health/ready`));
        expect(ready.status).toBe(503);
        expect((ready.body.error as { code: string }).code).toBe('UNAVAILABLE');
      }));
    } finally {
      await startCluster();
    }
    console.info(`cluster drill b: the Temporal server was down for ${((Date.now() - downSince) / 1000).toFixed(1)} s; answers while down: ${timings.join(', ')}`);

    ids.push(...late.map((l) => l.id!));

    await waitAllTerminal(tag, ids.length, 180_000);
    const views = await listed(apis[0]!.baseUrl, tag);
    expect(views.map((g) => g.id).sort()).toEqual([...ids].sort());
    expect(describeFailures(views)).toEqual(views.map(() => 'succeeded'));
    expect([...apis, ...workers].map((p) => `${p.name} ${p.child.exitCode ?? 'running'}`)).toEqual([...apis, ...workers].map((p) => `${p.name} running`));
    await expect.poll(async () => (await getJson(`${apis[0]!.baseUrl}/health/ready`)).status, { timeout: 30_000, interval: 500 }).toBe(200);
  }, 420_000);

  it(`a provider's rate limit holds across the two workers: at most ${PACED_RPS} calls in any second at the provider`, async () => {
    const tag = `e-${run}`;
    const COUNT = 24;
    const bodies = Array.from({ length: COUNT }, (_, i) => ({ model: 'paced/image', prompt: `${tag} #${i}`, metadata: { tag } }));
    const accepted = await submitAll(bodies, COUNT);
    expect(accepted.map((r) => r.status)).toEqual(bodies.map(() => 202));
    await waitAllTerminal(tag, COUNT, 120_000);
    expect(describeFailures(await listed(apis[0]!.baseUrl, tag))).toEqual(bodies.map(() => 'succeeded'));

    const calls = paced.calls.filter((c) => c.kind === 'submit' && c.prompt.startsWith(tag));
    expect(calls).toHaveLength(COUNT);
    // Each worker calls with its own key: both took a share, so the limit was shared, not split.
    const byWorker = pacedKeys.map((k) => calls.filter((c) => c.key === k).length);
    expect(byWorker.every((n) => n > 0), `calls per worker ${byWorker.join('/')}`).toBe(true);
    const starts = calls.map((c) => c.at).sort((a, b) => a - b);
    let maxPerSecond = 0;
    for (let i = 0, j = 0; i < starts.length; i++) {
      while (starts[i]! - starts[j]! >= 1_000) j++;
      maxPerSecond = Math.max(maxPerSecond, i - j + 1);
    }
    const spanSeconds = (starts.at(-1)! - starts[0]!) / 1_000;
    console.info(`cluster drill e: ${COUNT} calls in ${spanSeconds.toFixed(1)} s, at most ${maxPerSecond} in any second, per worker ${byWorker.join('/')}`);
    // A rate of N/s seen through any sliding one-second window can show N + 1 (the server's token
    // bucket refills mid-window); the span below is what proves the pacing over the whole run.
    expect(maxPerSecond).toBeLessThanOrEqual(PACED_RPS + 1);
    // And the limit is what paced them: all were submitted at once.
    expect(spanSeconds).toBeGreaterThanOrEqual((COUNT - PACED_RPS) / PACED_RPS);
  }, 180_000);

  it('a rolling worker upgrade: generations in flight on the old code finish on new code behind patched(), none nondeterministic', async () => {
    const tag = `c-${run}`;
    const bundle = await buildPatchedBundle(join(home, 'upgrade'));
    // Renders that stay in progress (polled) until the upgrade is done.
    fake.pollsToComplete = 1_000_000;
    const bodies = Array.from({ length: 10 }, (_, i) => ({ model: 'acme/render', prompt: `${tag} #${i}`, metadata: { tag } }));
    const accepted = await submitAll(bodies);
    expect(accepted.map((r) => r.status)).toEqual(bodies.map(() => 202));
    const inFlight = accepted.map((r) => r.body.id as string);
    const polled = () => new Set(fake.calls.filter((c) => c.kind === 'poll' && c.prompt.startsWith(tag)).map((c) => c.prompt)).size;
    await expect.poll(polled, { timeout: 60_000, interval: 100 }).toBe(bodies.length);

    // One worker at a time: the new one joins, then the old one drains and leaves.
    for (const i of [0, 1]) {
      const next = await startWorker(i, { GENFLOW_WORKFLOW_BUNDLE: bundle });
      await stopProcess(workers[i], 'SIGTERM');
      workers[i] = next;
    }
    // Work started after the upgrade runs the new code.
    const after = await submitAll([0, 1].map((i) => ({ model: 'acme/render', prompt: `${tag} after #${i}`, metadata: { tag } })));
    expect(after.map((r) => r.status)).toEqual([202, 202]);
    fake.pollsToComplete = 2;
    await waitAllTerminal(tag, bodies.length + 2, 120_000);
    expect(describeFailures(await listed(apis[0]!.baseUrl, tag))).toEqual([...bodies, 0, 0].map(() => 'succeeded'));

    const connection = await Connection.connect({ address: cluster!.address });
    try {
      const client = new Client({ connection });
      const history = async (id: string) => {
        const events = (await client.workflow.getHandle(`gen_${id}`).fetchHistory()).events ?? [];
        const marker = events.findIndex((e) => {
          const m = e.markerRecordedEventAttributes;
          return m?.markerName === 'core_patch' && Object.values(m.details ?? {}).some((p) => (p.payloads ?? []).some((x) => x.data && Buffer.from(x.data).toString().includes(UPGRADE_PATCH)));
        });
        return {
          // No workflow task failed: a nondeterminism error would show here (and the generation would hang).
          taskFailures: events.filter((e) => e.workflowTaskFailedEventAttributes).map((e) => e.workflowTaskFailedEventAttributes?.failure?.message),
          newCode: marker >= 0 && events.slice(marker).some((e) => e.timerStartedEventAttributes),
        };
      };
      // In flight: replayed on the new worker, they kept the old path (patched() said no) ...
      for (const id of inFlight) expect(await history(id), id).toEqual({ taskFailures: [], newCode: false });
      // ... while new generations took the new one.
      for (const r of after) expect(await history(r.body.id as string)).toEqual({ taskFailures: [], newCode: true });
    } finally {
      await connection.close();
    }
  }, 300_000);
});
