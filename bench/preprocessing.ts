import sharp from 'sharp';
import { DEFAULT_IMAGE_LIMITS, validateImage } from '../media/image-validate';
import { preprocessImage } from '../media/preprocess';
import { PREPROCESS_PRESETS } from '../media/preprocess-presets';
import { envNumber, figure, machine, printResult, saveResult, summary, type BenchResult, type Figure } from './lib';

/** Photos-like test inputs: noise over gradients (hard to compress, like real photos). */
async function inputs(count: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const width = 2400 + i * 97;
    const height = 1600 + i * 61;
    const noise = await sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).png().toBuffer();
    out.push(await sharp(noise).jpeg({ quality: 90 }).toBuffer());
  }
  return out;
}

/**
 * The preprocessing pipeline (magic-byte validation, pixel limits, orientation, preset resize and
 * encode) against raw sharp doing the same resize and encode on the same images.
 */
export async function run(): Promise<BenchResult> {
  const count = envNumber('BENCH_PREPROCESS_IMAGES', 8);
  const rounds = envNumber('BENCH_PREPROCESS_ROUNDS', 3);
  const images = await inputs(count);
  const figures: Figure[] = [];
  for (const name of ['fast', 'standard', 'high'] as const) {
    const preset = PREPROCESS_PRESETS[name];
    const box = preset.resize ?? { maxWidth: 1024, maxHeight: 1024 };
    const raw = async (data: Buffer) => {
      const pipeline = sharp(data).rotate().resize({ width: box.maxWidth, height: box.maxHeight, fit: 'inside', withoutEnlargement: true });
      // The same encoder settings as the presets (PNG at compression level 9).
      await (preset.format === 'png' ? pipeline.png({ compressionLevel: 9 }) : pipeline.jpeg({ quality: preset.quality })).toBuffer();
    };
    const ours = async (data: Buffer) => {
      const validated = await validateImage(data, DEFAULT_IMAGE_LIMITS);
      await preprocessImage(data, validated, preset, DEFAULT_IMAGE_LIMITS);
    };
    // Interleaved image by image, so load from elsewhere on the machine hits both alike.
    await raw(images[0]!);
    await ours(images[0]!);
    const rawMs: number[] = [];
    const oursMs: number[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const img of images) {
        let t0 = performance.now();
        await raw(img);
        rawMs.push(performance.now() - t0);
        t0 = performance.now();
        await ours(img);
        oursMs.push(performance.now() - t0);
      }
    }
    const baseline = 1000 / summary(rawMs).p50;
    const pipeline = 1000 / summary(oursMs).p50;
    figures.push(figure(`${name} preset`, 'images/s', pipeline, 'raw sharp, same resize and encode', baseline, '≥ 90%'));
  }
  return {
    bench: 'preprocessing',
    machine: machine(),
    parameters: { images: count, rounds, input: '~2400×1600 JPEG q90, noisy', sharp: sharp.versions.sharp, libvips: sharp.versions.vips },
    figures,
    notes: ['the pipeline adds magic-byte validation and a metadata read before the same sharp resize and encode'],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await run();
  printResult(result);
  saveResult(result);
  process.exit(0);
}
