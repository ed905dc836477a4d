import { z } from 'zod';
import type { ModelSpec } from '../types';
import type { VideoWireNames } from '../video-wire';
import {
  gpt4oImageParameters,
  fluxKontextParameters,
  nanoBananaParameters,
  seedreamParameters,
  sora2Parameters,
  klingParameters,
  wanParameters,
  veoParameters,
  runwayParameters,
  midjourneyParameters,
  sora2Video,
  klingVideo,
  wanVideo,
  veoVideo,
  runwayVideo,
} from './parameters';
import { perImage, perRequest, priced } from '../pricing';

/**
 * Kie.ai exposes several API families with their own request and record shapes. A model row
 * names its family; parameter names in each schema are the wire names, so the adapter sends
 * them as they are.
 */
export type KieRoute =
  | { api: 'gpt4o-image' }
  | { api: 'flux-kontext'; model: 'flux-kontext-pro' | 'flux-kontext-max' }
  | {
      api: 'jobs';
      /** Market model used without input images (absent: the model needs images). */
      textModel?: string;
      /** Market model used with input images (absent: the model takes none). */
      imageModel?: string;
      /** The input field carrying image URLs: a list, or a single URL. */
      imageField?: 'image_urls' | 'image_url';
      /** An `input` field that takes numberOfOutputs (one image per task otherwise). */
      countField?: 'max_images';
      /**
       * Where the text model takes the `aspect_ratio` parameter when Kie names it differently
       * there: `google/nano-banana` documents `input.image_size` (with ratio values), while
       * `google/nano-banana-edit` documents `input.aspect_ratio` (docs.kie.ai/market/google/nano-banana,
       * .../nano-banana-edit; providers/kie/wire-fields.ts).
       */
      textRatioField?: 'image_size';
    }
  | { api: 'veo'; model: 'veo3' | 'veo3_fast' }
  | { api: 'runway' }
  | { api: 'midjourney' };

export interface KieModel extends ModelSpec {
  route: KieRoute;
  /** How many outputs one task may produce (numberOfOutputs above it is refused). */
  maxOutputs: number;
  /** The model's own prompt limit, when it is below genflow's. */
  maxPromptLength?: number;
  /** Video models: Kie's names for the normalised durationSeconds / aspectRatio / resolution. */
  videoWire?: VideoWireNames;
}

/** Kie bills in credits; the seed's pricing rules price one credit at $0.005. */
export const USD_PER_CREDIT = 0.005;
const credits = (n: number): number => Math.round(n * USD_PER_CREDIT * 10_000) / 10_000;

/** The seed's 4o rule: 1 image 6 credits, 2 images 7, 4 images 8. */
function gpt4oCredits(outputs: number): number {
  return outputs >= 4 ? 8 : outputs === 2 ? 7 : 6;
}

const MJ_CREDITS: Record<z.infer<typeof midjourneyParameters>['speed'], number> = { relaxed: 3, fast: 8, turbo: 16 };

