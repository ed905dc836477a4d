import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import type { GenerationView } from '../../domain/generation';
import { ChaosFake, chaosYaml } from '../fakes/chaos';
import { kill, startDevProcess, type DevProcess } from '../support/dev-process';
import { getGeneration, getJson, postJson, temporalAddress, waitForGeneration } from '../support/stack';

const COUNT = 50;

/**
 * 50 generations in flight — half sync (acme/image), half async (acme/render) — when the whole
 * genflow process is SIGKILLed; a new process on the same data finishes them all, each once.
 */
describe.skipIf(!temporalAddress)('50 generations in flight, the process SIGKILLed', () => {
  const home = mkdtempSync(join(tmpdir(), 'genflow-kill50-'));
  const key = `sk-kill-${randomUUID()}`;
  const fake = new ChaosFake({ keys: [key] });
  const taskQueue = `kill50-${randomUUID()}`;
  const run = randomUUID();
  let current: DevProcess | undefined;

  afterAll(async () => {
    if (current) await kill(current.child, 'SIGTERM');
    await fake.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('finishes 50/50 after a restart, each with one run, one row and one stored output; re-submits only for calls in flight', async () => {
    await fake.start();
    fake.pollsToComplete = 2;
    const file = join(home, 'providers.yaml');
    writeFileSync(file, chaosYaml(fake.url));
    const env = {
      TEMPORAL_ADDRESS: temporalAddress ?? '',
      GENFLOW_HOME: home,
      GENFLOW_TASK_QUEUE: taskQueue,
      GENFLOW_CUSTOM_PROVIDERS: file,
      GENFLOW_ACME_API_KEYS: key,
    };
    current = await startDevProcess(env);
    const ids: string[] = [];
    const prompts = new Map<string, string>();
    for (let i = 0; i < COUNT; i++) {
      const prompt = `${run} #${i}`;
      const model = i % 2 === 0 ? 'acme/image' : 'acme/render';
      const res = await postJson(`${current.baseUrl}/v1/generations`, { model, prompt, metadata: { run } });
      expect(res.status).toBe(202);
      ids.push(res.body.id as string);
      prompts.set(res.body.id as string, prompt);
    }

    // Kill mid-flight: part of the submissions made, async tasks being polled.
    await expect.poll(() => fake.calls.filter((c) => c.kind === 'submit').length, { timeout: 60_000, interval: 50 }).toBeGreaterThanOrEqual(15);
    await expect.poll(() => fake.calls.some((c) => c.kind === 'poll'), { timeout: 60_000, interval: 50 }).toBe(true);
    const before = await Promise.all(ids.map((id) => getGeneration(current!.baseUrl, id)));
    await kill(current.child, 'SIGKILL');
    const beforeKill = [...fake.calls];

    // A submit whose activity may not have completed when the process died: its generation had
    // not succeeded (sync) and its task had not been polled (async). Only these may be re-sent.
    const settled = new Set(before.filter((g) => g.status === 'succeeded').map((g) => g.prompt));
    for (const c of beforeKill) if (c.kind === 'poll') settled.add(c.prompt);
    const inFlight = new Set(beforeKill.filter((c) => c.kind === 'submit' && !settled.has(c.prompt)).map((c) => c.prompt));
    expect(before.filter((g) => g.status === 'succeeded').length).toBeLessThan(COUNT);

    current = await startDevProcess(env);
    const done: GenerationView[] = [];
    for (const id of ids) done.push(await waitForGeneration(current.baseUrl, id, undefined, 150_000));
    expect(done.map((g) => (g.status === 'succeeded' ? g.status : `${g.status}: ${g.error?.code} ${g.error?.message}`))).toEqual(ids.map(() => 'succeeded'));

    // Submissions: every generation at least once; a second one only where one was in flight.
    const submits = fake.submitsPerPrompt();
    let duplicates = 0;
    for (const g of done) {
      const n = submits.get(prompts.get(g.id)!) ?? 0;
      expect(n, g.id).toBeGreaterThanOrEqual(1);
      expect(n, `${g.id} submitted ${n} times`).toBeLessThanOrEqual(inFlight.has(g.prompt) ? 2 : 1);
      duplicates += n - 1;
    }
    expect(duplicates).toBeLessThanOrEqual(inFlight.size);

    // One row per generation, one output each, stored once under its key.
    const listed = await getJson(`${current.baseUrl}/v1/generations?metadata.run=${run}&limit=100`);
    expect(listed.status).toBe(200);
    expect(((listed.body.data as GenerationView[]).map((g) => g.id)).sort()).toEqual([...ids].sort());
    for (const g of done) {
      expect(g.outputs, g.id).toHaveLength(1);
      const dir = join(home, 'media', 'generations', g.id);
      const files = existsSync(dir) ? readdirSync(dir).filter((f) => !f.endsWith('.part')) : [];
      expect(files, g.id).toHaveLength(1);
    }

    // One workflow run per generation, completed.
    const connection = await Connection.connect({ address: temporalAddress! });
    try {
      const client = new Client({ connection });
      for (const id of ids) await client.workflow.getHandle(`gen_${id}`).result();
      const runs = async () => {
        const seen: string[] = [];
        for await (const wf of client.workflow.list({ query: `TaskQueue = '${taskQueue}' AND WorkflowType = 'generationWorkflow'` })) {
          seen.push(`${wf.workflowId} ${wf.status.name}`);
        }
        return seen.sort();
      };
      await expect.poll(runs, { timeout: 15_000, interval: 300 }).toEqual(ids.map((id) => `gen_${id} COMPLETED`).sort());
    } finally {
      await connection.close();
    }
  }, 300_000);
});
