import sharp from 'sharp';

export type SampleFormat = 'png' | 'jpeg' | 'webp';

/**
 * A real, decodable image that differs with `seed`: what a provider fake serves as its output,
 * so tests can check that the bytes stored are the bytes served.
 */
export async function sampleImage(format: SampleFormat, width: number, height: number, seed: number): Promise<Buffer> {
  const channels = 3;
  const raw = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      raw[i] = (x * 255) / width + seed * 37;
      raw[i + 1] = (y * 255) / height + seed * 91;
      raw[i + 2] = ((x + y) * 4 + seed * 13) % 256;
    }
  }
  return sharp(raw, { raw: { width, height, channels } }).toFormat(format).toBuffer();
}

export const IMAGE_CONTENT_TYPE: Record<SampleFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };
