import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ElevenLabsFake } from '../fakes/elevenlabs';
import { postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

// A key of its own per run: key state (a cooled-down or disabled key) persists in the database.
const KEY = `sk_e2e-${randomUUID()}`;

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe.skipIf(!temporalAddress)('ElevenLabs end to end: API → workflow → fake ElevenLabs → storage', () => {
  const fake = new ElevenLabsFake();
  let stack: Stack;

  beforeAll(async () => {
    await fake.start();
    fake.apiKeys = new Set([KEY]);
    stack = await startStack({ env: { GENFLOW_ELEVENLABS_BASE_URL: fake.url, GENFLOW_ELEVENLABS_API_KEYS: KEY } });
  });
  afterAll(async () => {
    await stack?.stop();
    await fake.stop();
  });

  it('stores the MP3 ElevenLabs returned as an audio asset', async () => {
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, {
      model: 'elevenlabs/multilingual-v2',
      prompt: 'The quick brown fox jumps over the lazy dog.',
      parameters: { stability: 0.5 },
    });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    const served = fake.served.at(-1)!;
    expect(done.outputs).toHaveLength(1);
    expect(done.outputs[0]).toMatchObject({ contentType: 'audio/mpeg', bytes: served.length, sha256: sha256(served) });
    const res = await fetch(done.outputs[0]!.url);
    expect(res.headers.get('content-type')).toBe('audio/mpeg');
    expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(sha256(served));
  });

  it('fails with QUOTA_EXCEEDED when the account is out of characters', async () => {
    fake.quotaCharacters = 3;
    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'elevenlabs/flash-v2.5', prompt: 'Too long for what is left.' });
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('failed');
    expect(done.error?.code).toBe('QUOTA_EXCEEDED');
  });

  it('rejects an out-of-range setting at the API, naming the field', async () => {
    const res = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'elevenlabs/v3', prompt: 'hi', parameters: { speed: 3 } });
    expect(res.status).toBe(400);
    expect((res.body.error as { message: string }).message).toContain('parameters.speed');
  });
});
