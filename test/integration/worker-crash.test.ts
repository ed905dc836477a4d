import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { kill, startDevProcess, type DevProcess } from '../support/dev-process';
import { postJson, temporalAddress, waitForGeneration } from '../support/stack';

/**
 * The whole genflow process (worker, API, embedded database unless DATABASE_URL is set) is
 * SIGKILLed while an async job waits at the provider, then started again on the same data.
 */
describe.skipIf(!temporalAddress)('a worker killed mid-generation', () => {
  const home = mkdtempSync(join(tmpdir(), 'genflow-crash-'));
  const env = { TEMPORAL_ADDRESS: temporalAddress ?? '', GENFLOW_HOME: home, GENFLOW_TASK_QUEUE: `crash-${randomUUID()}` };
  const jobsDir = join(home, 'providers', 'local', 'local-jobs');
  const jobFiles = () => (existsSync(jobsDir) ? readdirSync(jobsDir).filter((f) => f.endsWith('.json')) : []);
  let current: DevProcess | undefined;

  afterAll(async () => {
    if (current) await kill(current.child, 'SIGTERM');
    rmSync(home, { recursive: true, force: true });
  });

  it('still succeeds after a restart, exactly once', async () => {
    current = await startDevProcess(env);
    const submit = await postJson(`${current.baseUrl}/v1/generations`, {
      model: 'local/video',
      prompt: 'a lighthouse at night',
      parameters: { durationSeconds: 6, width: 64, height: 64, fps: 2 },
    });
    expect(submit.status).toBe(202);
    const id = submit.body.id as string;

    // Wait until the job is submitted and being polled, then kill the process without warning.
    const waiting = await waitForGeneration(current.baseUrl, id, (g) => g.progress > 0, 30_000);
    expect(waiting.status).toBe('running');
    expect(waiting.progress).toBeLessThan(1);
    expect(jobFiles()).toHaveLength(1);
    await kill(current.child, 'SIGKILL');

    current = await startDevProcess(env);
    const done = await waitForGeneration(current.baseUrl, id, undefined, 90_000);
    expect(done.status).toBe('succeeded');
    expect(done.outputs).toHaveLength(1);
    const asset = await fetch(done.outputs[0]!.url);
    expect(asset.status).toBe(200);
    expect(Buffer.from(await asset.arrayBuffer()).length).toBe(done.outputs[0]!.bytes);

    // Exactly once: one provider job, one workflow run, which completed.
    expect(jobFiles()).toHaveLength(1);
    const connection = await Connection.connect({ address: temporalAddress! });
    try {
      const client = new Client({ connection });
      // The row says succeeded once the last activity ran; the workflow itself completes a moment
      // later, and the visibility store (what list() reads) catches up after that.
      await client.workflow.getHandle(`gen_${id}`).result();
      const listRuns = async () => {
        const runs: string[] = [];
        for await (const wf of client.workflow.list({ query: `WorkflowId = 'gen_${id}'` })) runs.push(wf.status.name);
        return runs;
      };
      await expect.poll(listRuns, { timeout: 10_000, interval: 200 }).toEqual(['COMPLETED']);
    } finally {
      await connection.close();
    }
  }, 240_000);
});