export const kieModels: KieModel[] = [
  {
    id: 'kie/4o-image',
    kinds: ['text-to-image', 'image-to-image'],
    description: 'GPT-4o image generation and editing through Kie.ai (1, 2 or 4 variants)',
    parameters: gpt4oImageParameters,
    inputImages: { mode: 'url', max: 5 },
    async: true,
    expectedDurationSeconds: 60,
    maxDurationSeconds: 900,
    price: priced(gpt4oImageParameters, { unit: 'request', usd: credits(6), tiers: [{ when: 'numberOfOutputs=2', usd: credits(7) }, { when: 'numberOfOutputs=4', usd: credits(8) }], notes: 'Kie credits at $0.005 (seed S1): 6 credits for 1 image, 7 for 2, 8 for 4' }, (_p, n) => credits(gpt4oCredits(n))),
    route: { api: 'gpt4o-image' },
    maxOutputs: 4,
  },
  ...(['pro', 'max'] as const).map(
    (tier): KieModel => ({
      id: `kie/flux-kontext-${tier}`,
      kinds: ['text-to-image', 'image-to-image'],
      description: `FLUX.1 Kontext ${tier} through Kie.ai: generation, or editing of one input image`,
      parameters: fluxKontextParameters,
      inputImages: { mode: 'url', max: 1 },
      async: true,
      expectedDurationSeconds: 20,
      maxDurationSeconds: 600,
      price: perImage(credits(tier === 'pro' ? 5 : 10), { notes: `Kie: ${tier === 'pro' ? 5 : 10} credits at $0.005` }),
      route: { api: 'flux-kontext', model: `flux-kontext-${tier}` },
      maxOutputs: 1,
    }),
  ),
  {
    id: 'kie/nano-banana',
    kinds: ['text-to-image', 'image-to-image'],
    description: 'Google Nano Banana (Gemini 2.5 Flash Image) through Kie.ai; edits with up to 10 input images',
    parameters: nanoBananaParameters,
    inputImages: { mode: 'url', max: 10 },
    async: true,
    expectedDurationSeconds: 15,
    maxDurationSeconds: 600,
    // The seed: "4 Credits/张 ≈ $0.020".
    price: perImage(credits(4), { notes: 'Kie: 4 credits at $0.005 (seed S1: "4 Credits/张 ≈ $0.020")' }),
    route: { api: 'jobs', textModel: 'google/nano-banana', imageModel: 'google/nano-banana-edit', imageField: 'image_urls', textRatioField: 'image_size' },
    maxOutputs: 1,
  },
  {
    id: 'kie/seedream-v4',
    kinds: ['text-to-image', 'image-to-image'],
    description: 'ByteDance Seedream 4.0 through Kie.ai; up to 4 images per task, edits with up to 10 input images',
    parameters: seedreamParameters,
    inputImages: { mode: 'url', max: 10 },
    async: true,
    expectedDurationSeconds: 20,
    maxDurationSeconds: 600,
    price: perImage(credits(5), { notes: 'Kie: 5 credits an image at $0.005' }),
    route: {
      api: 'jobs',
      textModel: 'bytedance/seedream-v4-text-to-image',
      imageModel: 'bytedance/seedream-v4-edit',
      imageField: 'image_urls',
      countField: 'max_images',
    },
    maxOutputs: 4,
  },
  {
    id: 'kie/sora-2',
    kinds: ['text-to-video', 'image-to-video'],
    description: 'OpenAI Sora 2 through Kie.ai: 10 or 15 second clips with audio',
    parameters: sora2Parameters,
    inputImages: { mode: 'url', max: 1 },
    async: true,
    expectedDurationSeconds: 180,
    maxDurationSeconds: 1800,
    video: sora2Video,
    videoWire: {
      durationSeconds: { field: 'n_frames', as: 'string' },
      aspectRatio: { field: 'aspect_ratio', values: { '16:9': 'landscape', '9:16': 'portrait' } },
    },
    price: priced(sora2Parameters, { unit: 'request', usd: credits(30), tiers: [{ when: 'durationSeconds=15', usd: credits(45) }], notes: 'Kie: 30 credits a 10 s clip, 45 a 15 s one, at $0.005' }, (p) => credits(p.durationSeconds === 15 ? 45 : 30)),
    route: { api: 'jobs', textModel: 'sora-2-text-to-video', imageModel: 'sora-2-image-to-video', imageField: 'image_urls' },
    maxOutputs: 1,
  },
  {
    id: 'kie/kling-v2.5-turbo-pro',
    kinds: ['text-to-video', 'image-to-video'],
    description: 'Kling 2.5 Turbo Pro through Kie.ai: 5 or 10 second clips',
    parameters: klingParameters,
    inputImages: { mode: 'url', max: 1 },
    async: true,
    expectedDurationSeconds: 120,
    maxDurationSeconds: 1800,
    video: klingVideo,
    videoWire: { durationSeconds: { field: 'duration', as: 'string' }, aspectRatio: { field: 'aspect_ratio' } },
    price: priced(klingParameters, { unit: 'request', usd: credits(42), tiers: [{ when: 'durationSeconds=10', usd: credits(84) }], notes: 'Kie: 42 credits a 5 s clip, 84 a 10 s one, at $0.005' }, (p) => credits(p.durationSeconds === 10 ? 84 : 42)),
    route: {
      api: 'jobs',
      textModel: 'kling/v2-5-turbo-text-to-video-pro',
      imageModel: 'kling/v2-5-turbo-image-to-video-pro',
      imageField: 'image_url',
    },
    maxOutputs: 1,
  },
  {
    id: 'kie/wan-2.5',
    kinds: ['text-to-video', 'image-to-video'],
    description: 'Alibaba Wan 2.5 through Kie.ai: 5 or 10 second clips with native audio; prompts up to 800 characters',
    parameters: wanParameters,
    inputImages: { mode: 'url', max: 1 },
    async: true,
    expectedDurationSeconds: 120,
    maxDurationSeconds: 1800,
    // $0.06 a second at 720p, $0.10 at 1080p.
    video: wanVideo,
    videoWire: { durationSeconds: { field: 'duration', as: 'string' }, aspectRatio: { field: 'aspect_ratio' }, resolution: { field: 'resolution' } },
    price: priced(wanParameters, { unit: 'second', usd: credits(20), tiers: [{ when: 'resolution=720p', usd: credits(12) }], notes: 'Kie: 12 credits a second at 720p, 20 at 1080p, at $0.005' }, (p) => credits((p.resolution === '1080p' ? 20 : 12) * p.durationSeconds)),
    route: { api: 'jobs', textModel: 'wan/2-5-text-to-video', imageModel: 'wan/2-5-image-to-video', imageField: 'image_url' },
    maxOutputs: 1,
    maxPromptLength: 800,
  },
  ...([
    ['kie/veo3', 'veo3', 'Veo 3.1 Quality', 250],
    ['kie/veo3-fast', 'veo3_fast', 'Veo 3.1 Fast', 60],
  ] as const).map(
    ([id, model, name, cost]): KieModel => ({
      id,
      kinds: ['text-to-video', 'image-to-video'],
      description: `Google ${name} through Kie.ai: 8 second clips with audio; 1 image animates it, 2 are first and last frame`,
      parameters: veoParameters,
      inputImages: { mode: 'url', max: 2 },
      async: true,
      expectedDurationSeconds: 120,
      maxDurationSeconds: 1800,
      video: veoVideo,
      // The length is fixed, so it is not sent.
      videoWire: { aspectRatio: { field: 'aspectRatio', values: { auto: 'Auto' } } },
      price: perRequest(credits(cost), { notes: `Kie: ${cost} credits an 8 s clip at $0.005` }),
      route: { api: 'veo', model },
      maxOutputs: 1,
    }),
  ),
  {
    id: 'kie/runway',
    kinds: ['text-to-video', 'image-to-video'],
    description: 'Runway through Kie.ai: 5 or 10 second clips from text or an image',
    parameters: runwayParameters,
    inputImages: { mode: 'url', max: 1 },
    async: true,
    expectedDurationSeconds: 90,
    maxDurationSeconds: 1800,
    video: runwayVideo,
    videoWire: { durationSeconds: { field: 'duration', as: 'number' }, aspectRatio: { field: 'aspectRatio' }, resolution: { field: 'quality' } },
    price: priced(runwayParameters, { unit: 'request', usd: credits(12), tiers: [{ when: 'durationSeconds=10 or resolution=1080p', usd: credits(30) }], notes: 'Kie: 12 credits a 5 s 720p clip, 30 for 10 s or 1080p, at $0.005' }, (p) => credits(p.durationSeconds === 10 || p.resolution === '1080p' ? 30 : 12)),
    route: { api: 'runway' },
    maxOutputs: 1,
    maxPromptLength: 1800,
  },
  {
    id: 'kie/midjourney',
    kinds: ['text-to-image', 'image-to-image'],
    description: 'Midjourney through Kie.ai: a grid of four images per task',
    parameters: midjourneyParameters,
    inputImages: { mode: 'url', max: 1 },
    async: true,
    expectedDurationSeconds: 60,
    maxDurationSeconds: 1800,
    price: priced(midjourneyParameters, { unit: 'request', usd: credits(MJ_CREDITS.fast), tiers: [{ when: 'speed=relaxed', usd: credits(MJ_CREDITS.relaxed) }, { when: 'speed=turbo', usd: credits(MJ_CREDITS.turbo) }], notes: 'Kie: one four-image grid; 3/8/16 credits by speed at $0.005' }, (p) => credits(MJ_CREDITS[p.speed])),
    route: { api: 'midjourney' },
    // Midjourney always renders four; numberOfOutputs does not change that.
    maxOutputs: 4,
  },
];

export function findKieModel(id: string): KieModel | undefined {
  return kieModels.find((m) => m.id === id);
}
