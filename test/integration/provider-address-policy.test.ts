import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAIFake } from '../fakes/openai';
import { postJson, requestJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

const KEY = `sk-policy-${randomUUID()}`;

/**
 * A deployment without GENFLOW_ALLOW_PRIVATE_PROVIDER_URLS: provider base URLs must be public
 * addresses. An admin key cannot point a provider at the machine, the private network or the
 * cloud metadata endpoint (in any spelling), and a base URL that resolves inside anyway (the
 * environment's, or a name whose address changed) is refused at call time, before any key is
 * sent — also by the health probe.
 */
describe.skipIf(!temporalAddress)('provider address policy', () => {
  // On 127.0.0.1, like anything inside: the policy must keep every request from reaching it.
  const fake = new OpenAIFake({ apiKeys: [KEY] });
  let stack: Stack;
  const url = `/v1/providers/openai/config`;

  beforeAll(async () => {
    await fake.start();
    stack = await startStack({
      ownDatabase: true,
      env: { GENFLOW_ALLOW_PRIVATE_PROVIDER_URLS: '', GENFLOW_OPENAI_BASE_URL: fake.url, GENFLOW_OPENAI_API_KEYS: KEY, GENFLOW_OPENAI_API_KEY: '' },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await fake.stop();
  });

  it('refuses loopback, private, link-local, metadata and odd spellings of them as a baseUrl', async () => {
    const refused = [
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]:8080',
      'http://0x7f000001/',
      'http://2130706433/',
      'http://0177.0.0.1/',
      'http://127.1:9090',
      'http://[::ffff:127.0.0.1]/',
      'http://[fe80::1]/',
      'http://10.1.2.3/v1',
      'http://192.168.0.10',
      'http://localhost:3000',
      'https://user:pw@api.openai.com',
      fake.url,
    ];
    for (const baseUrl of refused) {
      const res = await requestJson('PUT', `${stack.baseUrl}${url}`, { baseUrl, apiKeys: [KEY] });
      expect({ baseUrl, status: res.status }).toEqual({ baseUrl, status: 400 });
      expect(res.body.error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('baseUrl') as unknown });
    }
    expect(await stack.db.db.selectFrom('provider_configs').selectAll().execute()).toEqual([]);
  });

  it('refuses the call when the base URL resolves to an internal address: the key never leaves', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'openai/dall-e-3', prompt: 'a lighthouse' });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('failed');
    expect(done.error?.code).toBe('PROVIDER_UNAVAILABLE');
    expect(done.error?.message).toMatch(/loopback/);
    expect(done.error?.message).toContain('GENFLOW_ALLOW_PRIVATE_PROVIDER_URLS');

    const probe = await stack.providers.probe('openai');
    expect(probe).toMatchObject({ ok: false, code: 'PROVIDER_UNAVAILABLE' });
    expect(fake.server.requests).toHaveLength(0);
  });
});
