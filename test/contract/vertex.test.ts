import { generateKeyPairSync } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVertexAdapter, vertexModels } from '../../providers/vertex';
import { vertexWireFields } from '../../providers/vertex/wire-fields';
import type { CallContext, ProviderAdapter, ProviderOutput } from '../../providers/types';
import { pngImage } from '../fakes/media';
import { VertexFake } from '../fakes/vertex';
import { caught, requestFor } from '../support/contract';
import { expectDocumentedFields } from '../support/wire-fields';

const request = requestFor(vertexModels, 'a wooden bench in the park');
const ctx: CallContext = { generationId: 'g1', attempt: 1 };
const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;

function bytesOf(output: ProviderOutput | undefined): Buffer {
  if (output?.type !== 'bytes') throw new Error('expected image bytes');
  return output.data;
}

describe('Vertex AI adapter against the Vertex fake (service-account JWT → token → :predict)', () => {
  const fake = new VertexFake();
  let adapter: ProviderAdapter;
  let photo: Buffer;
  let mask: Buffer;
  const predictPath = (model: string) => `/v1/projects/genflow-test/locations/us-central1/publishers/google/models/${model}:predict`;
  const lastPredict = () => fake.server.requests.filter((r) => r.path.endsWith(':predict')).at(-1)!;

  beforeAll(async () => {
    await fake.start();
    photo = await pngImage(40, 30, '#2266cc');
    mask = await pngImage(40, 30, '#ffffff');
    adapter = createVertexAdapter({ baseUrl: fake.url, fetch, dataDir: '/nonexistent', settings: { CREDENTIALS: fake.serviceAccount().json } });
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.server.requests.length = 0;
    fake.failWith = undefined;
  });

  describe('edit (imagen-3.0-capability-001)', () => {
    it('sends the raw image and the user mask as reference images with the edit mode, authenticated by a minted token', async () => {
      const exchangesBefore = fake.tokenExchanges;
      const result = await adapter.submit(
        request('vertex/imagen-3-edit', { inputImages: [dataUrl(photo)], numberOfOutputs: 2, parameters: { mask: dataUrl(mask), dilation: 0.02, guidanceScale: 60 } }),
        ctx,
      );
      const sent = lastPredict();
      expect(sent.path).toBe(predictPath('imagen-3.0-capability-001'));
      expect(String(sent.headers.authorization)).toMatch(/^Bearer ya29\.fake-/);
      expect(fake.issued.has(String(sent.headers.authorization).slice('Bearer '.length))).toBe(true);
      expect(fake.tokenExchanges).toBeLessThanOrEqual(exchangesBefore + 1);
      const body = await expectDocumentedFields(vertexWireFields, 'edit', sent);
      expect(body).toEqual({
        instances: [
          {
            prompt: 'a wooden bench in the park',
            referenceImages: [
              { referenceType: 'REFERENCE_TYPE_RAW', referenceId: 1, referenceImage: { bytesBase64Encoded: photo.toString('base64') } },
              { referenceType: 'REFERENCE_TYPE_MASK', referenceId: 2, referenceImage: { bytesBase64Encoded: mask.toString('base64') }, maskImageConfig: { maskMode: 'MASK_MODE_USER_PROVIDED', dilation: 0.02 } },
            ],
          },
        ],
        parameters: { sampleCount: 2, editMode: 'EDIT_MODE_INPAINT_INSERTION', guidanceScale: 60 },
      });
      if (result.status !== 'succeeded') throw new Error('expected images');
      expect(result.outputs.map(bytesOf)).toEqual(fake.served.slice(-2));
      expect(await sharp(bytesOf(result.outputs[0])).metadata()).toMatchObject({ width: 40, height: 30 });
    });

    it('background swap without a mask lets the model mask the background (no mask image sent)', async () => {
      await adapter.submit(request('vertex/imagen-3-edit', { inputImages: [dataUrl(photo)], parameters: { editMode: 'EDIT_MODE_BGSWAP' } }), ctx);
      const body = await expectDocumentedFields(vertexWireFields, 'edit', lastPredict());
      const refs = (body.instances as Array<{ referenceImages: Array<Record<string, unknown>> }>)[0]!.referenceImages;
      expect(refs[1]).toEqual({ referenceType: 'REFERENCE_TYPE_MASK', referenceId: 2, maskImageConfig: { maskMode: 'MASK_MODE_BACKGROUND' } });
      expect(fake.lastEdit).toMatchObject({ editMode: 'EDIT_MODE_BGSWAP', maskMode: 'MASK_MODE_BACKGROUND' });
    });

    it('semantic removal sends the mask classes', async () => {
      await adapter.submit(request('vertex/imagen-3-edit', { inputImages: [dataUrl(photo)], parameters: { editMode: 'EDIT_MODE_INPAINT_REMOVAL', maskMode: 'MASK_MODE_SEMANTIC', maskClasses: [175, 176] } }), ctx);
      const body = await expectDocumentedFields(vertexWireFields, 'edit', lastPredict());
      expect((body.instances as Array<{ referenceImages: Array<Record<string, unknown>> }>)[0]!.referenceImages[1]!.maskImageConfig).toEqual({ maskMode: 'MASK_MODE_SEMANTIC', maskClasses: [175, 176] });
    });

    it.each([
      ['an insertion with neither mask nor mask mode', {}],
      ['a mask together with a generated mask mode', { mask: 'MASK', maskMode: 'MASK_MODE_FOREGROUND' }],
      ['mask classes without the semantic mode', { maskMode: 'MASK_MODE_FOREGROUND', maskClasses: [1] }],
      ['the user-provided mode without a mask', { maskMode: 'MASK_MODE_USER_PROVIDED' }],
    ])('refuses %s with INVALID_PARAMETERS before calling Vertex', async (_what, parameters: Record<string, unknown>) => {
      const p = { ...parameters, ...(parameters.mask ? { mask: dataUrl(mask) } : {}) };
      const err = await caught(adapter.submit(request('vertex/imagen-3-edit', { inputImages: [dataUrl(photo)], parameters: p }), ctx));
      expect(err.code).toBe('INVALID_PARAMETERS');
      expect(fake.server.requests.filter((r) => r.path.endsWith(':predict'))).toHaveLength(0);
    });

    it('a mask of another size is refused by Vertex → INVALID_PARAMETERS', async () => {
      const err = await caught(adapter.submit(request('vertex/imagen-3-edit', { inputImages: [dataUrl(photo)], parameters: { mask: dataUrl(await pngImage(20, 20)) } }), ctx));
      expect(err.code).toBe('INVALID_PARAMETERS');
      expect(err.message).toContain('same dimensions');
    });
  });

  describe('upscale (imagen-4.0-upscale-preview)', () => {
    it.each([
      [2, 'x2', 80, 60],
      [4, 'x4', 160, 120],
    ])('scale %i: mode "upscale", the factor as %s, the image; the answer is the input times the factor', async (scale, factor, width, height) => {
      const result = await adapter.submit(request('vertex/imagen-4-upscale', { inputImages: [dataUrl(photo)], parameters: { scale } }), ctx);
      const sent = lastPredict();
      expect(sent.path).toBe(predictPath('imagen-4.0-upscale-preview'));
      expect(await expectDocumentedFields(vertexWireFields, 'upscale', sent)).toEqual({
        instances: [{ image: { bytesBase64Encoded: photo.toString('base64') } }],
        parameters: { mode: 'upscale', upscaleConfig: { upscaleFactor: factor } },
      });
      if (result.status !== 'succeeded') throw new Error('expected the image');
      expect(await sharp(bytesOf(result.outputs[0])).metadata()).toMatchObject({ width, height });
    });

    it('refuses an upscale without an image and more than one output, before calling', async () => {
      expect((await caught(adapter.submit(request('vertex/imagen-4-upscale'), ctx))).code).toBe('INVALID_PARAMETERS');
      expect((await caught(adapter.submit(request('vertex/imagen-4-upscale', { inputImages: [dataUrl(photo)], numberOfOutputs: 2 }), ctx))).code).toBe('INVALID_PARAMETERS');
      expect(fake.server.requests.filter((r) => r.path.endsWith(':predict'))).toHaveLength(0);
    });
  });

  describe('product recontext (imagen-product-recontext-preview-06-30)', () => {
    it('sends every view of the product and the scene prompt; each sample comes back', async () => {
      const side = await pngImage(30, 30, '#884400');
      const result = await adapter.submit(
        request('vertex/imagen-product-recontext', { inputImages: [dataUrl(photo), dataUrl(side)], numberOfOutputs: 2, parameters: { personGeneration: 'dont_allow' } }),
        ctx,
      );
      const sent = lastPredict();
      expect(sent.path).toBe(predictPath('imagen-product-recontext-preview-06-30'));
      expect(await expectDocumentedFields(vertexWireFields, 'recontext', sent)).toEqual({
        instances: [{ prompt: 'a wooden bench in the park', productImages: [{ image: { bytesBase64Encoded: photo.toString('base64') } }, { image: { bytesBase64Encoded: side.toString('base64') } }] }],
        parameters: { sampleCount: 2, personGeneration: 'dont_allow' },
      });
      if (result.status !== 'succeeded') throw new Error('expected images');
      expect(result.outputs.map(bytesOf)).toEqual(fake.served.slice(-2));
    });

    it('every image filtered → CONTENT_REJECTED', async () => {
      fake.failWith = 'filtered';
      expect((await caught(adapter.submit(request('vertex/imagen-product-recontext', { inputImages: [dataUrl(photo)] }), ctx))).code).toBe('CONTENT_REJECTED');
    });
  });

  describe('the fake holds the wire', () => {
    it('refuses a field Vertex does not document with 400 INVALID_ARGUMENT, read as INVALID_PARAMETERS', async () => {
      const token = (await (await fetch(`${fake.url}/token`, { method: 'POST' })).json()) as { error?: string };
      expect(token.error).toBe('unsupported_grant_type');
      fake.staticTokens.add('ya29.static');
      const res = await fetch(`${fake.url}${predictPath('imagen-4.0-upscale-preview')}`, {
        method: 'POST',
        headers: { authorization: 'Bearer ya29.static', 'content-type': 'application/json' },
        body: JSON.stringify({ instances: [{ image: { bytesBase64Encoded: photo.toString('base64') } }], parameters: { mode: 'upscale', upscaleFactor: 'x2' } }),
      });
      expect(res.status).toBe(400);
      const answer = (await res.json()) as { error: { status: string; message: string } };
      expect(answer.error.status).toBe('INVALID_ARGUMENT');
      expect(answer.error.message).toContain('Unknown name "upscaleFactor"');
    });
  });

  describe('credentials and connection', () => {
    it('a token revoked before its expiry: Vertex answers 401, the call is sent again with a fresh token and succeeds', async () => {
      await adapter.submit(request('vertex/imagen-4-upscale', { inputImages: [dataUrl(photo)] }), ctx);
      const old = String(lastPredict().headers.authorization);
      const exchanges = fake.tokenExchanges;
      fake.expireTokens();
      const result = await adapter.submit(request('vertex/imagen-4-upscale', { inputImages: [dataUrl(photo)] }), ctx);
      expect(result.status).toBe('succeeded');
      const [refused, retried] = fake.server.requests.filter((r) => r.path.endsWith(':predict')).slice(-2);
      expect([refused!.headers.authorization, retried!.headers.authorization === old]).toEqual([old, false]);
      expect(fake.tokenExchanges).toBe(exchanges + 1);
    });

    it('429 RESOURCE_EXHAUSTED → RATE_LIMITED after RetryInfo.retryDelay', async () => {
      fake.server.inject({
        status: 429,
        json: { error: { code: 429, message: 'Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model', status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' }] } },
      });
      const err = await caught(adapter.submit(request('vertex/imagen-4-upscale', { inputImages: [dataUrl(photo)] }), ctx));
      expect([err.code, err.retryAfterMs]).toEqual(['RATE_LIMITED', 7000]);
    });

    it('a ready access token (ACCESS_TOKEN) is sent as is, with PROJECT; no token exchange', async () => {
      fake.staticTokens.add('ya29.minted-elsewhere');
      const exchanges = fake.tokenExchanges;
      const other = createVertexAdapter({ baseUrl: fake.url, fetch, dataDir: '/nonexistent', settings: { ACCESS_TOKEN: 'ya29.minted-elsewhere', PROJECT: 'genflow-test' } });
      expect((await other.submit(request('vertex/imagen-4-upscale', { inputImages: [dataUrl(photo)] }), ctx)).status).toBe('succeeded');
      expect(lastPredict().headers.authorization).toBe('Bearer ya29.minted-elsewhere');
      expect(fake.tokenExchanges).toBe(exchanges);
    });

    it('a token Vertex refuses (401) → AUTHENTICATION_FAILED without the token in the message', async () => {
      const other = createVertexAdapter({ baseUrl: fake.url, fetch, dataDir: '/nonexistent', settings: { ACCESS_TOKEN: 'ya29.revoked-secret', PROJECT: 'genflow-test' } });
      const err = await caught(other.submit(request('vertex/imagen-4-upscale', { inputImages: [dataUrl(photo)] }), ctx));
      expect(err.code).toBe('AUTHENTICATION_FAILED');
      expect(err.message).not.toContain('revoked-secret');
    });

    it('a key the token endpoint does not trust → AUTHENTICATION_FAILED naming the OAuth error, never the key', async () => {
      const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const key = { ...(JSON.parse(fake.serviceAccount().json) as Record<string, unknown>), private_key: stranger };
      const other = createVertexAdapter({ baseUrl: fake.url, fetch, dataDir: '/nonexistent', settings: { CREDENTIALS: JSON.stringify(key) } });
      const err = await caught(other.submit(request('vertex/imagen-4-upscale', { inputImages: [dataUrl(photo)] }), ctx));
      expect([err.code, err.retryable]).toEqual(['AUTHENTICATION_FAILED', false]);
      expect(err.message).toContain('invalid_grant');
      expect(err.message).not.toContain('PRIVATE KEY');
      expect(fake.server.requests.filter((r) => r.path.endsWith(':predict'))).toHaveLength(0);
    });

    it('no credentials → AUTHENTICATION_FAILED saying which settings to give, before any call', async () => {
      const other = createVertexAdapter({ baseUrl: fake.url, fetch, dataDir: '/nonexistent', settings: {} });
      const err = await caught(other.submit(request('vertex/imagen-4-upscale', { inputImages: [dataUrl(photo)] }), ctx));
      expect([err.code, err.retryable]).toEqual(['AUTHENTICATION_FAILED', false]);
      expect(err.message).toContain('GENFLOW_VERTEX_CREDENTIALS');
      expect(fake.server.requests).toHaveLength(0);
    });

    it('LOCATION and PROJECT go into the path; a project the credentials cannot use → AUTHENTICATION_FAILED (403 PERMISSION_DENIED)', async () => {
      const other = createVertexAdapter({ baseUrl: fake.url, fetch, dataDir: '/nonexistent', settings: { CREDENTIALS: fake.serviceAccount().json, PROJECT: 'someone-else', LOCATION: 'europe-west4' } });
      const err = await caught(other.submit(request('vertex/imagen-4-upscale', { inputImages: [dataUrl(photo)] }), ctx));
      expect(lastPredict().path).toBe('/v1/projects/someone-else/locations/europe-west4/publishers/google/models/imagen-4.0-upscale-preview:predict');
      expect(err.code).toBe('AUTHENTICATION_FAILED');
    });
  });
});
