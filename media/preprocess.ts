import sharp, { type OutputInfo, type Sharp } from 'sharp';
import { ImageRejected, type ImageLimits, type ValidatedImage } from './image-validate';
import type { PreprocessPreset } from './preprocess-presets';

export interface ProcessedImage {
  data: Buffer;
  contentType: string;
  extension: string;
  width: number;
  height: number;
}

type OutputFormat = 'png' | 'jpeg' | 'webp';
const TYPES: Record<OutputFormat, { contentType: string; extension: string }> = {
  png: { contentType: 'image/png', extension: 'png' },
  jpeg: { contentType: 'image/jpeg', extension: 'jpg' },
  webp: { contentType: 'image/webp', extension: 'webp' },
};

function outputFormat(preset: PreprocessPreset, source: ValidatedImage): OutputFormat {
  if (preset.format !== 'keep') return preset.format;
  if (source.contentType === 'image/jpeg') return 'jpeg';
  if (source.contentType === 'image/webp') return 'webp';
  return 'png';
}

const SHARP_FIT = { fit: 'inside', fill: 'fill', cover: 'cover', contain: 'contain' } as const;

function render(
  data: Buffer,
  limits: ImageLimits,
  preset: PreprocessPreset,
  format: OutputFormat,
  quality: number,
  shrinkTo?: { width: number; height: number },
  portrait = false,
): Sharp {
  // limitInputPixels is the second guard after validateImage: sharp refuses to decode more.
  // Page 0 only: an animation becomes its first frame. rotate() applies the EXIF orientation.
  let image = sharp(data, { limitInputPixels: limits.maxPixels, page: 0, pages: 1 }).rotate();
  const r = preset.resize;
  if (shrinkTo) {
    image = image.resize({ ...shrinkTo, fit: r && r.mode !== 'fit' ? SHARP_FIT[r.mode] : 'inside' });
  } else if (r) {
    const exact = r.mode !== 'fit';
    const turn = exact && r.matchOrientation === true && portrait;
    const width = exact ? (turn ? r.height : r.width) : r.maxWidth;
    const height = exact ? (turn ? r.width : r.height) : r.maxHeight;
    image = image.resize({
      ...(width ? { width } : {}),
      ...(height ? { height } : {}),
      fit: SHARP_FIT[r.mode],
      withoutEnlargement: true,
      background: { r: 0, g: 0, b: 0, alpha: format === 'jpeg' ? 1 : 0 },
    });
  }
  // sharp writes no metadata (EXIF, GPS, comments) unless asked to, so all of it is stripped.
  if (format === 'jpeg') return image.flatten({ background: '#ffffff' }).jpeg({ quality });
  if (format === 'webp') return image.webp({ quality });
  return image.png({ compressionLevel: 9 });
}

/** Height over width as the image will be shown: EXIF orientations 5–8 turn it a quarter. */
function isPortrait(source: ValidatedImage): boolean {
  const turned = (source.orientation ?? 1) >= 5;
  return turned ? source.width > source.height : source.height > source.width;
}

/**
 * Applies a preset: orientation, resize (never enlarging), format, quality, and a size cap
 * reached by lowering quality and then dimensions. The input must have passed validateImage.
 */
export async function preprocessImage(data: Buffer, source: ValidatedImage, preset: PreprocessPreset, limits: ImageLimits): Promise<ProcessedImage> {
  if (source.pages > 1 && preset.animated === 'reject') {
    throw new ImageRejected(`animated images (${source.pages} frames) are not accepted by this model; send a still image`);
  }
  const format = outputFormat(preset, source);
  const maxBytes = preset.maxSizeKb === undefined ? Infinity : preset.maxSizeKb * 1024;
  let quality = preset.quality;
  let shrinkTo: { width: number; height: number } | undefined;
  for (let attempt = 0; attempt < 12; attempt++) {
    let out: { data: Buffer; info: OutputInfo };
    try {
      out = await render(data, limits, preset, format, quality, shrinkTo, isPortrait(source)).toBuffer({ resolveWithObject: true });
    } catch (err) {
      throw new ImageRejected(`the image could not be decoded (${err instanceof Error ? err.message : String(err)})`);
    }
    if (out.data.length <= maxBytes) {
      return { data: out.data, ...TYPES[format], width: out.info.width, height: out.info.height };
    }
    // Lossy formats give up quality first (down to 50); then, or for PNG, the image shrinks.
    if (format !== 'png' && quality > 50) quality = Math.max(50, quality - 10);
    else shrinkTo = { width: Math.max(1, Math.round(out.info.width * 0.8)), height: Math.max(1, Math.round(out.info.height * 0.8)) };
  }
  throw new ImageRejected(`the image cannot be brought under ${preset.maxSizeKb} KB`);
}
