import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readServiceAccountKey, serviceAccountTokenSource } from '../../providers/vertex/auth';
import { vertexBaseUrl, vertexConnection } from '../../providers/vertex/api';
import { VertexFake } from '../fakes/vertex';

// Token caching against the fake's token endpoint, which verifies each JWT's RS256 signature
// with the test key pair and issues tokens that lapse after `tokenLifetimeSeconds`.
describe('Vertex service-account tokens', () => {
  const fake = new VertexFake();
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  const env = () => ({ fetch, baseUrl: fake.url, dataDir: '/nonexistent' });

  it('mints one token, reuses it until shortly before expiry, then mints a new one', async () => {
    fake.tokenLifetimeSeconds = 120;
    let offsetMs = 0;
    const tokens = serviceAccountTokenSource(readServiceAccountKey(fake.serviceAccount().json), env(), () => Date.now() + offsetMs);
    const before = fake.tokenExchanges;
    const first = await tokens.token();
    expect(fake.issued.has(first)).toBe(true);
    offsetMs = 59_000; // a 120 s token is renewed at half its life
    expect(await tokens.token()).toBe(first);
    expect(fake.tokenExchanges).toBe(before + 1);
    offsetMs = 61_000;
    const second = await tokens.token();
    expect(second).not.toBe(first);
    expect(fake.tokenExchanges).toBe(before + 2);
  });

  it('calls that arrive while a token is being minted share that one exchange', async () => {
    const tokens = serviceAccountTokenSource(readServiceAccountKey(fake.serviceAccount().json), env());
    const before = fake.tokenExchanges;
    const got = await Promise.all([tokens.token(), tokens.token(), tokens.token()]);
    expect(new Set(got).size).toBe(1);
    expect(fake.tokenExchanges).toBe(before + 1);
  });

  it('a token Vertex refused is dropped: the next call mints a fresh one', async () => {
    fake.tokenLifetimeSeconds = 3599;
    const tokens = serviceAccountTokenSource(readServiceAccountKey(fake.serviceAccount().json), env());
    const first = await tokens.token();
    expect(await tokens.token()).toBe(first);
    tokens.invalidate();
    expect(await tokens.token()).not.toBe(first);
  });

  it('reads the key from a file path as well as from its JSON; a broken key names the field, never its text', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vertex-key-'));
    const path = join(dir, 'key.json');
    writeFileSync(path, fake.serviceAccount().json);
    expect(readServiceAccountKey(path).client_email).toBe(fake.clientEmail);
    const broken = JSON.stringify({ ...(JSON.parse(fake.serviceAccount().json) as object), client_email: undefined });
    let message = '';
    try {
      readServiceAccountKey(broken);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('client_email');
    expect(message).not.toContain('PRIVATE KEY');
  });

  it('the project comes from PROJECT, else the key; the location picks the regional host unless the base URL was overridden', () => {
    const fromKey = vertexConnection({ ...env(), settings: { CREDENTIALS: fake.serviceAccount().json } });
    expect([fromKey.project, fromKey.location, fromKey.baseUrl]).toEqual(['genflow-test', 'us-central1', fake.url]);
    const chosen = vertexConnection({ ...env(), settings: { CREDENTIALS: fake.serviceAccount().json, PROJECT: 'other-project', LOCATION: 'asia-northeast1' } });
    expect([chosen.project, chosen.location]).toEqual(['other-project', 'asia-northeast1']);
    expect(vertexBaseUrl('https://us-central1-aiplatform.googleapis.com', 'europe-west4')).toBe('https://europe-west4-aiplatform.googleapis.com');
    expect(vertexBaseUrl('https://us-central1-aiplatform.googleapis.com', 'global')).toBe('https://aiplatform.googleapis.com');
    expect(() => vertexConnection({ ...env(), settings: { ACCESS_TOKEN: 'ya29.x' } })).toThrow(/GENFLOW_VERTEX_PROJECT/);
    expect(() => vertexConnection({ ...env(), settings: { ACCESS_TOKEN: 'ya29.x', PROJECT: 'p', LOCATION: '../evil' } })).toThrow(/LOCATION/);
  });
});
