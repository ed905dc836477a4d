import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ProviderError } from '../../domain/errors';
import type { GenerationRequest } from '../../domain/generation';
import { createCustomAdapter } from '../../providers/custom/adapter';
import { parseCustomProviders } from '../../providers/custom/load';
import type { CallContext, ProviderAdapter } from '../../providers/types';
import { AcmeFake, acmeYaml } from '../fakes/custom-http';

/** The custom adapter against the Acme fake, without Temporal: the contract in detail. */
describe('custom HTTP adapter against the Acme fake', () => {
  const key = `sk-good-${randomUUID()}`;
  const fake = new AcmeFake({ keys: [key] });
  let adapter: ProviderAdapter;
  const ctx: CallContext = { generationId: 'g', attempt: 1, apiKey: key };

  const request = (model: string, prompt: string, parameters: Record<string, unknown> = {}, numberOfOutputs = 1): GenerationRequest => ({
    model,
    kind: 'text-to-image',
    prompt,
    parameters,
    inputImages: [],
    numberOfOutputs,
  });

  async function failure(p: Promise<unknown>): Promise<ProviderError> {
    const err: unknown = await p.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    return err as ProviderError;
  }

  beforeAll(async () => {
    await fake.start();
    const [decl] = parseCustomProviders(parse(acmeYaml(fake.url)), 'acme.yaml');
    adapter = createCustomAdapter(decl!, { baseUrl: `${fake.url}/v1`, dataDir: '/nonexistent', fetch });
  });
  afterAll(() => fake.stop());

  it('sends exactly the declared body, with the auth header from the template', async () => {
    const result = await adapter.submit(request('acme/image', 'a boat', { size: '512x512', format: 'b64_json' }, 3), ctx);
    const sent = fake.server.requests.at(-1)!;
    expect(sent.headers.authorization).toBe(`Bearer ${key}`);
    expect(sent.json).toEqual({ model: 'acme-image-1', prompt: 'a boat', n: 3, size: '512x512', response_format: 'b64_json' });
    expect(result.status).toBe('succeeded');
    if (result.status !== 'succeeded') return;
    expect(result.outputs).toHaveLength(3);
    expect(result.outputs.every((o) => o.type === 'bytes' && [...fake.files.values()].some((f) => f.equals(o.data)))).toBe(true);
  });

  it('leaves an optional parameter out of the body when not given', async () => {
    await adapter.submit(request('acme/render', 'x'), ctx);
    expect(fake.server.requests.at(-1)!.json).toEqual({ model: 'render', prompt: 'x' });
  });

  it('maps every declared task status, with progress from "NN%"', async () => {
    fake.pollsToComplete = 1;
    const submitted = await adapter.submit(request('acme/render', 'x'), ctx);
    expect(submitted).toMatchObject({ status: 'pending' });
    if (submitted.status !== 'pending') return;
    expect(await adapter.poll!(submitted.taskId, request('acme/render', 'x'), ctx)).toEqual({ status: 'running', progress: 0.5 });
    const done = await adapter.poll!(submitted.taskId, request('acme/render', 'x'), ctx);
    expect(done.status).toBe('succeeded');
    if (done.status === 'succeeded') expect(done.outputs[0]).toMatchObject({ type: 'url', url: expect.stringMatching(new RegExp(`^${fake.url}/files/`)) as unknown });

    const other = await adapter.submit(request('acme/render', 'y'), ctx);
    if (other.status !== 'pending') return;
    await adapter.cancel!(other.taskId, ctx);
    expect(fake.server.requests.at(-1)).toMatchObject({ method: 'POST', path: `/v1/tasks/${other.taskId}/cancel` });
    expect(await adapter.poll!(other.taskId, request('acme/render', 'y'), ctx)).toEqual({ status: 'canceled' });
  });

  it('maps errors onto the taxonomy with the declared message path and Retry-After', async () => {
    const rejected = await failure(adapter.submit(request('acme/image', 'x'), { ...ctx, apiKey: 'sk-wrong-0000' }));
    expect(rejected.code).toBe('AUTHENTICATION_FAILED');
    expect(rejected.message).toContain('Incorrect API key provided');

    fake.rateLimited.set(key, 7);
    const limited = await failure(adapter.submit(request('acme/image', 'x'), ctx));
    fake.rateLimited.delete(key);
    expect([limited.code, limited.retryAfterMs, limited.retryable]).toEqual(['RATE_LIMITED', 7_000, true]);

    const invalid = await failure(adapter.submit(request('acme/image', 'x', { size: '9x9' }), ctx));
    expect([invalid.code, invalid.message]).toEqual(['INVALID_PARAMETERS', "acme: '9x9' is not one of 256x256, 512x512, 1024x1024 - 'size'"]);

    fake.outage = true;
    const down = await failure(adapter.submit(request('acme/image', 'x'), ctx));
    fake.outage = false;
    expect([down.code, down.retryable]).toEqual(['PROVIDER_UNAVAILABLE', true]);
  });

  it('fails loudly on a status value the declaration does not map', async () => {
    fake.server.inject({ json: { data: { status: 'paused' } } });
    const err = await failure(adapter.poll!('task_x', request('acme/render', 'x'), ctx));
    expect(err.message).toContain('unknown task status "paused" at $.data.status');
  });

  it('says where it looked when a response has no outputs', async () => {
    fake.server.inject({ json: { created: 1, data: [] } });
    const err = await failure(adapter.submit(request('acme/image', 'x'), ctx));
    expect([err.code, err.message]).toEqual(['PROVIDER_ERROR', 'acme: the response has no outputs at $.data[*].url, $.data[*].b64_json']);
  });
});
