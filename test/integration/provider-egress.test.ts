import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderHealthResult } from '../../workflows/provider-health';
import { FakeServer } from '../fakes/fake-server';
import { OpenAIFake } from '../fakes/openai';
import { getJson, postJson, requestJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

const ENV_KEY = `sk-env-${randomUUID()}`;
const OTHER_KEY = `sk-other-${randomUUID()}`;
const SECRET = `internal-secret-${randomUUID()}`;

/**
 * What leaves genflow towards a provider, as an admin changing its settings over the API would
 * see it: a new base URL never silently receives the keys configured for the old one, a
 * provider's redirect is not followed, its odd answers reach users only as a short plain
 * excerpt (the whole body stays in the admins' error log), and a base URL given with the
 * version segment of the provider's docs (`…/v1`) works. The fakes live on 127.0.0.1, which
 * the suites allow with GENFLOW_ALLOW_PRIVATE_PROVIDER_URLS=1 (vitest.config.ts).
 */
describe.skipIf(!temporalAddress)('provider egress', () => {
  const home = new OpenAIFake({ apiKeys: [ENV_KEY] });
  const other = new OpenAIFake({ apiKeys: [OTHER_KEY] });
  // A service inside the network the workers can reach, with something worth stealing.
  const internal = new FakeServer().route('GET', '/metrics', () => ({ body: SECRET, headers: { 'content-type': 'text/plain' } }));
  let stack: Stack;
  const config = (id = 'openai') => `${stack.baseUrl}/v1/providers/${id}/config`;

  beforeAll(async () => {
    await Promise.all([home.start(), other.start(), internal.start()]);
    stack = await startStack({ ownDatabase: true, env: { GENFLOW_OPENAI_BASE_URL: home.url, GENFLOW_OPENAI_API_KEYS: ENV_KEY, GENFLOW_OPENAI_API_KEY: '' } });
  });
  afterAll(async () => {
    await stack?.stop();
    await Promise.all([home.stop(), other.stop(), internal.stop()]);
  });
  beforeEach(async () => {
    await requestJson('DELETE', config());
    home.server.requests.length = 0;
    other.server.requests.length = 0;
    internal.requests.length = 0;
  });

  async function generate() {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'openai/dall-e-3', prompt: 'a lighthouse' });
    expect(submit.status).toBe(202);
    return waitForGeneration(stack.baseUrl, submit.body.id as string);
  }
  // The API calls (output downloads from the fake's file URLs carry no key and are left out).
  const apiCalls = (fake: OpenAIFake) => fake.server.requests.filter((r) => r.method === 'POST');
  const keysSeen = (fake: OpenAIFake) => apiCalls(fake).map((r) => r.headers.authorization);

  it('a new baseUrl without its own apiKeys is refused: the environment key never reaches the new host', async () => {
    const moved = await requestJson('PUT', config(), { baseUrl: other.url });
    expect(moved.status).toBe(400);
    expect(moved.body.error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/apiKeys.*rebindKeys|rebindKeys.*apiKeys/) as unknown });
    // Still the environment's host, with the environment's key.
    expect((await generate()).status).toBe('succeeded');
    expect(keysSeen(home)).toEqual([`Bearer ${ENV_KEY}`]);
    expect(other.server.requests).toHaveLength(0);

    // With keys of its own, the new host gets those and only those.
    expect((await requestJson('PUT', config(), { baseUrl: other.url, apiKeys: [OTHER_KEY] })).status).toBe(200);
    expect((await generate()).status).toBe('succeeded');
    expect(keysSeen(other)).toEqual([`Bearer ${OTHER_KEY}`]);
    expect(keysSeen(home)).toEqual([`Bearer ${ENV_KEY}`]);
    // Dropping the keys but keeping the host would hand it the environment's key: refused too.
    expect((await requestJson('PUT', config(), { baseUrl: other.url, enabled: true })).status).toBe(400);
  });

  it('rebindKeys: true sends the keys already in force to the new host, on purpose', async () => {
    other.apiKeys.add(ENV_KEY);
    try {
      const put = await requestJson('PUT', config(), { baseUrl: other.url, rebindKeys: true });
      expect(put.status).toBe(200);
      expect(put.body).not.toHaveProperty('rebindKeys');
      expect((await generate()).status).toBe('succeeded');
      expect(keysSeen(other)).toEqual([`Bearer ${ENV_KEY}`]);

      // Keys stored over the API stay with the provider when it moves with rebindKeys.
      expect((await requestJson('PUT', config(), { baseUrl: other.url, apiKeys: [OTHER_KEY] })).status).toBe(200);
      const rebound = await requestJson('PUT', config(), { baseUrl: `${other.url}/`, rebindKeys: true, timeoutMs: 20_000 });
      expect(rebound.status).toBe(200);
      expect((rebound.body.apiKeys as string[]).length).toBe(1);
      other.server.requests.length = 0;
      expect((await generate()).status).toBe('succeeded');
      expect(keysSeen(other)).toEqual([`Bearer ${OTHER_KEY}`]);
      // Both at once is a contradiction, not a guess.
      expect((await requestJson('PUT', config(), { baseUrl: other.url, apiKeys: [OTHER_KEY], rebindKeys: true })).status).toBe(400);
    } finally {
      other.apiKeys.delete(ENV_KEY);
    }
  });

  it('refuses __proto__, constructor and toString as provider ids with 404', async () => {
    for (const id of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      for (const method of ['GET', 'PUT', 'DELETE'] as const) {
        const res = await requestJson(method, config(id), method === 'PUT' ? { enabled: false } : undefined);
        expect({ id, method, status: res.status }).toEqual({ id, method, status: 404 });
        expect(res.body.error).toMatchObject({ code: 'NOT_FOUND' });
      }
    }
    const rows = await stack.db.db.selectFrom('provider_configs').select('provider').execute();
    expect(rows.map((r) => r.provider)).toEqual([]);
  });

  it("does not follow a provider's redirect to an internal address; the generation fails with PROVIDER_ERROR and no secret", async () => {
    expect((await requestJson('PUT', config(), { baseUrl: other.url, apiKeys: [OTHER_KEY] })).status).toBe(200);
    other.server.inject({ status: 302, headers: { location: `${internal.url}/metrics` }, body: 'Found' });
    const failed = await generate();
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('PROVIDER_ERROR');
    expect(failed.error?.message).toMatch(/redirect/i);
    expect(JSON.stringify(failed)).not.toContain(SECRET);
    expect(internal.requests).toHaveLength(0);
  });

  it("shows users a short plain excerpt of a provider's unexpected answer; the error log keeps the whole body", async () => {
    expect((await requestJson('PUT', config(), { baseUrl: other.url, apiKeys: [OTHER_KEY] })).status).toBe(200);
    const tail = `tail-${randomUUID()}`;
    const page = `<!doctype html><html><head><style>body{color:red}</style><script>steal()</script></head><body><h1>Bad\u0007 Request</h1>\u001b[31m${'internal detail '.repeat(30)}${tail}</body></html>`;
    other.server.inject({ status: 400, headers: { 'content-type': 'text/html' }, body: page });
    const failed = await generate();
    expect(failed.status).toBe('failed');
    const message = failed.error?.message ?? '';
    expect(message).toContain('Bad Request');
    expect(message.length).toBeLessThanOrEqual(230);
    // eslint-disable-next-line no-control-regex -- control characters are what must not get through
    expect(message).not.toMatch(/[<>]|steal|color:red|[\u0000-\u001f\u007f]/);
    expect(message).not.toContain(tail);

    const logged = await getJson<{ data: Array<{ generationId: string; message: string }> }>(`${stack.baseUrl}/v1/errors?provider=openai`);
    expect(logged.body.data.filter((e) => e.generationId === failed.id).some((e) => e.message.includes(tail))).toBe(true);
  });

  it("the scheduled health check keeps an error page out of the probe result and the alert; the error log has it whole", async () => {
    expect((await requestJson('PUT', config(), { baseUrl: other.url, apiKeys: [OTHER_KEY] })).status).toBe(200);
    const tail = `tail-${randomUUID()}`;
    other.server.inject({ status: 503, headers: { 'content-type': 'text/html' }, body: `<html><body><h1>503 Service Unavailable</h1>${'upstream reset '.repeat(30)}${tail}</body></html>` });
    const run = await stack.client.workflow.execute<(input: { scope: { providers: string[] } }) => Promise<ProviderHealthResult>>('providerHealthWorkflow', {
      taskQueue: stack.taskQueue,
      workflowId: `health-egress-${randomUUID()}`,
      args: [{ scope: { providers: ['openai'] } }],
    });
    const probe = run.probes.find((p) => p.provider === 'openai');
    expect(probe).toMatchObject({ ok: false });
    expect(probe?.message).toContain('503 Service Unavailable');
    expect(probe?.message).not.toMatch(/[<>]/);
    expect(probe?.message).not.toContain(tail);
    const alerts = await getJson(`${stack.baseUrl}/v1/alerts?subject=openai`);
    expect(JSON.stringify(alerts.body)).not.toContain(tail);
    const logged = await getJson<{ data: Array<{ stage: string; message: string }> }>(`${stack.baseUrl}/v1/errors?provider=openai`);
    expect(logged.body.data.some((e) => e.stage === 'probe' && e.message.includes(tail))).toBe(true);
  });

  it('accepts a base URL given with the version segment of the docs (…/v1 and …/v1/) as well as without', async () => {
    for (const baseUrl of [`${other.url}/v1`, `${other.url}/v1/`, other.url]) {
      expect((await requestJson('PUT', config(), { baseUrl, apiKeys: [OTHER_KEY] })).status).toBe(200);
      other.server.requests.length = 0;
      const done = await generate();
      expect({ baseUrl, status: done.status }).toEqual({ baseUrl, status: 'succeeded' });
      expect(apiCalls(other).map((r) => r.path)).toEqual(['/v1/images/generations']);
    }
  });
});
