import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAIFake } from '../fakes/openai';
import { postJson, requestJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

const KEY = `sk-config-${randomUUID()}`;

/**
 * An admin points a provider at a new base URL and key over the API: the next generation uses
 * them, without a restart; the key is stored encrypted and never shown again.
 */
describe.skipIf(!temporalAddress)('provider configuration over the API', () => {
  const fake = new OpenAIFake({ apiKeys: [KEY] });
  let stack: Stack;
  const url = () => `${stack.baseUrl}/v1/providers/openai/config`;

  beforeAll(async () => {
    await fake.start();
    // Nothing in the environment: the provider is unconfigured until the API sets it.
    // Its own database: provider configs apply to every stack sharing one.
    stack = await startStack({ ownDatabase: true, env: { GENFLOW_OPENAI_BASE_URL: '', GENFLOW_OPENAI_API_KEYS: '', GENFLOW_OPENAI_API_KEY: '' } });
  });
  afterAll(async () => {
    await stack?.stop();
    await fake.stop();
  });

  async function generate() {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'openai/dall-e-3', prompt: 'a lighthouse' });
    expect(submit.status).toBe(202);
    return waitForGeneration(stack.baseUrl, submit.body.id as string);
  }

  it('refuses an invalid config naming the field, and an unknown provider with 404', async () => {
    const badUrl = await requestJson('PUT', url(), { baseUrl: 'ftp://example.com' });
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('baseUrl') as unknown });
    const badKey = await requestJson('PUT', url(), { apiKeys: ['has a space'] });
    expect((badKey.body.error as { message: string }).message).toContain('apiKeys.0');
    const unknownField = await requestJson('PUT', url(), { apiKey: KEY });
    expect(unknownField.status).toBe(400);
    expect(JSON.stringify(unknownField.body)).not.toContain(KEY);
    expect((await requestJson('PUT', `${stack.baseUrl}/v1/providers/nope/config`, {})).status).toBe(404);
    expect((await requestJson('GET', url())).status).toBe(404);
  });

  it('a PUT takes effect on the next generation, and the key is sealed and masked', async () => {
    const put = await requestJson('PUT', url(), { baseUrl: fake.url, apiKeys: [KEY], timeoutMs: 30_000 });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ providerId: 'openai', baseUrl: fake.url, enabled: true, timeoutMs: 30_000 });
    expect(JSON.stringify(put.body)).not.toContain(KEY);
    expect((put.body.apiKeys as string[])[0]).toMatch(/…/);

    const row = await stack.db.db.selectFrom('provider_configs').selectAll().where('provider', '=', 'openai').executeTakeFirstOrThrow();
    expect(row.api_keys_sealed).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain(KEY);

    const done = await generate();
    expect(done.status).toBe('succeeded');
    const listed = await requestJson('GET', `${stack.baseUrl}/v1/providers`);
    const openai = (listed.body.data as Array<Record<string, unknown>>).find((p) => p.id === 'openai');
    expect(openai).toMatchObject({ baseUrl: fake.url, configured: true, enabled: true, source: { baseUrl: 'api', apiKeys: 'api' } });
    expect(JSON.stringify(listed.body)).not.toContain(KEY);
  });

  it('a disabled provider fails new generations with PROVIDER_UNAVAILABLE; DELETE returns to the environment', async () => {
    expect((await requestJson('PUT', url(), { baseUrl: fake.url, apiKeys: [KEY], enabled: false })).status).toBe(200);
    const refused = await generate();
    expect(refused.status).toBe('failed');
    expect(refused.error?.code).toBe('PROVIDER_UNAVAILABLE');

    expect((await requestJson('DELETE', url())).status).toBe(204);
    expect((await requestJson('GET', url())).status).toBe(404);
    const listed = await requestJson('GET', `${stack.baseUrl}/v1/providers`);
    const openai = (listed.body.data as Array<Record<string, unknown>>).find((p) => p.id === 'openai');
    expect(openai).toMatchObject({ configured: false, source: { baseUrl: 'env', apiKeys: 'env' } });
  });
});
