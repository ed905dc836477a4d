import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSearchAttributes } from '../../runtime/search-attributes';
import { resolveBinary } from '../../runtime/binaries';
import { waitForBatch } from '../support/batch-stack';
import { postJson, startStack, temporalAddress, testLogger, waitForGeneration, type Stack } from '../support/stack';

const run = promisify(execFile);
const cli = resolveBinary('temporal', 'TEMPORAL_CLI_PATH');

/** Workflow ids `temporal workflow list --query` returns (the real CLI against the run's server). */
async function listWorkflows(query: string, namespace = 'default'): Promise<string[]> {
  const { stdout } = await run(cli!, ['workflow', 'list', '--address', temporalAddress!, '--namespace', namespace, '--query', query, '--output', 'json'], { timeout: 30_000 });
  const text = stdout.trim();
  if (!text) return [];
  const parsed = text.startsWith('[') ? (JSON.parse(text) as unknown[]) : text.split('\n').map((l) => JSON.parse(l) as unknown);
  return parsed.map((w) => (w as { execution: { workflowId: string } }).execution.workflowId).sort();
}

describe.skipIf(!temporalAddress || !cli)('Temporal search attributes', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('`temporal workflow list --query` finds generations by model, provider, kind and GenflowStatus, and batches by id', async () => {
    const submit = (model: string, prompt: string, parameters?: Record<string, unknown>) => postJson(`${stack.baseUrl}/v1/generations`, { model, prompt, ...(parameters ? { parameters } : {}) });
    const ids = await Promise.all([
      submit('local/image', 'a kite'),
      submit('local/image', 'a boat'),
      submit('local/speech', 'hello'),
      submit('local/image', 'refused', { failWith: 'CONTENT_REJECTED' }),
    ]).then((rs) => rs.map((r) => r.body.id as string));
    const finals = await Promise.all(ids.map((id) => waitForGeneration(stack.baseUrl, id)));
    expect(finals.map((g) => g.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'failed']);
    const batch = await postJson(`${stack.baseUrl}/v1/batches`, { requests: [{ model: 'local/text', prompt: 'a tagline' }] });
    expect(batch.status).toBe(202);
    const batchId = batch.body.id as string;

    // The task queue is this test's own, so other files' workflows on the shared server stay out.
    const mine = `TaskQueue='${stack.taskQueue}'`;
    await expect.poll(() => listWorkflows(`GenflowModel='local/image' AND ${mine}`), { timeout: 20_000, interval: 500 }).toEqual([`gen_${ids[0]}`, `gen_${ids[1]}`, `gen_${ids[3]}`].sort());
    // genflow's own status, upserted by the workflow as it changed.
    await expect.poll(() => listWorkflows(`GenflowModel='local/image' AND GenflowStatus='succeeded' AND ${mine}`), { timeout: 20_000, interval: 500 }).toEqual([`gen_${ids[0]}`, `gen_${ids[1]}`].sort());
    await expect.poll(() => listWorkflows(`GenflowStatus='failed' AND ${mine}`), { timeout: 20_000, interval: 500 }).toEqual([`gen_${ids[3]}`]);
    expect(await listWorkflows(`GenflowStatus IN ('queued', 'running') AND ${mine}`)).toEqual([]);
    expect(await listWorkflows(`GenflowProvider='local' AND GenflowKind='text-to-speech' AND ${mine}`)).toEqual([`gen_${ids[2]}`]);
    expect(await listWorkflows(`GenflowModel='local/image' AND ExecutionStatus='Completed' AND ${mine}`)).toHaveLength(2);
    // The batch and its item: a batch's generations are started with its id too.
    const item = await waitForBatch(stack.baseUrl, batchId).then((b) => b.items[0]!.generationId);
    await expect.poll(() => listWorkflows(`GenflowBatchId='${batchId}'`), { timeout: 20_000, interval: 500 }).toEqual([`batch_${batchId}`, `gen_${item}`].sort());
    expect(await listWorkflows(`GenflowBatchId='${batchId}' AND GenflowModel='local/text'`)).toEqual([`gen_${item}`]);
  });

  it('registers missing attributes in a namespace that lacks them', async () => {
    const namespace = `genflow-sa-${randomUUID().slice(0, 8)}`;
    await run(cli!, ['operator', 'namespace', 'create', '--address', temporalAddress!, '--namespace', namespace], { timeout: 30_000 });
    const connection = await Connection.connect({ address: temporalAddress! });
    try {
      const client = new Client({ connection, namespace });
      const before = await connection.operatorService.listSearchAttributes({ namespace });
      expect(Object.keys(before.customAttributes ?? {})).not.toContain('GenflowModel');

      const pairs = await createSearchAttributes(client, testLogger).pairs({ model: 'local/image', owner: 'team-a' });
      expect(pairs.map((p) => [p.key.name, p.value])).toEqual([['GenflowModel', 'local/image'], ['GenflowOwner', 'team-a']]);
      const after = await connection.operatorService.listSearchAttributes({ namespace });
      expect(Object.keys(after.customAttributes ?? {})).toEqual(expect.arrayContaining(['GenflowModel', 'GenflowProvider', 'GenflowKind', 'GenflowBatchId', 'GenflowExperimentId', 'GenflowOwner', 'GenflowStatus']));
    } finally {
      await connection.close();
    }
  });
});
