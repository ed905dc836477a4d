/**
 * Input-image preprocessing presets (the S2 design note's table). Plain data, declared per
 * model through `ModelSpec.preprocess`; `standard` applies when a model declares none.
 */
export interface PreprocessPreset {
  /** Output format; `keep` keeps PNG/JPEG/WebP as they are and turns anything else into PNG. */
  format: 'png' | 'jpeg' | 'webp' | 'keep';
  /**
   * `fit`: inside a max box, aspect kept; `fill`: stretched to exactly width×height;
   * `cover`: cropped to exactly width×height; `contain`: letterboxed to exactly width×height.
   * Never enlarged: a smaller image keeps its size.
   */
  resize?: {
    mode: 'fit' | 'fill' | 'cover' | 'contain';
    width?: number;
    height?: number;
    maxWidth?: number;
    maxHeight?: number;
    /** Exact modes: a portrait image gets the box turned to portrait (1080×1920 for 1920×1080). */
    matchOrientation?: boolean;
  };
  /** 1–100, for JPEG and WebP. */
  quality: number;
  /** The result must not exceed this; quality and then size are lowered until it fits. */
  maxSizeKb?: number;
  /** Animated GIF/WebP: use the first frame, or refuse it. */
  animated: 'first-frame' | 'reject';
}

export const PREPROCESS_PRESETS = {
  /** Quick previews: small and lossy. */
  fast: { format: 'jpeg', resize: { mode: 'fit', maxWidth: 512, maxHeight: 512 }, quality: 70, animated: 'first-frame' },
  /** The balance most models want. */
  standard: { format: 'keep', resize: { mode: 'fit', maxWidth: 1024, maxHeight: 1024 }, quality: 85, animated: 'first-frame' },
  /** Detail first: lossless PNG up to 2048 px. */
  high: { format: 'png', resize: { mode: 'fit', maxWidth: 2048, maxHeight: 2048 }, quality: 95, animated: 'first-frame' },
  /**
   * Pollo wants 1080p frames by URL, at most 5 MB (S2's preset is a 1920×1080 cover). The box
   * follows the image's orientation: a portrait first frame for a 9:16 clip must not be cropped
   * to landscape.
   */
  'pollo-optimized': {
    format: 'jpeg',
    resize: { mode: 'cover', width: 1920, height: 1080, matchOrientation: true },
    quality: 90,
    maxSizeKb: 5000,
    animated: 'reject',
  },
  /** Flux bills by size: at most 2048 px, format kept. */
  'flux-optimized': { format: 'keep', resize: { mode: 'fit', maxWidth: 2048, maxHeight: 2048 }, quality: 90, animated: 'first-frame' },
} as const satisfies Record<string, PreprocessPreset>;

export type PreprocessPresetName = keyof typeof PREPROCESS_PRESETS;
export const DEFAULT_PRESET: PreprocessPresetName = 'standard';
