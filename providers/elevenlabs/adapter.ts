import { Readable } from 'node:stream';
import { z } from 'zod';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { ProviderCharge } from '../../domain/charges';
import { ProviderError } from '../../domain/errors';
import type { GenerationRequest } from '../../domain/generation';
import { readAnswer } from '../core/call';
import { modelIn } from '../define-model';
import { providerFetch } from '../http';
import type { ProviderAdapter, ProviderEnv } from '../types';
import { ELEVENLABS_KEY_HEADER, ELEVENLABS_PROVIDER_ID, elevenlabsError, ttsPath } from './api';
import { contentTypeOf, elevenlabsModels, ttsParametersWithLanguage, USD_PER_CHARACTER_CREDIT, type ElevenLabsModel, type OutputFormat } from './models';

type Parameters = ReturnType<typeof ttsParametersWithLanguage.parse>;

function invalid(message: string): ProviderError {
  return new ProviderError('INVALID_PARAMETERS', `${ELEVENLABS_PROVIDER_ID}: ${message}`);
}

/** The JSON body of text-to-speech: wire names, and voice_settings only when one was given. */
export function ttsBody(request: GenerationRequest, model: ElevenLabsModel): Record<string, unknown> {
  const p = request.parameters as Parameters;
  const settings = {
    ...(p.stability !== undefined ? { stability: p.stability } : {}),
    ...(p.similarityBoost !== undefined ? { similarity_boost: p.similarityBoost } : {}),
    ...(p.style !== undefined ? { style: p.style } : {}),
    ...(p.useSpeakerBoost !== undefined ? { use_speaker_boost: p.useSpeakerBoost } : {}),
    ...(p.speed !== undefined ? { speed: p.speed } : {}),
  };
  return {
    text: request.prompt,
    model_id: model.wireModel,
    ...(Object.keys(settings).length ? { voice_settings: settings } : {}),
    ...(p.languageCode !== undefined ? { language_code: p.languageCode } : {}),
    ...(p.seed !== undefined ? { seed: p.seed } : {}),
  };
}

/**
 * What the request cost: ElevenLabs' documented `character-cost` header ("Tracking generation
 * costs"; the markdown copy of that page names it `x-character-count`), in character credits.
 */
export function characterCharge(headers: Headers): ProviderCharge | undefined {
  const raw = headers.get('character-cost') ?? headers.get('x-character-count');
  const credits = raw === null ? NaN : Number(raw);
  if (!Number.isFinite(credits) || credits < 0) return undefined;
  return { usd: Math.round(credits * USD_PER_CHARACTER_CREDIT * 1e6) / 1e6, basis: `${ELEVENLABS_PROVIDER_ID}: ${credits} character credits × $${USD_PER_CHARACTER_CREDIT}` };
}

/**
 * ElevenLabs text-to-speech is synchronous: the answer is the audio itself, streamed into
 * storage as it arrives.
 */
export function createElevenLabsAdapter(env: ProviderEnv): ProviderAdapter {
  return {
    async submit(request, ctx) {
      const model = modelIn(ELEVENLABS_PROVIDER_ID, elevenlabsModels, request.model);
      if (request.numberOfOutputs !== 1) throw invalid('text-to-speech makes one audio file per request');
      if (request.inputImages.length) throw invalid('text-to-speech takes no input images');
      if (request.prompt.length > model.maxCharacters) throw invalid(`${model.id} takes at most ${model.maxCharacters} characters`);
      if (!ctx.apiKey) throw new ProviderError('AUTHENTICATION_FAILED', `${ELEVENLABS_PROVIDER_ID}: no API key`, { retryable: false });
      const p = request.parameters as Parameters;
      const format: OutputFormat = p.outputFormat;
      const res = await providerFetch(env, ELEVENLABS_PROVIDER_ID, {
        method: 'POST',
        path: ttsPath(p.voiceId, format),
        headers: { [ELEVENLABS_KEY_HEADER]: ctx.apiKey, accept: contentTypeOf(format) },
        json: ttsBody(request, model),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        timeoutMs: 300_000,
      });
      if (!res.ok) throw await elevenlabsError(res);
      if (!res.body) throw new ProviderError('PROVIDER_ERROR', `${ELEVENLABS_PROVIDER_ID}: empty audio response`);
      const charge = characterCharge(res.headers);
      return {
        status: 'succeeded',
        outputs: [{ type: 'stream', stream: Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), contentType: res.headers.get('content-type') ?? contentTypeOf(format) }],
        ...(charge ? { charge } : {}),
      };
    },

    /** `GET /v1/models`: free, and it checks the key like a synthesis would. */
    async probe(ctx) {
      if (!ctx.apiKey) throw new ProviderError('AUTHENTICATION_FAILED', `${ELEVENLABS_PROVIDER_ID}: no API key`, { retryable: false });
      const res = await providerFetch(env, ELEVENLABS_PROVIDER_ID, {
        method: 'GET',
        path: '/v1/models',
        headers: { [ELEVENLABS_KEY_HEADER]: ctx.apiKey },
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        timeoutMs: 15_000,
      });
      if (!res.ok) throw await elevenlabsError(res);
      // `GET /v1/models` answers a bare list of models; the probe reads only that it is one.
      await readAnswer(ELEVENLABS_PROVIDER_ID, res, z.array(z.unknown()));
    },
  };
}
