import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kill, startDevProcess, type DevProcess } from '../support/dev-process';
import { parsePrometheus } from '../support/prometheus';
import { getText, postJson, temporalAddress, waitForGeneration } from '../support/stack';

describe.skipIf(!temporalAddress)('one /metrics for API and worker in `genflow dev`', () => {
  const home = mkdtempSync(join(tmpdir(), 'genflow-devmetrics-'));
  const taskQueue = `devmetrics-${randomUUID()}`;
  let dev: DevProcess;
  beforeAll(async () => {
    dev = await startDevProcess({ TEMPORAL_ADDRESS: temporalAddress ?? '', GENFLOW_HOME: home, GENFLOW_TASK_QUEUE: taskQueue });
  });
  afterAll(async () => {
    if (dev) await kill(dev.child, 'SIGTERM');
    rmSync(home, { recursive: true, force: true });
  });

  it("has genflow's series and the Temporal SDK worker's, labelled with the task queue", async () => {
    const submit = await postJson(`${dev.baseUrl}/v1/generations`, { model: 'local/image', prompt: 'a dune', parameters: { width: 64, height: 64 } });
    expect((await waitForGeneration(dev.baseUrl, submit.body.id as string)).status).toBe('succeeded');

    const scrape = async () => parsePrometheus((await getText(`${dev.baseUrl}/metrics`)).text);
    const finished = (await scrape()).find((s) => s.name === 'genflow_generations_finished_total' && s.labels.model === 'local/image');
    expect(finished).toMatchObject({ labels: { provider: 'local', status: 'succeeded' }, value: 1 });
    // The SDK exports on its own schedule; its workflow-completion counter shows up shortly.
    await expect
      .poll(async () => (await scrape()).find((s) => s.name === 'temporal_workflow_completed_total' && s.labels.task_queue === taskQueue)?.value, { timeout: 30_000, interval: 500 })
      .toBeGreaterThanOrEqual(1);
    const names = new Set((await scrape()).map((s) => s.name));
    expect(names.has('genflow_process_resident_memory_bytes')).toBe(true);
    expect([...names].some((n) => n.startsWith('temporal_worker_task_slots'))).toBe(true);
  });
});
