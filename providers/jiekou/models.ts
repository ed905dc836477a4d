import { z } from 'zod';
import { videoParameterFields, type VideoOptions } from '../../domain/video-options';
import { defineModel } from '../define-model';
import type { ModelSpec } from '../types';
import { perRequest } from '../pricing';

/**
 * Sora 2 (reverse) on Jiekou AI: 10 or 15 s, landscape or portrait; the output is about 480p
 * whatever `size` says, so 480p is the one resolution offered.
 */
export const sora2Video: VideoOptions = { durationsSeconds: [10, 15], aspectRatios: ['16:9', '9:16'], resolutions: ['480p'] };

/** Normalised aspect ratio → Jiekou's `size` (only the orientation counts). */
export const SORA2_SIZES: Record<string, string> = { '16:9': '1280x720', '9:16': '720x1280' };

export const sora2Parameters = z.strictObject({
  ...videoParameterFields(sora2Video, { durationSeconds: 10, aspectRatio: '16:9', resolution: '480p' }),
  watermark: z.boolean().default(false).describe('Jiekou adds no watermark unless asked'),
});

export type JiekouModel = ModelSpec;

export const jiekouModels: JiekouModel[] = [
  defineModel<typeof sora2Parameters>({
    id: 'jiekou/sora-2',
    kinds: ['text-to-video', 'image-to-video'],
    description: 'OpenAI Sora 2 (reverse) through Jiekou AI: video with audio from text or a first frame (by URL: .jpg/.png)',
    parameters: sora2Parameters,
    // Jiekou fetches the frame itself and takes only JPEG/PNG: inputs become PNG in storage, handed over by URL.
    inputImages: { mode: 'url', max: 1 },
    preprocess: 'high',
    video: sora2Video,
    async: true,
    expectedDurationSeconds: 180,
    maxDurationSeconds: 1800,
    // A flat price per call whatever the length, as the reverse Sora 2 channels bill.
    price: perRequest(0.15, {
      notes: 'estimate: Jiekou bills its reverse Sora 2 per call; its price page is not in the docs at hand, comparable channels charge $0.12-0.15 a 10 or 15 s clip',
    }),
  }),
];
