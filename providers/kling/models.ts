import { z } from 'zod';
import { videoParameterFields, type VideoOptions } from '../../domain/video-options';
import { defineModel } from '../define-model';
import type { ModelSpec } from '../types';
import type { VideoWireNames } from '../video-wire';
import { perImage, priced } from '../pricing';

/** What a Kling-shaped API needs to know about a model: which family of endpoints, which model_name. */
export interface KlingModelExtra {
  api: 'video' | 'image';
  /** Kling's `model_name`. */
  modelName: string;
  maxOutputs: number;
  videoWire?: VideoWireNames;
}
export type KlingModel = ModelSpec & KlingModelExtra;

/**
 * The video parameters a model takes besides the normalised ones. Kling's API reference
 * (Video Generation → Text to Video / Image to Video, request body) documents `cfg_scale` as
 * "not supported by Kling v2.x models", so only a row that sets `cfgScale` offers it — and
 * `/v1/models` shows exactly what each row declares (providers/kling/wire-fields.ts).
 */
function videoOwn(supports: { cfgScale: boolean }) {
  return {
    negative_prompt: z.string().max(2500).optional(),
    ...(supports.cfgScale ? { cfg_scale: z.number().min(0).max(1).default(0.5).describe('How closely the clip follows the prompt') } : {}),
  };
}

// Kling's `mode`: std renders 720p, pro 1080p. Image-to-video follows the image's shape.
const VIDEO_RATIOS = ['16:9', '9:16', '1:1'];
export const klingTurboVideo: VideoOptions = { durationsSeconds: [5, 10], aspectRatios: VIDEO_RATIOS, resolutions: ['720p', '1080p'] };
export const klingMasterVideo: VideoOptions = { durationsSeconds: [5, 10], aspectRatios: VIDEO_RATIOS, resolutions: ['1080p'] };
// Both video models are v2.x: no cfg_scale.
export const klingTurboParameters = z.strictObject({ ...videoParameterFields(klingTurboVideo, { durationSeconds: 5, resolution: '1080p' }), ...videoOwn({ cfgScale: false }) });
export const klingMasterParameters = z.strictObject({ ...videoParameterFields(klingMasterVideo, { durationSeconds: 5 }), ...videoOwn({ cfgScale: false }) });

export const KLING_VIDEO_WIRE: VideoWireNames = {
  durationSeconds: { field: 'duration', as: 'string' },
  aspectRatio: { field: 'aspect_ratio' },
  resolution: { field: 'mode', values: { '720p': 'std', '1080p': 'pro' } },
};

export const klingImageParameters = z.strictObject({
  aspect_ratio: z.enum(['16:9', '9:16', '1:1', '4:3', '3:4', '3:2', '2:3', '21:9']).default('1:1'),
  negative_prompt: z.string().max(2500).optional(),
  image_fidelity: z.number().min(0).max(1).default(0.5).describe('With an input image: how closely to follow it'),
});

const cents = (usd: number): number => Math.round(usd * 1000) / 1000;

/**
 * Rows shared by every Kling-shaped API (Kling's own, TuZi's proxy): `prefix` names the
 * provider, `pricePerFive` the list price of a 5 s clip per resolution in USD.
 */
export function klingModelRows(prefix: string, via: string): KlingModel[] {
  return [
    defineModel<typeof klingTurboParameters, KlingModelExtra>({
      id: `${prefix}/kling-v2.5-turbo`,
      kinds: ['text-to-video', 'image-to-video'],
      description: `Kling 2.5 Turbo${via}: 5 or 10 s clips, 720p (std) or 1080p (pro), from text or a first frame`,
      parameters: klingTurboParameters,
      inputImages: { mode: 'either', max: 1 },
      video: klingTurboVideo,
      async: true,
      expectedDurationSeconds: 120,
      maxDurationSeconds: 1800,
      price: priced(klingTurboParameters, { unit: 'second', usd: 0.07, tiers: [{ when: 'resolution=720p', usd: 0.042 }], notes: 'Kling list price: $0.35 per 5 s in pro mode (1080p), $0.21 in std (720p)' }, (p) => cents((p.resolution === '720p' ? 0.21 : 0.35) * (p.durationSeconds / 5))),
      api: 'video',
      modelName: 'kling-v2-5-turbo',
      maxOutputs: 1,
      videoWire: KLING_VIDEO_WIRE,
    }),
    defineModel<typeof klingMasterParameters, KlingModelExtra>({
      id: `${prefix}/kling-v2.1-master`,
      kinds: ['text-to-video', 'image-to-video'],
      description: `Kling 2.1 Master${via}: 5 or 10 s 1080p clips from text or a first frame`,
      parameters: klingMasterParameters,
      inputImages: { mode: 'either', max: 1 },
      video: klingMasterVideo,
      async: true,
      expectedDurationSeconds: 240,
      maxDurationSeconds: 3600,
      price: priced(klingMasterParameters, { unit: 'second', usd: 0.28, notes: 'Kling list price: $1.40 per 5 s clip' }, (p) => cents(1.4 * (p.durationSeconds / 5))),
      api: 'video',
      modelName: 'kling-v2-1-master',
      maxOutputs: 1,
      // Master renders in pro mode only; 1080p is the one value allowed.
      videoWire: KLING_VIDEO_WIRE,
    }),
    defineModel<typeof klingImageParameters, KlingModelExtra>({
      id: `${prefix}/kling-image-v2`,
      kinds: ['text-to-image', 'image-to-image'],
      description: `Kling (Kolors) image v2${via}: up to 9 images per task; an input image guides it`,
      parameters: klingImageParameters,
      inputImages: { mode: 'either', max: 1 },
      async: true,
      expectedDurationSeconds: 20,
      maxDurationSeconds: 600,
      price: perImage(0.014, { notes: 'Kling list price per image' }),
      api: 'image',
      modelName: 'kling-v2',
      maxOutputs: 9,
    }),
  ];
}

export const klingModels: KlingModel[] = klingModelRows('kling', ' (Kling API)');
