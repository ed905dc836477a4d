import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ProviderError } from '../../domain/errors';
import type { GenerationRequest } from '../../domain/generation';
import { createCustomAdapter } from '../../providers/custom/adapter';
import { parseCustomProviders } from '../../providers/custom/load';
import type { CallContext, ProviderAdapter } from '../../providers/types';
import { AcmeFake } from '../fakes/custom-http';

/**
 * A custom provider whose path template takes a caller's parameter: every value is one path
 * segment, so `..` (or `.`, or an empty value) can never move the request — and the operator's
 * key with it — to another endpoint of the service.
 */
describe('custom provider path templates', () => {
  const key = `sk-acme-${randomUUID()}`;
  const fake = new AcmeFake({ keys: [key] });
  let adapter: ProviderAdapter;
  const ctx: CallContext = { generationId: 'g', attempt: 1, apiKey: key };
  const request = (variant: string): GenerationRequest => ({ model: 'acme/styled', kind: 'text-to-image', prompt: 'a boat', parameters: { variant }, inputImages: [], numberOfOutputs: 1 });

  beforeAll(async () => {
    await fake.start();
    const yaml = `
providers:
  - id: acme
    baseUrl: ${fake.url}/v1
    auth: { header: Authorization, value: "Bearer {{apiKey}}" }
    models:
      - id: styled
        kinds: [text-to-image]
        description: a style chosen by the caller
        parameters:
          variant: { type: string, required: true }
        submit:
          path: /styles/{{parameters.variant}}/images/generations?tag={{parameters.variant}}
          body: { model: acme-image-1, prompt: "{{prompt}}" }
        outputs:
          urls: $.data[*].url
`;
    const [decl] = parseCustomProviders(parse(yaml), 'acme.yaml');
    adapter = createCustomAdapter(decl!, { baseUrl: `${fake.url}/v1`, dataDir: '/nonexistent', fetch });
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.server.requests.length = 0;
  });

  it.each(['..', '.', '', '%2e%2e', '../..'])('variant=%j stays inside its segment or is refused; the key reaches no other path', async (variant) => {
    const outcome: unknown = await adapter.submit(request(variant), ctx).then(() => 'sent', (e: unknown) => e);
    // The only endpoint under /v1 without the style segment is /v1/images/generations: it must never be reached.
    expect(fake.server.requests.filter((r) => r.path === '/v1/images/generations')).toEqual([]);
    if (['..', '.', ''].includes(variant)) {
      expect(outcome).toBeInstanceOf(ProviderError);
      expect((outcome as ProviderError).code).toBe('INVALID_PARAMETERS');
      expect((outcome as ProviderError).message).toContain('variant');
      expect(fake.server.requests).toHaveLength(0);
    } else {
      // Encoded as one segment: the fake has no such style and says 404.
      expect(fake.server.requests.map((r) => r.path)).toEqual([`/v1/styles/${encodeURIComponent(variant)}/images/generations`]);
    }
  });

  it('an ordinary value is sent as one encoded segment', async () => {
    await adapter.submit(request('neon/noir'), ctx).catch(() => undefined);
    const sent = fake.server.requests.at(-1)!;
    expect(sent.path).toBe('/v1/styles/neon%2Fnoir/images/generations');
    expect(sent.query.get('tag')).toBe('neon/noir');
  });
});
