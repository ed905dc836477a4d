import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GenerationRequest } from '../../domain/generation';
import { createElevenLabsAdapter, elevenlabsModels } from '../../providers/elevenlabs';
import type { CallContext, ProviderAdapter, SubmitResult } from '../../providers/types';
import { ElevenLabsFake } from '../fakes/elevenlabs';
import { caught } from '../support/contract';
import { expectDocumentedFields } from '../support/wire-fields';
import { elevenlabsWireFields } from '../../providers/elevenlabs/wire-fields';

const KEY = 'sk_test_elevenlabs';

function request(model: string, parameters: Record<string, unknown> = {}, prompt = 'Hello from genflow.'): GenerationRequest {
  const spec = elevenlabsModels.find((m) => m.id === model)!;
  return { model, kind: 'text-to-speech', prompt, parameters: spec.parameters.parse(parameters), inputImages: [], numberOfOutputs: 1 };
}

async function audioOf(result: SubmitResult): Promise<{ data: Buffer; contentType: string }> {
  if (result.status !== 'succeeded') throw new Error('expected audio');
  const output = result.outputs[0]!;
  if (output.type !== 'stream') throw new Error('expected a stream');
  const chunks: Buffer[] = [];
  for await (const chunk of output.stream) chunks.push(chunk as Buffer);
  return { data: Buffer.concat(chunks), contentType: output.contentType };
}

describe('ElevenLabs adapter against the local fake', () => {
  const fake = new ElevenLabsFake();
  let adapter: ProviderAdapter;
  const ctx: CallContext = { generationId: 'g1', attempt: 1, apiKey: KEY };

  beforeAll(async () => {
    await fake.start();
    adapter = createElevenLabsAdapter({ dataDir: '/nonexistent', baseUrl: fake.url, fetch });
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.busy = false;
    fake.quotaCharacters = 1_000_000;
    fake.server.requests.length = 0;
  });

  it('sends voice, model, format and settings as the API names them, and streams the audio back', async () => {
    const result = await adapter.submit(
      request('elevenlabs/turbo-v2.5', { voiceId: 'EXAVITQu4vr4xnSDxMaL', outputFormat: 'mp3_44100_192', stability: 0.3, similarityBoost: 0.8, speed: 1.1, languageCode: 'de', seed: 42 }),
      ctx,
    );
    const sent = fake.server.requests.at(-1)!;
    expect(sent.path).toBe('/v1/text-to-speech/EXAVITQu4vr4xnSDxMaL');
    expect(sent.query.get('output_format')).toBe('mp3_44100_192');
    expect(sent.headers['xi-api-key']).toBe(KEY);
    expect(sent.json).toEqual({
      text: 'Hello from genflow.',
      model_id: 'eleven_turbo_v2_5',
      voice_settings: { stability: 0.3, similarity_boost: 0.8, speed: 1.1 },
      language_code: 'de',
      seed: 42,
    });
    const audio = await audioOf(result);
    expect(audio.contentType).toBe('audio/mpeg');
    expect(audio.data.equals(fake.served.at(-1)!)).toBe(true);
  });

  it('leaves voice_settings out when none is given, and defaults to a premade voice and MP3', async () => {
    await adapter.submit(request('elevenlabs/multilingual-v2'), ctx);
    const sent = fake.server.requests.at(-1)!;
    expect(sent.json).toEqual({ text: 'Hello from genflow.', model_id: 'eleven_multilingual_v2' });
    expect(sent.path).toBe('/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb');
    expect(sent.query.get('output_format')).toBe('mp3_44100_128');
  });

  it('Opus formats come back as Ogg audio', async () => {
    const audio = await audioOf(await adapter.submit(request('elevenlabs/flash-v2.5', { outputFormat: 'opus_48000_64' }), ctx));
    expect(audio.contentType).toBe('audio/ogg');
    expect(audio.data.subarray(0, 4).toString('latin1')).toBe('OggS');
  });

  it('refuses text over the model limit before calling', async () => {
    const err = await caught(adapter.submit(request('elevenlabs/v3', {}, 'x'.repeat(5001)), ctx));
    expect(err.code).toBe('INVALID_PARAMETERS');
    expect(fake.server.requests).toHaveLength(0);
  });

  describe('maps its error bodies onto the taxonomy', () => {
    it('invalid_api_key → AUTHENTICATION_FAILED, without the key', async () => {
      const err = await caught(adapter.submit(request('elevenlabs/flash-v2.5'), { ...ctx, apiKey: 'sk_wrong_secret' }));
      expect(err.code).toBe('AUTHENTICATION_FAILED');
      expect(err.message).toContain('Invalid API key');
      expect(err.message).not.toContain('sk_wrong_secret');
    });

    it('quota_exceeded (a 401) → QUOTA_EXCEEDED, not an authentication failure', async () => {
      fake.quotaCharacters = 5;
      const err = await caught(adapter.submit(request('elevenlabs/flash-v2.5'), ctx));
      expect(err.code).toBe('QUOTA_EXCEEDED');
      expect(err.message).toContain('exceeds your quota');
    });

    it('voice_not_found → INVALID_PARAMETERS', async () => {
      const err = await caught(adapter.submit(request('elevenlabs/flash-v2.5', { voiceId: 'NoSuchVoice123' }), ctx));
      expect(err.code).toBe('INVALID_PARAMETERS');
      expect(err.message).toContain('NoSuchVoice123');
    });

    it('a 422 validation list → INVALID_PARAMETERS naming the field', async () => {
      fake.server.inject({ status: 422, json: { detail: [{ loc: ['body', 'voice_settings', 'stability'], msg: 'Input should be between 0 and 1', type: 'range' }] } });
      const err = await caught(adapter.submit(request('elevenlabs/flash-v2.5'), ctx));
      expect(err.code).toBe('INVALID_PARAMETERS');
      expect(err.message).toContain('body.voice_settings.stability');
    });

    it('429 too_many_concurrent_requests → RATE_LIMITED with Retry-After', async () => {
      fake.rateLimit(1, 4);
      const err = await caught(adapter.submit(request('elevenlabs/flash-v2.5'), ctx));
      expect([err.code, err.retryAfterMs]).toEqual(['RATE_LIMITED', 4000]);
    });

    it('the busy switch (503 system_busy) → PROVIDER_UNAVAILABLE, retryable', async () => {
      fake.busy = true;
      const err = await caught(adapter.submit(request('elevenlabs/flash-v2.5'), ctx));
      expect([err.code, err.retryable]).toEqual(['PROVIDER_UNAVAILABLE', true]);
    });
  });

  describe('field names as ElevenLabs documents them (providers/elevenlabs/wire-fields.ts)', () => {
    const everything = { stability: 0.4, similarityBoost: 0.8, style: 0.2, useSpeakerBoost: true, speed: 1.1, seed: 7, outputFormat: 'opus_48000_64' };
    it.each([
      ['text-to-speech/multilingual-v2', 'elevenlabs/multilingual-v2', everything],
      ['text-to-speech', 'elevenlabs/flash-v2.5', { ...everything, languageCode: 'de' }],
      ['text-to-speech', 'elevenlabs/v3', { languageCode: 'ja' }],
      ['text-to-speech', 'elevenlabs/turbo-v2.5', {}],
    ] as const)('%s: %s %j', async (family, model, parameters) => {
      await audioOf(await adapter.submit(request(model, parameters), ctx));
      const sent = fake.server.requests.at(-1)!;
      expect(sent.path).toMatch(/^\/v1\/text-to-speech\/[A-Za-z0-9]+$/);
      await expectDocumentedFields(elevenlabsWireFields, family, sent);
    });
  });
});
