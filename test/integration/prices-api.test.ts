import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelListSchema, modelSchema, generationEstimateSchema, batchEstimateSchema, batchSchema, generationSchema } from '../../api/openapi/view-schemas';
import { ElevenLabsFake } from '../fakes/elevenlabs';
import { getJson, postJson, requestJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

// A key of its own per run: key state persists in the database.
const KEY = `sk_prices-${randomUUID()}`;
const TEXT = 'The quick brown fox jumps over the lazy dog.'; // 44 characters
type Model = { id: string; available: boolean; price: { unit: string; usd: number; notes?: string } | null; unavailable?: { code?: string; reason?: string } };

describe.skipIf(!temporalAddress)('prices, dry runs and providers without keys', () => {
  const fake = new ElevenLabsFake();
  let stack: Stack;

  beforeAll(async () => {
    await fake.start();
    fake.apiKeys = new Set([KEY]);
    stack = await startStack({
      ownDatabase: true,
      // ElevenLabs has a key; Pollo and Jiekou have none, whatever the machine's environment says.
      env: {
        GENFLOW_ELEVENLABS_BASE_URL: fake.url,
        GENFLOW_ELEVENLABS_API_KEYS: KEY,
        GENFLOW_POLLO_API_KEYS: '',
        GENFLOW_POLLO_API_KEY: '',
        GENFLOW_JIEKOU_API_KEYS: '',
        GENFLOW_JIEKOU_API_KEY: '',
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await fake.stop();
  });

  const rows = async () => (await stack.repo.search({ limit: 100, metadata: {} })).rows.length;

  it('GET /v1/models shows every model with a price rule or a stated free, and which ones cannot run', async () => {
    const res = await getJson<{ data: Model[] }>(`${stack.baseUrl}/v1/models`);
    expect(res.status).toBe(200);
    modelListSchema.parse(res.body);
    const byId = new Map(res.body.data.map((m) => [m.id, m]));
    for (const m of res.body.data) {
      expect(m.price, m.id).not.toBeNull();
      if (m.price!.unit === 'free') expect(m.price!.notes, m.id).toBeTruthy();
      else expect(m.price!.usd, m.id).toBeGreaterThan(0);
    }
    expect(byId.get('elevenlabs/multilingual-v2')).toMatchObject({ available: true, price: { unit: 'character', usd: 0.0001 } });
    expect(byId.get('local/image')).toMatchObject({ available: true, price: { unit: 'free' } });
    const pollo = byId.get('pollo/veo3')!;
    expect(pollo.available).toBe(false);
    expect(pollo.unavailable?.code).toBe('no_api_key');
    expect(pollo.unavailable?.reason).toContain('GENFLOW_POLLO_API_KEYS');
  });

  it('GET /v1/models/:id answers one model, slashes as they are or encoded; an unknown id is a 404 error body', async () => {
    const plain = await getJson<Model>(`${stack.baseUrl}/v1/models/replicate/black-forest-labs/flux-schnell`);
    expect(plain.status).toBe(200);
    modelSchema.parse(plain.body);
    expect(plain.body).toMatchObject({ id: 'replicate/black-forest-labs/flux-schnell', price: { unit: 'image', usd: 0.003 } });
    const encoded = await getJson<Model>(`${stack.baseUrl}/v1/models/kie%2F4o-image`);
    expect(encoded.body.id).toBe('kie/4o-image');
    const unknown = await getJson(`${stack.baseUrl}/v1/models/nobody/nothing`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: { code: 'NOT_FOUND', message: expect.stringContaining('nobody/nothing') as string } });
  });

  it('a dry run answers the estimate, the model and its parameters, and writes nothing', async () => {
    const before = await rows();
    const dry = await postJson(`${stack.baseUrl}/v1/generations?dryRun=true`, { model: 'elevenlabs/multilingual-v2', prompt: TEXT });
    expect(dry.status).toBe(200);
    generationEstimateSchema.parse(dry.body);
    expect(dry.body).toMatchObject({
      dryRun: true,
      model: 'elevenlabs/multilingual-v2',
      provider: 'elevenlabs',
      kind: 'text-to-speech',
      parameters: { outputFormat: 'mp3_44100_128' },
      numberOfOutputs: 1,
    });
    expect(dry.body.estimatedCost).toBeCloseTo(TEXT.length * 0.0001, 6);
    // A kind alone: the default model is chosen, as a submit would.
    const byKind = await postJson(`${stack.baseUrl}/v1/generations?dryRun=true`, { kind: 'text-to-image', prompt: 'a lighthouse' });
    expect(byKind.body).toMatchObject({ dryRun: true, modelSelectedBy: 'default', kind: 'text-to-image' });
    // Validated like a submit: the same error for the same bad request.
    const bad = { model: 'elevenlabs/multilingual-v2', prompt: TEXT, parameters: { speed: 3 } };
    const dryBad = await postJson(`${stack.baseUrl}/v1/generations?dryRun=true`, bad);
    const realBad = await postJson(`${stack.baseUrl}/v1/generations`, bad);
    expect(dryBad.status).toBe(realBad.status);
    expect((dryBad.body.error as { code: string }).code).toBe((realBad.body.error as { code: string }).code);
    expect(fake.served).toHaveLength(0);
    expect(await rows()).toBe(before);
  });

  it('a dry run reserves no budget: a key that can afford one submit can still make it after many dry runs', async () => {
    const made = await postJson(`${stack.baseUrl}/v1/api-keys`, { name: 'prices', budget: { total: 0.006 } });
    expect(made.status).toBe(201);
    const auth = { authorization: `Bearer ${made.body.key as string}` };
    const body = { model: 'elevenlabs/multilingual-v2', prompt: TEXT }; // $0.0044
    for (let i = 0; i < 5; i++) expect((await postJson(`${stack.baseUrl}/v1/generations?dryRun=true`, body, auth)).status).toBe(200);
    const real = await postJson(`${stack.baseUrl}/v1/generations`, body, auth);
    expect(real.status).toBe(202);
    const second = await postJson(`${stack.baseUrl}/v1/generations`, body, auth);
    expect(second.status).toBe(402);
    expect((second.body.error as { code: string }).code).toBe('QUOTA_EXCEEDED');
    await waitForGeneration(stack.baseUrl, real.body.id as string);
  });

  it('a submit to a provider without an API key answers 503 PROVIDER_UNAVAILABLE at once, naming it and how to configure it', async () => {
    const before = await rows();
    for (const url of [`${stack.baseUrl}/v1/generations`, `${stack.baseUrl}/v1/generations?dryRun=true`]) {
      const res = await postJson(url, { model: 'pollo/veo3', prompt: 'waves' });
      expect(res.status).toBe(503);
      expect(res.body.error).toMatchObject({
        code: 'PROVIDER_UNAVAILABLE',
        message: expect.stringContaining('pollo') as string,
        details: { provider: 'pollo', configure: expect.stringContaining('PUT /v1/providers/pollo/config') as string },
      });
    }
    // A batch naming one in any item is refused whole, naming the item.
    const batch = await postJson(`${stack.baseUrl}/v1/batches`, { requests: [{ model: 'local/image', prompt: 'a' }, { model: 'jiekou/sora-2', prompt: 'b' }] });
    expect(batch.status).toBe(503);
    expect((batch.body.error as { message: string }).message).toContain('requests[1].model');
    expect(await rows()).toBe(before);

    // Keys set over the config API make it available without a restart.
    expect((await requestJson('PUT', `${stack.baseUrl}/v1/providers/pollo/config`, { apiKeys: ['pollo-key-12345'] })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_100));
    const model = await getJson<Model>(`${stack.baseUrl}/v1/models/pollo/veo3`);
    expect(model.body).toMatchObject({ available: true });
    const dry = await postJson(`${stack.baseUrl}/v1/generations?dryRun=true`, { model: 'pollo/veo3', prompt: 'waves' });
    expect(dry.status).toBe(200);
    expect(dry.body.estimatedCost).toBeCloseTo(3.2);
  });

  it('GET /v1/generations/:id and batch items show estimatedCost and the settled cost', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'elevenlabs/flash-v2.5', prompt: TEXT });
    expect(submit.status).toBe(202);
    expect(submit.body.cost).toBeUndefined();
    expect(submit.body.estimatedCost).toBeCloseTo(TEXT.length * 0.00005, 6);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    generationSchema.parse(done);
    expect(done.status).toBe('succeeded');
    expect(done.cost).toBeCloseTo(TEXT.length * 0.00005, 6);

    const requests = [
      { model: 'elevenlabs/multilingual-v2', prompt: TEXT },
      { model: 'local/image', prompt: 'a kite', parameters: { width: 64, height: 64 } },
    ];
    const dry = await postJson(`${stack.baseUrl}/v1/batches?dryRun=true`, { requests });
    expect(dry.status).toBe(200);
    batchEstimateSchema.parse(dry.body);
    expect(dry.body).toMatchObject({ dryRun: true, totalTasks: 2, items: [{ index: 0, provider: 'elevenlabs' }, { index: 1, model: 'local/image', estimatedCost: 0 }] });
    expect(dry.body.estimatedCost).toBeCloseTo(TEXT.length * 0.0001, 6);

    const made = await postJson(`${stack.baseUrl}/v1/batches`, { requests });
    expect(made.status).toBe(202);
    expect(made.body.estimatedCost).toBeCloseTo(dry.body.estimatedCost as number, 6);
    const deadline = Date.now() + 60_000;
    let view: Record<string, unknown>;
    do {
      await new Promise((r) => setTimeout(r, 250));
      view = (await getJson(`${stack.baseUrl}/v1/batches/${made.body.id as string}`)).body;
    } while (view.status === 'running' && Date.now() < deadline);
    batchSchema.parse(view);
    const items = view.items as Array<{ estimatedCost: number; cost: number | null; status: string }>;
    expect(items.map((i) => i.status)).toEqual(['succeeded', 'succeeded']);
    expect(items[0]!.estimatedCost).toBeCloseTo(TEXT.length * 0.0001, 6);
    expect(items[0]!.cost).toBeCloseTo(TEXT.length * 0.0001, 6);
    expect(items[1]).toMatchObject({ estimatedCost: 0, cost: 0 });
  });
});
