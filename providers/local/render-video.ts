import sharp from 'sharp';
import { between, hslToRgb, seededRandom } from './random';

export interface VideoRenderOptions {
  prompt: string;
  seed: number;
  width: number;
  height: number;
  fps: number;
  durationSeconds: number;
  format: 'webp' | 'gif';
  /** Any encoded image; it becomes the first frame and the backdrop of the clip. */
  firstFrame?: Buffer;
}

export const VIDEO_CONTENT_TYPES = { webp: 'image/webp', gif: 'image/gif' } as const;

/**
 * Pixels over all frames of one clip. Frames are built in memory before encoding, and GIF
 * quantizes every frame (~30 ms for 256x256); past the budget the frame rate drops while the
 * clip keeps its length, so a long, large clip costs seconds and a few hundred MB at most.
 */
export const MAX_VIDEO_PIXELS = { webp: 40_000_000, gif: 12_000_000 } as const;

export function frameCount(options: Pick<VideoRenderOptions, 'width' | 'height' | 'fps' | 'durationSeconds' | 'format'>): number {
  const wanted = Math.round(options.durationSeconds * options.fps);
  const budget = Math.floor(MAX_VIDEO_PIXELS[options.format] / (options.width * options.height));
  return Math.max(2, Math.min(wanted, budget));
}

/** Per-frame delays that add up to the clip length; GIF only stores hundredths of a second. */
function frameDelays(frames: number, durationMs: number, step: number): number[] {
  const at = (i: number): number => Math.round((i * durationMs) / frames / step) * step;
  return Array.from({ length: frames }, (_, i) => Math.max(step, at(i + 1) - at(i)));
}

interface Blob {
  radius: number;
  rgb: [number, number, number];
  cx: number;
  cy: number;
  ax: number;
  ay: number;
  /** Whole cycles per clip, so the loop has no jump. */
  cycles: number;
  phase: number;
}

function drawBlob(frame: Buffer, width: number, height: number, x: number, y: number, blob: Blob, opacity: number): void {
  const r = blob.radius;
  const [red, green, blue] = blob.rgb;
  for (let py = Math.max(0, Math.floor(y - r)); py < Math.min(height, Math.ceil(y + r)); py++) {
    for (let px = Math.max(0, Math.floor(x - r)); px < Math.min(width, Math.ceil(x + r)); px++) {
      // Soft edge two pixels wide: hard-edged discs shimmer when they move.
      const alpha = Math.min(1, Math.max(0, (r - Math.sqrt((px - x) ** 2 + (py - y) ** 2)) / 2)) * opacity;
      if (alpha === 0) continue;
      const i = (py * width + px) * 3;
      frame[i] = (frame[i] ?? 0) + (red - (frame[i] ?? 0)) * alpha;
      frame[i + 1] = (frame[i + 1] ?? 0) + (green - (frame[i + 1] ?? 0)) * alpha;
      frame[i + 2] = (frame[i + 2] ?? 0) + (blue - (frame[i + 2] ?? 0)) * alpha;
    }
  }
}

function fillGradient(frame: Buffer, width: number, height: number, hue: number, t: number): void {
  const shift = 30 * Math.sin(2 * Math.PI * t);
  const rowBytes = width * 3;
  for (let y = 0; y < height; y++) {
    const v = y / (height - 1);
    const rgb = hslToRgb(hue + shift + 50 * v, 0.6, 0.18 + 0.45 * v);
    frame.fill(Buffer.from(rgb), y * rowBytes, (y + 1) * rowBytes);
  }
}

/**
 * Renders an animated WebP or GIF: glowing discs orbiting over a drifting gradient (or over the
 * input image, which is shown alone in the first frame). Deterministic for prompt and seed.
 */
export async function renderVideo(options: VideoRenderOptions): Promise<Buffer> {
  const { width, height, format } = options;
  const frames = frameCount(options);
  const random = seededRandom('video', options.prompt, options.seed);
  const hue = seededRandom('palette', options.prompt)() * 360;
  const size = Math.min(width, height);
  const blobs: Blob[] = Array.from({ length: 4 + Math.floor(random() * 4) }, () => ({
    radius: between(random, 0.05, 0.16) * size,
    rgb: hslToRgb(hue + 180 + between(random, -60, 60), 0.85, between(random, 0.5, 0.75)),
    cx: between(random, 0.25, 0.75) * width,
    cy: between(random, 0.25, 0.75) * height,
    ax: between(random, 0.1, 0.3) * width,
    ay: between(random, 0.1, 0.3) * height,
    cycles: 1 + Math.floor(random() * 2),
    phase: random() * 2 * Math.PI,
  }));
  const backdrop = options.firstFrame
    ? await sharp(options.firstFrame).resize(width, height, { fit: 'cover' }).removeAlpha().raw().toBuffer()
    : undefined;

  const frameBytes = width * height * 3;
  const pixels = Buffer.alloc(frameBytes * frames);
  for (let f = 0; f < frames; f++) {
    // Drawing is plain JS; yielding now and then keeps a worker's event loop (heartbeats) alive.
    if (f % 8 === 7) await new Promise<void>((resolve) => setImmediate(resolve));
    const t = f / frames;
    const frame = pixels.subarray(f * frameBytes, (f + 1) * frameBytes);
    if (backdrop) backdrop.copy(frame);
    else fillGradient(frame, width, height, hue, t);
    // Over an input image the discs fade in, so the clip opens on the image itself.
    const opacity = backdrop ? Math.min(1, t * 3) * 0.75 : 0.85;
    if (opacity === 0) continue;
    for (const blob of blobs) {
      const angle = 2 * Math.PI * blob.cycles * t + blob.phase;
      drawBlob(frame, width, height, blob.cx + blob.ax * Math.sin(angle), blob.cy + blob.ay * Math.cos(2 * angle), blob, opacity);
    }
  }

  const durationMs = options.durationSeconds * 1000;
  const animation = sharp(pixels, { raw: { width, height: height * frames, channels: 3, pageHeight: height } });
  return format === 'gif'
    ? animation.gif({ delay: frameDelays(frames, durationMs, 10), loop: 0, effort: 1, dither: 0.5 }).toBuffer()
    : animation.webp({ delay: frameDelays(frames, durationMs, 1), loop: 0, quality: 75, effort: 2 }).toBuffer();
}
