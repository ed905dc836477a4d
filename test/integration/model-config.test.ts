import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, postJson, requestJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

interface ModelView {
  id: string;
  available: boolean;
  unavailable?: { code: string; reason: string };
}

/** An admin switches one model off (and on again) over the provider-config API, without a restart. */
describe.skipIf(!temporalAddress)('per-model switches in the provider config', () => {
  let stack: Stack;
  const url = () => `${stack.baseUrl}/v1/providers/local/config`;

  beforeAll(async () => {
    // Its own database: provider configs apply to every stack sharing one.
    stack = await startStack({ ownDatabase: true });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const generate = async (model: string) => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model, prompt: 'a lighthouse' });
    expect(submit.status).toBe(202);
    return waitForGeneration(stack.baseUrl, submit.body.id as string);
  };

  it('refuses a model the provider does not have, naming it', async () => {
    const res = await requestJson('PUT', url(), { models: { 'openai/dall-e-3': { enabled: false } } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('models.openai/dall-e-3') as unknown });
    const typo = await requestJson('PUT', url(), { models: { 'local/image': { enabled: false, enable: true } } });
    expect(typo.status).toBe(400);
  });

  it('a switched-off model is shown unavailable and its generations fail with PROVIDER_UNAVAILABLE; the other models go on', async () => {
    const put = await requestJson('PUT', url(), { models: { 'local/image': { enabled: false } } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ providerId: 'local', enabled: true, models: { 'local/image': { enabled: false } } });
    expect((await requestJson('GET', url())).body).toMatchObject({ models: { 'local/image': { enabled: false } } });

    // The API re-reads configs at most a second late.
    await expect.poll(async () => (await getJson<ModelView>(`${stack.baseUrl}/v1/models/local/image`)).body.available, { timeout: 5_000 }).toBe(false);
    const one = await getJson<ModelView>(`${stack.baseUrl}/v1/models/local/image`);
    expect(one.body).toMatchObject({ available: false, unavailable: { code: 'disabled' } });
    const list = (await getJson<{ data: ModelView[] }>(`${stack.baseUrl}/v1/models`)).body.data;
    expect(list.find((m) => m.id === 'local/image')?.available).toBe(false);
    expect(list.find((m) => m.id === 'local/speech')?.available).toBe(true);

    const off = await generate('local/image');
    expect(off.status).toBe('failed');
    expect(off.error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', message: expect.stringContaining('local/image is disabled') as unknown });
    expect((await generate('local/speech')).status).toBe('succeeded');
  });

  it('switched on again, the model works at once', async () => {
    expect((await requestJson('PUT', url(), { models: { 'local/image': { enabled: true } } })).status).toBe(200);
    await expect.poll(async () => (await getJson<ModelView>(`${stack.baseUrl}/v1/models/local/image`)).body.available, { timeout: 5_000 }).toBe(true);
    expect((await generate('local/image')).status).toBe('succeeded');
    expect((await requestJson('DELETE', url())).status).toBe(204);
  });

  it('refuses defaults the model would not accept, naming the field', async () => {
    const res = await requestJson('PUT', url(), { models: { 'local/image': { defaults: { width: 10 } } } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('models.local/image.defaults.width') as unknown });
    const unknown = await requestJson('PUT', url(), { models: { 'local/image': { defaults: { colour: 'red' } } } });
    expect(unknown.status).toBe(400);
  });

  it('per-model defaults: a submit without the parameter gets the admin\'s value, one that gives it keeps its own, in single submits, batch items and dry runs', async () => {
    const put = await requestJson('PUT', url(), { models: { 'local/image': { defaults: { width: 320, format: 'jpeg' } } } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ models: { 'local/image': { defaults: { width: 320, format: 'jpeg' } } } });
    await expect
      .poll(async () => (await getJson<ModelView & { configuredDefaults?: unknown }>(`${stack.baseUrl}/v1/models/local/image`)).body.configuredDefaults, { timeout: 5_000 })
      .toEqual({ width: 320, format: 'jpeg' });

    const plain = await generate('local/image');
    expect(plain.status).toBe('succeeded');
    expect(plain.parameters).toMatchObject({ width: 320, height: 512, format: 'jpeg' });
    expect(plain.outputs?.[0]).toMatchObject({ width: 320, height: 512, contentType: 'image/jpeg' });

    const own = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'local/image', prompt: 'a lighthouse', parameters: { width: 128 } });
    expect(own.status).toBe(202);
    const ownDone = await waitForGeneration(stack.baseUrl, own.body.id as string);
    expect(ownDone.parameters).toMatchObject({ width: 128, format: 'jpeg' });

    const dry = await postJson(`${stack.baseUrl}/v1/generations?dryRun=true`, { model: 'local/image', prompt: 'a lighthouse' });
    expect(dry.status).toBe(200);
    expect(dry.body.parameters).toMatchObject({ width: 320, format: 'jpeg' });

    // A batch item gets them like a single submit (one submission path).
    const batch = await postJson(`${stack.baseUrl}/v1/batches`, { requests: [{ model: 'local/image', prompt: 'a lighthouse' }] });
    expect(batch.status).toBe(202);
    await expect
      .poll(async () => (await getJson<{ items: Array<{ status: string; generationId?: string }> }>(`${stack.baseUrl}/v1/batches/${batch.body.id as string}`)).body.items[0]?.status, { timeout: 30_000 })
      .toBe('succeeded');
    const item = (await getJson<{ items: Array<{ generationId: string }> }>(`${stack.baseUrl}/v1/batches/${batch.body.id as string}`)).body.items[0]!;
    const itemGen = await getJson<{ parameters: Record<string, unknown> }>(`${stack.baseUrl}/v1/generations/${item.generationId}`);
    expect(itemGen.body.parameters).toMatchObject({ width: 320, format: 'jpeg' });

    expect((await requestJson('DELETE', url())).status).toBe(204);
    await expect.poll(async () => (await getJson<ModelView & { configuredDefaults?: unknown }>(`${stack.baseUrl}/v1/models/local/image`)).body.configuredDefaults, { timeout: 5_000 }).toBeUndefined();
    expect((await generate('local/image')).parameters).toMatchObject({ width: 512, format: 'png' });
  });
});
