export const ModelKind = {
  textToImage: 'text-to-image',
  imageToImage: 'image-to-image',
  textToVideo: 'text-to-video',
  imageToVideo: 'image-to-video',
  textToSpeech: 'text-to-speech',
  textToText: 'text-to-text',
  upscale: 'upscale',
} as const;
export type ModelKind = (typeof ModelKind)[keyof typeof ModelKind];
export const MODEL_KINDS = Object.values(ModelKind) as [ModelKind, ...ModelKind[]];

/** How a model accepts input images. */
export type InputImageMode = 'url' | 'base64' | 'either';

/**
 * How the workflow waits for an async provider job: first poll after `initialDelayMs` (the
 * model's expected duration), then from `intervalMs` doubling up to `maxIntervalMs`, with
 * jitter, and giving up after `maxTotalMs`.
 */
export interface PollingPolicy {
  initialDelayMs: number;
  /** Delay of the second poll, doubling from there; `initialDelayMs` when absent (older runs). */
  intervalMs?: number;
  maxIntervalMs: number;
  maxTotalMs: number;
}

/** What a workflow needs to know about a model; plain data so it can cross into workflow code. */
export interface WorkflowModel {
  id: string;
  provider: string;
  async: boolean;
  polling: PollingPolicy;
  /**
   * Activity task queue of the provider calls when the provider is rate-limited; absent → the
   * workflow's own queue. Fixed at start, so a workflow replays the same whatever the config now.
   */
  taskQueue?: string;
}
