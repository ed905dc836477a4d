import { z } from 'zod';
import { videoParameterFields, type VideoOptions } from '../../domain/video-options';
import { defineModel } from '../define-model';
import type { ModelSpec } from '../types';
import type { VideoWireNames } from '../video-wire';
import { priced } from '../pricing';

export interface RunwayModelExtra {
  /** Runway's `model`. */
  runwayModel: string;
  /** Whether the model renders from text alone (`/v1/text_to_video`). */
  textToVideo: boolean;
  videoWire: VideoWireNames;
}
export type RunwayModel = ModelSpec & RunwayModelExtra;

/** Runway names output shapes by pixels; genflow by ratio. All are 720p-class. */
const RATIOS: Record<string, string> = { '16:9': '1280:720', '9:16': '720:1280', '4:3': '1104:832', '3:4': '832:1104', '1:1': '960:960', '21:9': '1584:672' };
const WIRE: VideoWireNames = { durationSeconds: { field: 'duration', as: 'number' }, aspectRatio: { field: 'ratio', values: RATIOS } };

export const runwayVideo: VideoOptions = { durationsSeconds: [5, 10], aspectRatios: Object.keys(RATIOS), resolutions: ['720p'] };
export const runwayParameters = z.strictObject({
  ...videoParameterFields(runwayVideo, { durationSeconds: 5 }),
  seed: z.int().min(0).max(4_294_967_295).optional(),
});

// Runway bills credits at $0.01: gen4_turbo 5 credits a second, gen4.5 12.
export const runwayModels: RunwayModel[] = [
  defineModel<typeof runwayParameters, RunwayModelExtra>({
    id: 'runway/gen4-turbo',
    kinds: ['image-to-video'],
    description: 'Runway Gen-4 Turbo: 5 or 10 s clips animating an input image',
    parameters: runwayParameters,
    inputImages: { mode: 'either', max: 1 },
    video: runwayVideo,
    async: true,
    expectedDurationSeconds: 60,
    maxDurationSeconds: 1200,
    price: priced(runwayParameters, { unit: 'second', usd: 0.05, notes: 'Runway: 5 credits a second at $0.01 a credit' }, (p) => Math.round(0.05 * p.durationSeconds * 100) / 100),
    runwayModel: 'gen4_turbo',
    textToVideo: false,
    videoWire: WIRE,
  }),
  defineModel<typeof runwayParameters, RunwayModelExtra>({
    id: 'runway/gen4.5',
    kinds: ['text-to-video', 'image-to-video'],
    description: 'Runway Gen-4.5: 5 or 10 s clips from text or an input image',
    parameters: runwayParameters,
    inputImages: { mode: 'either', max: 1 },
    video: runwayVideo,
    async: true,
    expectedDurationSeconds: 90,
    maxDurationSeconds: 1800,
    price: priced(runwayParameters, { unit: 'second', usd: 0.12, notes: 'Runway: 12 credits a second at $0.01 a credit' }, (p) => Math.round(0.12 * p.durationSeconds * 100) / 100),
    runwayModel: 'gen4.5',
    textToVideo: true,
    videoWire: WIRE,
  }),
];
