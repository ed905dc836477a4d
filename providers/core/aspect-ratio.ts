import { z } from 'zod';

/**
 * S0's common image `aspectRatio`: one enum for every image model of Gitee AI, Hugging Face and
 * ModelScope, mapped here onto each provider's own size fields (`size` "WxH", or
 * `width`/`height`). S0 names only the parameter (`ar`), not its values; these seven are the
 * ratios its providers' docs and sample sizes cover.
 */
export const IMAGE_ASPECT_RATIOS = ['1:1', '4:3', '3:4', '3:2', '2:3', '16:9', '9:16'] as const;
export type ImageAspectRatio = (typeof IMAGE_ASPECT_RATIOS)[number];

/** The schema field: optional, so a model's own size fields keep working without it. */
export const imageAspectRatioField = () =>
  z
    .enum(IMAGE_ASPECT_RATIOS)
    .optional()
    .describe(`Shape of the image: ${IMAGE_ASPECT_RATIOS.join(', ')} (mapped to the provider's size fields); not together with an explicit size`);

export interface ImageSizeLimits {
  /** The side of the square whose area every ratio keeps (1024: about one megapixel). */
  base: number;
  /** The largest side the model renders; a wider shape is scaled down to fit. */
  maxSide: number;
  /** Both sides are rounded to a multiple of this (diffusion models work in 8- or 16-pixel blocks). */
  multiple?: number;
}

/**
 * Width and height for `ratio`: about `base`² pixels (so a wide image costs the model about
 * what a square one does), each side a multiple of `multiple`, the long side at most `maxSide`.
 */
export function sizeForAspectRatio(ratio: ImageAspectRatio, limits: ImageSizeLimits): { width: number; height: number } {
  const multiple = limits.multiple ?? 16;
  const [w, h] = ratio.split(':').map(Number) as [number, number];
  const round = (v: number) => Math.max(multiple, Math.round(v / multiple) * multiple);
  let long = limits.base * Math.sqrt(Math.max(w, h) / Math.min(w, h));
  if (long > limits.maxSide) long = limits.maxSide;
  const longSide = Math.min(round(long), Math.floor(limits.maxSide / multiple) * multiple);
  const shortSide = round((longSide * Math.min(w, h)) / Math.max(w, h));
  return w >= h ? { width: longSide, height: shortSide } : { width: shortSide, height: longSide };
}

/** `sizeForAspectRatio` as the one `size` field ("WxH") Gitee AI and ModelScope take. */
export function sizeFieldForAspectRatio(ratio: ImageAspectRatio, limits: ImageSizeLimits): string {
  const { width, height } = sizeForAspectRatio(ratio, limits);
  return `${width}x${height}`;
}

/** The message when a request gives both, for the schemas' refinement. */
export const ASPECT_RATIO_OR_SIZE = 'give aspectRatio or an explicit size, not both';

/**
 * The refinement every S0 image schema carries, given the model's own size fields: `aspectRatio`
 * or those, not both (`.refine(...oneShape(['size']))`).
 */
export function oneShape(sizeFields: readonly string[]): [(p: Record<string, unknown>) => boolean, { message: string; path: string[] }] {
  return [(p) => !(p.aspectRatio !== undefined && sizeFields.some((f) => p[f] !== undefined)), { message: ASPECT_RATIO_OR_SIZE, path: ['aspectRatio'] }];
}
