import sharp, { type Metadata } from 'sharp';
import { inspectMedia } from './inspect';

/** Limits on an untrusted input image, checked before anything decodes its pixels. */
export interface ImageLimits {
  maxBytes: number;
  /** Decoded pixels (width × height of one frame): a 100 KB PNG can declare gigapixels. */
  maxPixels: number;
  maxWidth: number;
  maxHeight: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = {
  maxBytes: 20 * 1024 * 1024,
  maxPixels: 40_000_000,
  maxWidth: 12_000,
  maxHeight: 12_000,
};

/** Formats accepted as input; everything the providers take, and nothing sharp cannot decode. */
const ACCEPTED = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/avif']);

export interface ValidatedImage {
  contentType: string;
  extension: string;
  width: number;
  height: number;
  /** Frames; more than 1 for an animated GIF/WebP. */
  pages: number;
  /** EXIF orientation (1–8) when the file has one; 5–8 show the image turned a quarter. */
  orientation?: number;
}

export class ImageRejected extends Error {
  override readonly name = 'ImageRejected';
}

/**
 * Decides what an input image is from its bytes alone (the name, extension and declared
 * type are not trusted) and refuses what is not a supported image or is too large to decode.
 */
export async function validateImage(data: Buffer, limits: ImageLimits = DEFAULT_IMAGE_LIMITS, declaredType?: string): Promise<ValidatedImage> {
  if (data.length === 0) throw new ImageRejected('the file is empty');
  if (data.length > limits.maxBytes) throw new ImageRejected(`the file has ${data.length} bytes, more than the ${limits.maxBytes} allowed`);
  const { contentType, extension } = await inspectMedia(data.subarray(0, 64 * 1024));
  if (!ACCEPTED.has(contentType)) {
    const claimed = declaredType && declaredType !== contentType ? ` although it was declared as ${declaredType}` : '';
    const found = contentType === 'application/octet-stream' ? 'not a recognised image format' : `${contentType}, not a supported image`;
    throw new ImageRejected(`the bytes are ${found}${claimed} (accepted: PNG, JPEG, WebP, GIF, AVIF)`);
  }
  let meta: Metadata;
  try {
    // metadata() reads the header only; no pixels are decoded yet.
    meta = await sharp(data, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw new ImageRejected(`the ${extension.toUpperCase()} file is corrupt or truncated (${err instanceof Error ? err.message : String(err)})`);
  }
  const width = meta.width ?? 0;
  const height = meta.pageHeight ?? meta.height ?? 0;
  if (width <= 0 || height <= 0) throw new ImageRejected('the image declares no size');
  if (width * height > limits.maxPixels) {
    throw new ImageRejected(
      `the image declares ${width}×${height} = ${(width * height / 1e6).toFixed(1)} megapixels, more than the ${limits.maxPixels / 1e6}-megapixel limit (a decompression bomb is refused before decoding)`,
    );
  }
  if (width > limits.maxWidth || height > limits.maxHeight) {
    throw new ImageRejected(`the image is ${width}×${height}, larger than the ${limits.maxWidth}×${limits.maxHeight} allowed`);
  }
  return { contentType, extension, width, height, pages: meta.pages ?? 1, ...(meta.orientation ? { orientation: meta.orientation } : {}) };
}
