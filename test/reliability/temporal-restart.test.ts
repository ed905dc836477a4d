import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveBinary } from '../../runtime/binaries';
import { ChaosFake, chaosYaml } from '../fakes/chaos';
import { kill, startDevProcess, type DevProcess } from '../support/dev-process';
import { getJson, postJson, temporalAddress, waitForGeneration } from '../support/stack';

const cli = resolveBinary('temporal', 'TEMPORAL_CLI_PATH');

/** A Temporal dev server of the suite's own (not the run's shared one), keeping state in `dbFile`. */
function startTemporal(dbFile: string, port?: number): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: cli! }, ip: '127.0.0.1', ...(port ? { port } : {}), dbFilename: dbFile, log: { format: 'json', level: 'error' } },
  });
}

/**
 * The Temporal server stopped and started again on the same port and database file while
 * generations run: genflow's worker and API ride through it without a restart of their own.
 */
describe.skipIf(!temporalAddress || !cli)('the Temporal server restarted mid-run', () => {
  const home = mkdtempSync(join(tmpdir(), 'genflow-temporal-restart-'));
  const key = `sk-trestart-${randomUUID()}`;
  const fake = new ChaosFake({ keys: [key] });
  let temporal: TestWorkflowEnvironment | undefined;
  let current: DevProcess | undefined;

  afterAll(async () => {
    if (current) await kill(current.child, 'SIGTERM');
    await temporal?.teardown();
    await fake.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('finishes every generation; while it is down the API accepts submits (202 queued) and reads still work', async () => {
    await fake.start();
    fake.pollsToComplete = 3;
    const file = join(home, 'providers.yaml');
    writeFileSync(file, chaosYaml(fake.url));
    const dbFile = join(home, 'temporal.db');
    temporal = await startTemporal(dbFile);
    const port = Number(new URL(`http://${temporal.address}`).port);
    current = await startDevProcess({
      TEMPORAL_ADDRESS: temporal.address,
      GENFLOW_HOME: join(home, 'genflow'),
      GENFLOW_TASK_QUEUE: `trestart-${randomUUID()}`,
      GENFLOW_CUSTOM_PROVIDERS: file,
      GENFLOW_ACME_API_KEYS: key,
    });
    const base = current.baseUrl;
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const body = i % 2 === 0 ? { model: 'acme/image', prompt: `temporal restart image ${i}` } : { model: 'acme/render', prompt: `temporal restart render ${i}` };
      const res = await postJson(`${base}/v1/generations`, body);
      expect(res.status).toBe(202);
      ids.push(res.body.id as string);
    }
    await expect.poll(() => fake.calls.filter((c) => c.kind === 'submit').length, { timeout: 60_000, interval: 50 }).toBeGreaterThanOrEqual(4);

    await temporal.teardown();
    temporal = undefined;
    // Down: new generations are still accepted (202 queued), their starts wait in the outbox ...
    const idempotencyKey = `during-outage-${randomUUID()}`;
    const late = { model: 'acme/image', prompt: 'submitted while Temporal was down' };
    const accepted = await postJson(`${base}/v1/generations`, late, { 'Idempotency-Key': idempotencyKey });
    expect(accepted.status).toBe(202);
    expect(accepted.body.status).toBe('queued');
    const unkeyed = await postJson(`${base}/v1/generations`, { model: 'acme/render', prompt: 'submitted without a key while Temporal was down' });
    expect(unkeyed.status).toBe(202);
    // ... a retry with the key answers the same generation ...
    const retried = await postJson(`${base}/v1/generations`, late, { 'Idempotency-Key': idempotencyKey });
    expect(retried.status).toBe(200);
    expect(retried.body.id).toBe(accepted.body.id);
    // ... and what is recorded can still be read.
    const read = await getJson(`${base}/v1/generations/${ids[0]}`);
    expect(read.status).toBe(200);
    expect((await getJson<{ status: string }>(`${base}/v1/generations/${accepted.body.id as string}`)).body.status).toBe('queued');
    ids.push(accepted.body.id as string, unkeyed.body.id as string);

    // Back: the outbox dispatcher starts what waited, with no client retry.
    temporal = await startTemporal(dbFile, port);

    const done = await Promise.all(ids.map((id) => waitForGeneration(base, id, undefined, 120_000)));
    expect(done.map((g) => (g.status === 'succeeded' ? g.status : `${g.status}: ${g.error?.code} ${g.error?.message}`))).toEqual(ids.map(() => 'succeeded'));
    // An async submission whose completion Temporal missed is resumed from its recorded task,
    // not sent again; a sync one in flight may be sent twice, never more.
    const submits = fake.submitsPerPrompt();
    for (const g of done) expect(submits.get(g.prompt), g.prompt).toBeLessThanOrEqual(g.model === 'acme/render' ? 1 : 2);
    // The same worker, reconnected, runs work started after the restart too.
    const after = await postJson(`${base}/v1/generations`, { model: 'acme/render', prompt: 'after the restart' });
    expect(after.status).toBe(202);
    expect((await waitForGeneration(base, after.body.id as string, undefined, 60_000)).status).toBe('succeeded');
    expect(current.child.exitCode).toBeNull();
  }, 300_000);
});
