import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pngImage } from '../fakes/media';
import { VertexFake } from '../fakes/vertex';
import { getJson, postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;

describe.skipIf(!temporalAddress)('Google Vertex AI end to end: API → workflow → token exchange → fake Vertex :predict → storage', () => {
  const fake = new VertexFake({ project: 'genflow-e2e', location: 'europe-west4' });
  let stack: Stack;

  beforeAll(async () => {
    await fake.start();
    stack = await startStack({
      env: {
        GENFLOW_VERTEX_BASE_URL: fake.url,
        GENFLOW_VERTEX_CREDENTIALS: fake.serviceAccount().json,
        GENFLOW_VERTEX_LOCATION: 'europe-west4',
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await fake.stop();
  });

  it('with credentials set, the models are available and the provider is configured', async () => {
    const res = await getJson<{ available: boolean }>(`${stack.baseUrl}/v1/models/vertex/imagen-3-edit`);
    expect(res.body.available).toBe(true);
    const providers = await getJson<{ data: Array<{ id: string; configured: boolean }> }>(`${stack.baseUrl}/v1/providers`);
    expect(providers.body.data.find((p) => p.id === 'vertex')?.configured).toBe(true);
  });

  it('edit with a mask: the photo and the mask reach Vertex, the edited image is stored', async () => {
    const photo = await pngImage(48, 32, '#2266cc');
    const mask = await pngImage(48, 32, '#ffffff');
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
      model: 'vertex/imagen-3-edit',
      prompt: 'a red kite in the sky',
      inputImages: [dataUrl(photo)],
      parameters: { editMode: 'EDIT_MODE_INPAINT_INSERTION', mask: dataUrl(mask) },
    });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(done.kind).toBe('image-to-image');
    expect(fake.lastEdit).toMatchObject({ editMode: 'EDIT_MODE_INPAINT_INSERTION', maskMode: 'MASK_MODE_USER_PROVIDED', raw: { width: 48, height: 32 }, mask: { width: 48, height: 32 } });
    expect(done.outputs[0]).toMatchObject({ contentType: 'image/png', width: 48, height: 32, sha256: sha256(fake.served.at(-1)!) });
    const stored = Buffer.from(await (await fetch(done.outputs[0]!.url)).arrayBuffer());
    expect(sha256(stored)).toBe(sha256(fake.served.at(-1)!));
  });

  it.each([
    [2, 100, 60],
    [4, 200, 120],
  ])('upscale ×%i: stored at the input size times the factor', async (factor, width, height) => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
      model: 'vertex/imagen-4-upscale',
      prompt: 'upscale',
      inputImages: [dataUrl(await pngImage(50, 30))],
      parameters: { scale: factor },
    });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(done.kind).toBe('upscale');
    expect(done.outputs[0]).toMatchObject({ contentType: 'image/png', width, height, sha256: sha256(fake.served.at(-1)!) });
    const stored = Buffer.from(await (await fetch(done.outputs[0]!.url)).arrayBuffer());
    expect(await sharp(stored).metadata()).toMatchObject({ width, height });
  });

  it('product recontext: two views in, two scenes stored; one token served every call of the run', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
      model: 'vertex/imagen-product-recontext',
      prompt: 'on a marble kitchen counter in morning light',
      inputImages: [dataUrl(await pngImage(40, 40, '#884400')), dataUrl(await pngImage(40, 40, '#663300'))],
      numberOfOutputs: 2,
    });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(done.outputs.map((o) => o.sha256)).toEqual(fake.served.slice(-2).map(sha256));
    const predicts = fake.server.requests.filter((r) => r.path.endsWith(':predict'));
    expect(predicts.every((r) => r.path.startsWith('/v1/projects/genflow-e2e/locations/europe-west4/'))).toBe(true);
    // The worker kept its token: one exchange for every call of this run.
    expect(fake.tokenExchanges).toBe(1);
    expect(new Set(predicts.map((r) => r.headers.authorization)).size).toBe(1);
  });
});

describe.skipIf(!temporalAddress)('Google Vertex AI without credentials: refused at submit, unavailable in /v1/models', () => {
  let stack: Stack;
  beforeAll(async () => {
    // Empty values count as unset, whatever the machine's environment holds.
    stack = await startStack({ env: { GENFLOW_VERTEX_CREDENTIALS: '', GENFLOW_VERTEX_ACCESS_TOKEN: '' } });
  });
  afterAll(() => stack?.stop());

  it('a submit answers 503 PROVIDER_UNAVAILABLE naming the settings; the model says why it is unavailable', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
      model: 'vertex/imagen-4-upscale',
      prompt: 'upscale',
      inputImages: [dataUrl(await pngImage(20, 20))],
    });
    expect(submit.status).toBe(503);
    const error = (submit.body as { error: { code: string; message: string; details: { configure: string } } }).error;
    expect(error.code).toBe('PROVIDER_UNAVAILABLE');
    expect(error.details.configure).toContain('GENFLOW_VERTEX_CREDENTIALS');
    const model = await getJson<{ available: boolean; unavailable?: { reason?: string } }>(`${stack.baseUrl}/v1/models/vertex/imagen-4-upscale`);
    expect(model.body.available).toBe(false);
    expect(model.body.unavailable?.reason).toContain('GENFLOW_VERTEX_ACCESS_TOKEN');
    // GET /v1/providers and readiness say the same: not configured, so left out of /health/ready.
    const providers = await getJson<{ data: Array<{ id: string; configured: boolean }> }>(`${stack.baseUrl}/v1/providers`);
    expect(providers.body.data.find((p) => p.id === 'vertex')?.configured).toBe(false);
  });
});
