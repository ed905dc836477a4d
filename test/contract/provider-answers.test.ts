import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFalAdapter, falModels } from '../../providers/fal';
import { responseBodyOf } from '../../providers/http';
import { createKieAdapter, kieModels } from '../../providers/kie';
import { createReplicateAdapter, replicateModels } from '../../providers/replicate';
import type { CallContext, ProviderEnv } from '../../providers/types';
import { FalFake } from '../fakes/fal';
import { KieFake } from '../fakes/kie';
import { ReplicateFake } from '../fakes/replicate';
import { caught, requestFor } from '../support/contract';

/**
 * A provider answer that does not match the schema its adapter declares (a changed API, a
 * broken 2xx body) fails the call with PROVIDER_ERROR naming the field and the provider's
 * status, instead of a TypeError somewhere in the adapter or a wrong result.
 */

/** The answer as an object to mangle (the fakes answer plain JSON objects). */
const asObject = (json: unknown) => ({ ...(json as Record<string, unknown>) });

describe('Replicate answers are checked', () => {
  const KEY = 'r8_answers_key';
  const fake = new ReplicateFake({ apiKeys: [KEY] });
  const ctx: CallContext = { generationId: 'g-answers', attempt: 1, apiKey: KEY };
  const request = requestFor(replicateModels, 'a lighthouse');
  let env: ProviderEnv;

  beforeAll(async () => {
    await fake.start();
    env = { baseUrl: fake.url, fetch, dataDir: '/nonexistent' };
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.server.malform = undefined;
    fake.pollsToFinish = 1;
  });

  it('a created prediction without an id fails the submit with PROVIDER_ERROR naming `id`', async () => {
    fake.server.malform = (req, json) => (req.method === 'POST' ? { ...asObject(json), id: undefined } : undefined);
    const err = await caught(createReplicateAdapter(env).submit(request('replicate/black-forest-labs/flux-schnell'), ctx));
    expect(err.code).toBe('PROVIDER_ERROR');
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/^replicate answered 201 with an unexpected body: id: /);
    expect(err.details).toMatchObject({ status: 201, issues: [{ path: 'id' }] });
    // The raw answer is kept for the error log, never in the message.
    expect(responseBodyOf(err)?.body).toContain('"status"');
  });

  it('a polled prediction whose logs are a number fails the poll naming `logs`', async () => {
    const req = request('replicate/black-forest-labs/flux-schnell');
    const adapter = createReplicateAdapter(env);
    const submitted = await adapter.submit(req, ctx);
    if (submitted.status !== 'pending') throw new Error('expected a task');
    fake.server.malform = (r, json) => (r.method === 'GET' ? { ...asObject(json), logs: 42 } : undefined);
    const err = await caught(adapter.poll!(submitted.taskId, req, ctx));
    expect(err.code).toBe('PROVIDER_ERROR');
    expect(err.message).toContain('replicate answered 200 with an unexpected body: logs: ');
    // Without the switch the same poll reads fine: the failure is the answer's, not the adapter's.
    fake.server.malform = undefined;
    expect((await adapter.poll!(submitted.taskId, req, ctx)).status).not.toBe('failed');
  });
});

describe('fal answers are checked', () => {
  const fake = new FalFake();
  const ctx: CallContext = { generationId: 'g-answers', attempt: 1, apiKey: 'fal-test-key' };
  const request = requestFor(falModels, 'a paper boat');
  let env: ProviderEnv;

  beforeAll(async () => {
    await fake.start();
    env = { baseUrl: fake.url, fetch, dataDir: '/nonexistent' };
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.server.malform = undefined;
    fake.pollsUntilDone = 0;
  });

  it('a result whose image url is not a string fails the poll naming `images[0].url`', async () => {
    const req = request('fal/flux-dev');
    const adapter = createFalAdapter(env);
    const submitted = await adapter.submit(req, ctx);
    if (submitted.status !== 'pending') throw new Error('expected a queued request');
    fake.server.malform = (r, json) => {
      if (!/\/requests\/[^/]+$/.test(r.path)) return undefined;
      const result = asObject(json);
      return { ...result, images: (result.images as Array<Record<string, unknown>>).map((f) => ({ ...f, url: { href: f.url } })) };
    };
    const err = await caught(adapter.poll!(submitted.taskId, req, ctx));
    expect(err.code).toBe('PROVIDER_ERROR');
    expect(err.message).toMatch(/^fal answered 200 with an unexpected body: images\[0\]\.url: /);
  });

  it('a status answer without `status` fails the poll naming it', async () => {
    const req = request('fal/flux-dev');
    const adapter = createFalAdapter(env);
    const submitted = await adapter.submit(req, ctx);
    if (submitted.status !== 'pending') throw new Error('expected a queued request');
    fake.server.malform = (r, json) => (r.path.endsWith('/status') ? { ...asObject(json), status: undefined } : undefined);
    const err = await caught(adapter.poll!(submitted.taskId, req, ctx));
    expect(err.code).toBe('PROVIDER_ERROR');
    expect(err.message).toContain('fal answered 200 with an unexpected body: status: ');
  });
});

describe('Kie answers are checked inside their envelope', () => {
  const fake = new KieFake();
  const ctx: CallContext = { generationId: 'g-answers', attempt: 1, apiKey: 'kie-test-key' };
  const request = requestFor(kieModels, 'a red kite');
  let env: ProviderEnv;

  beforeAll(async () => {
    await fake.start();
    env = { baseUrl: fake.url, fetch, dataDir: '/nonexistent' };
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.server.malform = undefined;
    fake.pollsUntilDone = 0;
  });

  it('a created task whose taskId is a number fails the submit naming `data.taskId`', async () => {
    fake.server.malform = (r, json) => {
      if (r.method !== 'POST') return undefined;
      const envelope = asObject(json);
      return { ...envelope, data: { taskId: 12345 } };
    };
    const err = await caught(createKieAdapter(env).submit(request('kie/flux-kontext-pro'), ctx));
    expect(err.code).toBe('PROVIDER_ERROR');
    expect(err.message).toMatch(/^kie answered 200 with an unexpected body: data\.taskId: /);
  });

  it('a record whose successFlag is a string fails the poll naming `data.successFlag`', async () => {
    const req = request('kie/flux-kontext-pro');
    const adapter = createKieAdapter(env);
    const submitted = await adapter.submit(req, ctx);
    if (submitted.status !== 'pending') throw new Error('expected a task');
    fake.server.malform = (r, json) => {
      if (r.method !== 'GET') return undefined;
      const envelope = asObject(json);
      return { ...envelope, data: { ...asObject(envelope.data), successFlag: '1' } };
    };
    const err = await caught(adapter.poll!(submitted.taskId, req, ctx));
    expect(err.code).toBe('PROVIDER_ERROR');
    expect(err.message).toContain('kie answered 200 with an unexpected body: data.successFlag: ');
  });

  it('an envelope without its code fails naming `code`', async () => {
    fake.server.malform = (r, json) => (r.method === 'POST' ? { ...asObject(json), code: undefined } : undefined);
    const err = await caught(createKieAdapter(env).submit(request('kie/flux-kontext-pro'), ctx));
    expect(err.message).toContain('kie answered 200 with an unexpected body: code: ');
  });
});
