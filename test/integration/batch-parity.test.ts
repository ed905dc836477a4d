import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationView } from '../../domain/generation';
import { ReplicateFake } from '../fakes/replicate';
import { waitForBatch } from '../support/batch-stack';
import { postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

const KEY = `r8_parity-${randomUUID()}`;
const PRIMARY = 'replicate/black-forest-labs/flux-schnell';

/**
 * One submission path (api/submission.ts): the same request, sent alone or as a batch item,
 * runs on the same model with the same fallbacks, carries the same metadata and is started
 * with the same search attributes. Each of these once differed for batch items.
 */
describe.skipIf(!temporalAddress)('a batch item and a single submit of the same request', () => {
  const replicate = new ReplicateFake({ apiKeys: [KEY] });
  let stack: Stack;

  beforeAll(async () => {
    await replicate.start();
    stack = await startStack({
      env: {
        GENFLOW_REPLICATE_BASE_URL: replicate.url,
        GENFLOW_REPLICATE_API_KEYS: KEY,
        // Only `kind` is given: the configured default must be used, and its configured fallback.
        GENFLOW_DEFAULT_MODELS: `text-to-image=${PRIMARY}`,
        GENFLOW_FALLBACK_MODELS: `${PRIMARY}=local/image`,
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await replicate.stop();
  });

  /** What a user compares between the two: everything but ids and times. */
  const comparable = (g: GenerationView) => ({
    status: g.status,
    model: g.model,
    provider: g.provider,
    kind: g.kind,
    modelSelectedBy: g.modelSelectedBy,
    parameters: g.parameters,
    metadata: g.metadata,
    fallbackModels: g.fallbackModels,
    resultModel: g.resultModel,
    attempts: g.attempts?.map((a) => ({ model: a.model, status: a.status, code: a.code })),
    outputs: g.outputs.map((o) => o.contentType),
  });

  async function searchAttributes(generationId: string): Promise<Record<string, unknown>> {
    const described = await stack.client.workflow.getHandle(`gen_${generationId}`).describe();
    return Object.fromEntries(described.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value]));
  }

  it('gets the default model for its kind, the configured fallbacks, the metadata and the search attributes', async () => {
    // The default model's provider fails, so the configured fallback has to run.
    replicate.pollsToFinish = 1;
    replicate.outcome = 'failed';
    try {
      const item = { kind: 'text-to-image', prompt: 'a lighthouse at dusk', parameters: { seed: 7 }, metadata: { shotId: 's-12', take: 2 } };
      const single = await postJson(`${stack.baseUrl}/v1/generations`, item);
      expect(single.status, JSON.stringify(single.body)).toBe(202);
      const batch = await postJson(`${stack.baseUrl}/v1/batches`, { requests: [item] });
      expect(batch.status, JSON.stringify(batch.body)).toBe(202);
      const batchId = batch.body.id as string;

      const alone = await waitForGeneration(stack.baseUrl, single.body.id as string);
      const done = await waitForBatch(stack.baseUrl, batchId);
      const itemId = done.items[0]!.generationId;
      const inBatch = await waitForGeneration(stack.baseUrl, itemId);

      expect(comparable(alone)).toMatchObject({
        status: 'succeeded',
        model: PRIMARY,
        modelSelectedBy: 'default',
        fallbackModels: ['local/image'],
        resultModel: 'local/image',
        metadata: { shotId: 's-12', take: 2 },
        attempts: [
          { model: PRIMARY, status: 'failed', code: 'PROVIDER_ERROR' },
          { model: 'local/image', status: 'succeeded' },
        ],
      });
      expect(comparable(inBatch)).toEqual(comparable(alone));
      expect(done.status).toBe('succeeded');

      // Started with the same attributes; the batch item also names its batch.
      const aloneAttributes = await searchAttributes(alone.id);
      expect(aloneAttributes).toMatchObject({ GenflowModel: PRIMARY, GenflowProvider: 'replicate', GenflowKind: 'text-to-image' });
      expect(await searchAttributes(itemId)).toEqual({ ...aloneAttributes, GenflowBatchId: batchId });
    } finally {
      replicate.outcome = 'succeeded';
    }
  });

  it('takes fallbackModels on an item, checked like a single submit', async () => {
    const item = { model: 'local/image', prompt: 'a fox', parameters: { width: 64, height: 64 }, fallbackModels: ['local/speech'] };
    const single = await postJson(`${stack.baseUrl}/v1/generations`, item);
    const batch = await postJson(`${stack.baseUrl}/v1/batches`, { requests: [{ model: 'local/image', prompt: 'ok', parameters: { width: 64, height: 64 } }, item] });
    expect(single.status).toBe(400);
    expect(batch.status).toBe(400);
    const error = batch.body.error as { code: string; message: string };
    expect(error.code).toBe((single.body.error as { code: string }).code);
    expect(error.message).toBe(`requests[1]: ${(single.body.error as { message: string }).message}`);
  });
});
