import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, evaluateRules } from '../../domain/alerts';
import { GenflowError } from '../../domain/errors';
import { openaiModels } from '../../providers/openai';
import { replicateModels } from '../../providers/replicate';
import { createProviderGateway } from '../../providers/provider-gateway';
import { FakeServer } from '../fakes/fake-server';
import { OpenAIFake } from '../fakes/openai';
import { ReplicateFake } from '../fakes/replicate';
import { requestFor } from '../support/contract';

// Characters that base64 and URL encoding both change, so every echoed form differs from the key.
const KEY = 'sk-echo+test/key=0001abcd';
const R8 = 'r8_egress_contract_0001';
const SECRET = 'secret-from-inside-0451';

/**
 * Provider calls through the runtime, as workers and the health workflow make them: base URLs
 * with or without the version segment of the provider's docs, redirects not followed (the
 * health probe included), and keys masked in every encoding a provider may echo them in.
 */
describe('provider calls leaving genflow', () => {
  const openai = new OpenAIFake({ apiKeys: [KEY] });
  const replicate = new ReplicateFake({ apiKeys: [R8] });
  const internal = new FakeServer().route('GET', '/metrics', () => ({ body: SECRET, headers: { 'content-type': 'text/plain' } }));
  const home = mkdtempSync(join(tmpdir(), 'genflow-egress-'));
  const runtime = (env: Record<string, string>) => createProviderGateway({ dataDir: home, env });
  const ctx = { generationId: 'g-egress', attempt: 1 };

  beforeAll(() => Promise.all([openai.start(), replicate.start(), internal.start()]));
  afterAll(async () => {
    await Promise.all([openai.stop(), replicate.stop(), internal.stop()]);
    rmSync(home, { recursive: true, force: true });
  });
  beforeEach(() => {
    openai.server.requests.length = 0;
    replicate.server.requests.length = 0;
    internal.requests.length = 0;
  });

  async function failure(p: Promise<unknown>): Promise<GenflowError> {
    const err: unknown = await p.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(GenflowError);
    return err as GenflowError;
  }

  it.each(['', '/v1', '/v1/', '/V1'])('openai: GENFLOW_OPENAI_BASE_URL with %j after the host reaches /v1/images/generations', async (suffix) => {
    const rt = runtime({ GENFLOW_OPENAI_BASE_URL: `${openai.url}${suffix}`, GENFLOW_OPENAI_API_KEYS: KEY });
    const result = await rt.call('openai', ctx, (a, c) => a.submit(requestFor(openaiModels, 'a fox')('openai/dall-e-3'), c));
    expect(result.status).toBe('succeeded');
    expect(openai.server.requests.map((r) => r.path)).toEqual(['/v1/images/generations']);
    expect((await rt.status()).find((p) => p.id === 'openai')?.baseUrl).toBe(openai.url);
  });

  it.each(['', '/v1', '/v1/'])('replicate: GENFLOW_REPLICATE_BASE_URL with %j after the host reaches /v1/models/…/predictions', async (suffix) => {
    const rt = runtime({ GENFLOW_REPLICATE_BASE_URL: `${replicate.url}${suffix}`, GENFLOW_REPLICATE_API_KEYS: R8 });
    const result = await rt.call('replicate', ctx, (a, c) => a.submit(requestFor(replicateModels, 'a koi')('replicate/black-forest-labs/flux-schnell'), c));
    expect(result.status).toBe('pending');
    expect(replicate.server.requests.map((r) => r.path)).toEqual(['/v1/models/black-forest-labs/flux-schnell/predictions']);
  });

  it('a provider call answered with a redirect fails with PROVIDER_ERROR and never reaches the target', async () => {
    const rt = runtime({ GENFLOW_OPENAI_BASE_URL: openai.url, GENFLOW_OPENAI_API_KEYS: KEY });
    openai.server.inject({ status: 302, headers: { location: `${internal.url}/metrics` } });
    const err = await failure(rt.call('openai', ctx, (a, c) => a.submit(requestFor(openaiModels, 'a fox')('openai/dall-e-3'), c)));
    expect(err.code).toBe('PROVIDER_ERROR');
    expect(err.retryable).toBe(false);
    expect(err.message).not.toContain(SECRET);
    expect(internal.requests).toHaveLength(0);
  });

  it('the health probe does not follow a redirect either, and its message carries no internal body', async () => {
    const rt = runtime({ GENFLOW_OPENAI_BASE_URL: openai.url, GENFLOW_OPENAI_API_KEYS: KEY });
    openai.server.inject({ status: 307, headers: { location: `${internal.url}/metrics` } });
    const probe = await rt.probe('openai');
    expect(probe).toMatchObject({ ok: false, code: 'PROVIDER_ERROR' });
    expect(JSON.stringify(probe)).not.toContain(SECRET);
    expect(internal.requests).toHaveLength(0);
  });

  it("a probe answered with an error page reports (and alerts with) a short plain excerpt, not the page", async () => {
    const rt = runtime({ GENFLOW_OPENAI_BASE_URL: openai.url, GENFLOW_OPENAI_API_KEYS: KEY });
    const page = `<html><head><script>var token = "${SECRET}";</script></head><body><h1>503 Service Unavailable</h1>${'upstream connect error '.repeat(40)}</body></html>`;
    openai.server.inject({ status: 503, headers: { 'content-type': 'text/html' }, body: page });
    const probe = await rt.probe('openai');
    expect(probe).toMatchObject({ ok: false, code: 'PROVIDER_UNAVAILABLE' });
    expect(probe.message).toContain('503 Service Unavailable');
    expect(probe.message).not.toMatch(/[<>]|token/);
    expect(probe.message).not.toContain(SECRET);
    expect(probe.message!.length).toBeLessThanOrEqual(230);
    const [alert] = evaluateRules({ since: '', providers: [], databaseErrors: 0 }, [probe], DEFAULT_THRESHOLDS);
    expect(JSON.stringify(alert)).not.toContain(SECRET);
  });

  it('masks a key the provider echoes base64- or URL-encoded, in errors and in redacted log text', async () => {
    const rt = runtime({ GENFLOW_OPENAI_BASE_URL: openai.url, GENFLOW_OPENAI_API_KEYS: KEY });
    const basic = Buffer.from(`user:${KEY}`).toString('base64');
    const forms = [Buffer.from(KEY).toString('base64'), Buffer.from(KEY).toString('base64url'), encodeURIComponent(KEY), basic];
    openai.server.inject({ status: 401, json: { error: { message: `rejected ${forms.join(' and ')}`, type: 'invalid_request_error', code: 'invalid_api_key' } } });
    const err = await failure(rt.call('openai', ctx, (a, c) => a.submit(requestFor(openaiModels, 'a fox')('openai/dall-e-3'), c)));
    expect(err.code).toBe('AUTHENTICATION_FAILED');
    const seen = `${err.message} ${JSON.stringify(err.details ?? null)} ${String(err.stack)}`;
    for (const form of forms) expect(seen).not.toContain(form);
    expect(seen).toContain('sk-…abcd');
    const redacted = rt.redact(`log: ${forms.join(' | ')}`);
    expect(redacted).not.toMatch(new RegExp(forms.map((f) => f.replace(/[+/=]/g, '\\$&')).join('|')));
    const state = (await rt.status()).find((p) => p.id === 'openai')?.keys[0];
    for (const form of forms) expect(state?.lastErrorMessage ?? '').not.toContain(form);
  });
});
