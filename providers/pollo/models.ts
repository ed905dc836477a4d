import { z } from 'zod';
import { videoParameterFields, type VideoOptions } from '../../domain/video-options';
import { defineModel } from '../define-model';
import type { ModelSpec } from '../types';
import type { VideoWireNames } from '../video-wire';
import { priced, usd } from '../pricing';

export interface PolloModelExtra {
  /** `{brand}/{model}` of Pollo's generation endpoint. */
  endpoint: string;
  /** Whether it renders from text alone (otherwise an input image is required). */
  textToVideo: boolean;
  videoWire: VideoWireNames;
}
export type PolloModel = ModelSpec & PolloModelExtra;

export const polloVeo3Video: VideoOptions = { durationsSeconds: [8], aspectRatios: ['16:9', '9:16'], resolutions: ['720p', '1080p'] };
export const polloVeo3Parameters = z.strictObject({
  ...videoParameterFields(polloVeo3Video, { durationSeconds: 8 }),
  generateAudio: z.boolean().default(true),
  negativePrompt: z.string().max(1000).optional(),
  seed: z.int().min(0).optional(),
});

export const polloKlingVideo: VideoOptions = { durationsSeconds: [5, 10] };
export const polloKlingParameters = z.strictObject({
  ...videoParameterFields(polloKlingVideo, { durationSeconds: 5 }),
  negativePrompt: z.string().max(1000).optional(),
  strength: z.int().min(0).max(100).default(50).describe('How closely the clip follows the prompt'),
});

/**
 * Pollo bills in its own credits and the docs at hand give no USD price per credit, so these are
 * estimates at the upstream model's list price: Veo 3 as on the Gemini API ($0.40 a second
 * with audio, $0.20 without), Kling 2.1 as a std-mode clip from Kling ($0.21 per 5 s).
 */
export const polloModels: PolloModel[] = [
  defineModel<typeof polloVeo3Parameters, PolloModelExtra>({
    id: 'pollo/veo3',
    kinds: ['text-to-video', 'image-to-video'],
    description: 'Google Veo 3 through Pollo: 8 s clips with audio, from text or a first frame',
    parameters: polloVeo3Parameters,
    inputImages: { mode: 'url', max: 1 },
    preprocess: 'pollo-optimized',
    video: polloVeo3Video,
    async: true,
    expectedDurationSeconds: 120,
    maxDurationSeconds: 1800,
    price: priced(polloVeo3Parameters, {
      unit: 'second',
      usd: 0.4,
      tiers: [{ when: 'generateAudio=false', usd: 0.2 }],
      notes: "estimate: Google's Veo 3 list price (Pollo publishes credits, not USD)",
    }, (p) => usd((p.generateAudio ? 0.4 : 0.2) * p.durationSeconds, 2)),
    endpoint: 'google/veo3',
    textToVideo: true,
    videoWire: { durationSeconds: { field: 'length', as: 'number' }, aspectRatio: { field: 'aspectRatio' }, resolution: { field: 'resolution' } },
  }),
  defineModel<typeof polloKlingParameters, PolloModelExtra>({
    id: 'pollo/kling-v2.1',
    kinds: ['image-to-video'],
    description: 'Kling 2.1 through Pollo: 5 or 10 s clips animating an input image',
    parameters: polloKlingParameters,
    inputImages: { mode: 'url', max: 1 },
    preprocess: 'pollo-optimized',
    video: polloKlingVideo,
    async: true,
    expectedDurationSeconds: 120,
    maxDurationSeconds: 1800,
    price: priced(polloKlingParameters, {
      unit: 'second',
      usd: 0.042,
      notes: "estimate: Kling's list price of a std clip, $0.21 per 5 s (Pollo publishes credits, not USD)",
    }, (p) => usd(0.042 * p.durationSeconds, 3)),
    endpoint: 'kling-ai/kling-v2-1',
    textToVideo: false,
    videoWire: { durationSeconds: { field: 'length', as: 'number' } },
  }),
];
