import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, evaluateRules } from '../../domain/alerts';
import { createProviderGateway } from '../../providers/provider-gateway';
import { ElevenLabsFake } from '../fakes/elevenlabs';
import { OpenAIFake } from '../fakes/openai';

const GOOD = 'sk-test-probe-good-0001';
const REVOKED = 'sk-test-probe-revoked-0002';

/** The health probes the provider-health workflow runs, against the OpenAI fake and the local provider. */
describe('provider health probes', () => {
  const fake = new OpenAIFake({ apiKeys: [GOOD] });
  const home = mkdtempSync(join(tmpdir(), 'genflow-probe-'));
  const runtime = (keys: string, extra: Record<string, string> = {}) =>
    createProviderGateway({ dataDir: home, env: { GENFLOW_OPENAI_BASE_URL: fake.url, GENFLOW_OPENAI_API_KEYS: keys, ...extra } });

  beforeAll(() => fake.start());
  afterAll(async () => {
    await fake.stop();
    rmSync(home, { recursive: true, force: true });
  });
  beforeEach(() => {
    fake.failing = false;
    fake.server.requests.length = 0;
  });

  it('openai: lists models with the key (GET /v1/models) and reports healthy', async () => {
    const result = await runtime(GOOD).probe('openai');
    expect(result).toMatchObject({ provider: 'openai', ok: true, method: 'probe', requiresApiKey: true, keys: { total: 1, active: 1 } });
    expect(fake.server.requests.map((r) => [r.method, r.path, r.headers.authorization])).toEqual([['GET', '/v1/models', `Bearer ${GOOD}`]]);
  });

  it('openai: an outage is a failed probe with the taxonomy code, which the unreachable rule picks up', async () => {
    fake.failing = true;
    const result = await runtime(GOOD).probe('openai');
    expect(result).toMatchObject({ ok: false, method: 'probe', code: 'PROVIDER_UNAVAILABLE', keys: { total: 1, active: 1 } });
    expect(evaluateRules({ since: '', providers: [], databaseErrors: 0 }, [result], DEFAULT_THRESHOLDS).map((c) => c.dedupeKey)).toEqual(['provider_unreachable:openai']);
  });

  it('openai: a rejected key leaves the pool as on any call; with none left the keys rule fires', async () => {
    const rt = runtime(REVOKED);
    const result = await rt.probe('openai');
    expect(result).toMatchObject({ ok: false, code: 'AUTHENTICATION_FAILED', keys: { total: 1, active: 0 } });
    expect(result.message).not.toContain(REVOKED);
    expect((await rt.status()).find((p) => p.id === 'openai')?.keys[0]?.status).toBe('disabled');
    expect(evaluateRules({ since: '', providers: [], databaseErrors: 0 }, [result], DEFAULT_THRESHOLDS).map((c) => c.dedupeKey)).toEqual(['provider_keys_exhausted:openai']);
  });

  it('local: healthy when its job folder is writable; no key involved', async () => {
    expect(await runtime(GOOD).probe('local')).toMatchObject({ provider: 'local', ok: true, method: 'probe', requiresApiKey: false, keys: { total: 0, active: 0 } });
  });

  it('a provider without a probe is judged by its key pool', async () => {
    const rt = createProviderGateway({ dataDir: home, env: { GENFLOW_REPLICATE_API_KEYS: 'r8_test_probe' } });
    expect(await rt.probe('replicate')).toMatchObject({ ok: true, method: 'keys', keys: { total: 1, active: 1 } });
    expect(await createProviderGateway({ dataDir: home, env: {} }).probe('replicate')).toMatchObject({ ok: false, method: 'keys', keys: { total: 0, active: 0 } });
  });
});

describe('elevenlabs health probe', () => {
  const fake = new ElevenLabsFake();
  const home = mkdtempSync(join(tmpdir(), 'genflow-probe-el-'));
  const runtime = (keys: string) => createProviderGateway({ dataDir: home, env: { GENFLOW_ELEVENLABS_BASE_URL: fake.url, GENFLOW_ELEVENLABS_API_KEYS: keys } });

  beforeAll(() => fake.start());
  afterAll(async () => {
    await fake.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('lists models with the xi-api-key header; busy and rejected keys fail the probe with their codes', async () => {
    expect(await runtime('sk_test_elevenlabs').probe('elevenlabs')).toMatchObject({ ok: true, method: 'probe', keys: { total: 1, active: 1 } });
    const sent = fake.server.requests.at(-1)!;
    expect([sent.method, sent.path, sent.headers['xi-api-key']]).toEqual(['GET', '/v1/models', 'sk_test_elevenlabs']);
    fake.busy = true;
    expect(await runtime('sk_test_elevenlabs').probe('elevenlabs')).toMatchObject({ ok: false, code: 'PROVIDER_UNAVAILABLE' });
    fake.busy = false;
    expect(await runtime('sk_wrong').probe('elevenlabs')).toMatchObject({ ok: false, code: 'AUTHENTICATION_FAILED', keys: { total: 1, active: 0 } });
  });
});
