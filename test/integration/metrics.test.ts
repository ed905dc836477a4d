import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAIFake } from '../fakes/openai';
import { parsePrometheus, sampleValue, type Sample } from '../support/prometheus';
import { apiFetch, getGeneration, getText, postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

// A key of its own per run: key state persists in the database.
const KEY = `sk-test-metrics-${randomUUID()}`;

describe.skipIf(!temporalAddress)('GET /metrics after a run of generations', () => {
  const fake = new OpenAIFake({ apiKeys: [KEY] });
  let stack: Stack;

  beforeAll(async () => {
    await fake.start();
    stack = await startStack({ env: { GENFLOW_OPENAI_BASE_URL: fake.url, GENFLOW_OPENAI_API_KEYS: KEY } });
  });
  afterAll(async () => {
    await stack?.stop();
    await fake.stop();
  });

  async function generate(body: Record<string, unknown>) {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, body);
    expect(submit.status).toBe(202);
    return waitForGeneration(stack.baseUrl, submit.body.id as string);
  }

  async function scrape(): Promise<Sample[]> {
    const res = await getText(`${stack.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    return parsePrometheus(res.text);
  }

  it('counts requests, generations, provider calls, cost, key pools and in-flight work with their labels', async () => {
    const ok = await Promise.all([
      generate({ model: 'local/image', prompt: 'a red kite', parameters: { width: 64, height: 64 } }),
      generate({ model: 'local/image', prompt: 'a blue kite', parameters: { width: 64, height: 64 } }),
    ]);
    const rejected = await generate({ model: 'local/image', prompt: 'a kite', parameters: { width: 64, height: 64, failWith: 'CONTENT_REJECTED' } });
    const priced = await generate({ model: 'openai/dall-e-2', prompt: 'a lighthouse' });
    expect([...ok, rejected, priced].map((g) => g.status)).toEqual(['succeeded', 'succeeded', 'failed', 'succeeded']);
    expect((await apiFetch(`${stack.baseUrl}/v1/generations/${randomUUID()}`)).status).toBe(404);
    // A slow async job is counted as running while it runs.
    const slow = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'local/video', prompt: 'slow waves', parameters: { durationSeconds: 60, width: 64, height: 64 } });
    await waitForGeneration(stack.baseUrl, slow.body.id as string, (g) => g.status === 'running');

    const m = await scrape();
    const finished = (model: string, provider: string, status: string) => sampleValue(m, 'genflow_generations_finished_total', { model, provider, status });
    expect(finished('local/image', 'local', 'succeeded')).toBe(2);
    expect(finished('local/image', 'local', 'failed')).toBe(1);
    expect(finished('openai/dall-e-2', 'openai', 'succeeded')).toBe(1);

    const settled = (await stack.repo.findById(priced.id))!.cost!;
    expect(settled).toBeGreaterThan(0);
    expect(sampleValue(m, 'genflow_generation_cost_usd_total', { model: 'openai/dall-e-2', provider: 'openai' })).toBeCloseTo(settled, 6);
    expect(sampleValue(m, 'genflow_generation_cost_usd_total', { model: 'local/image' })).toBeUndefined();

    expect(sampleValue(m, 'genflow_provider_call_errors_total', { provider: 'local', code: 'CONTENT_REJECTED' })).toBe(1);
    expect(sampleValue(m, 'genflow_provider_call_duration_seconds_count', { provider: 'local', outcome: 'CONTENT_REJECTED' })).toBe(1);
    expect(sampleValue(m, 'genflow_provider_call_duration_seconds_count', { provider: 'openai', outcome: 'ok' })).toBe(1);
    expect(sampleValue(m, 'genflow_provider_call_duration_seconds_count', { provider: 'local', outcome: 'ok' })).toBeGreaterThanOrEqual(2);

    expect(sampleValue(m, 'genflow_provider_keys', { provider: 'openai', state: 'usable' })).toBe(1);
    expect(sampleValue(m, 'genflow_provider_keys', { provider: 'openai', state: 'disabled' })).toBe(0);
    // Other test files share the database, so at least this run's job is running.
    expect(sampleValue(m, 'genflow_generations_unfinished', { model: 'local/video', provider: 'local', status: 'running' })).toBeGreaterThanOrEqual(1);

    const http = (route: string, status: string, method = 'POST') => sampleValue(m, 'genflow_http_requests_total', { method, route, status });
    expect(http('/v1/generations', '202')).toBe(5);
    expect(http('/v1/generations/:id', '404', 'GET')).toBe(1);
    expect(http('/v1/generations/:id', '200', 'GET')).toBeGreaterThanOrEqual(4);
    expect(sampleValue(m, 'genflow_http_request_duration_seconds_count', { method: 'POST', route: '/v1/generations', status: '202' })).toBe(5);
    expect(m.some((s) => s.name === 'genflow_http_request_duration_seconds_bucket' && s.labels.route === '/v1/generations' && s.labels.le === '+Inf')).toBe(true);
    // Raw paths never become labels: one series per route, not per id.
    expect(m.some((s) => s.labels.route?.includes(priced.id))).toBe(false);

    const cancel = await postJson(`${stack.baseUrl}/v1/generations/${slow.body.id as string}/cancel`, {});
    expect(cancel.status).toBe(202);
    await waitForGeneration(stack.baseUrl, slow.body.id as string);
    expect((await getGeneration(stack.baseUrl, slow.body.id as string)).status).toBe('canceled');
    expect(sampleValue(await scrape(), 'genflow_generations_finished_total', { model: 'local/video', provider: 'local', status: 'canceled' })).toBe(1);
  });
});
