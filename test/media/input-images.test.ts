import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { GenflowError } from '../../domain/errors';
import { DEFAULT_IMAGE_LIMITS, validateImage } from '../../media/image-validate';
import { inputsForAdapter, prepareInputImages } from '../../media/prepare-inputs';
import { preprocessImage } from '../../media/preprocess';
import { PREPROCESS_PRESETS, type PreprocessPreset } from '../../media/preprocess-presets';
import { LocalDiskStorage } from '../../media/storage/local-disk';

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/** A real, valid PNG: 1-bit greyscale, all black, `size`×`size`; tiny on disk, huge decoded. */
function bombPng(size: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const row = Buffer.alloc(1 + Math.ceil(size / 8)); // filter byte 0 + zero bits
  const raw = Buffer.alloc(row.length * size); // zeros compress ~1000:1
  return Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** Random pixels: incompressible, so size caps have something to work against. */
function noise(width: number, height: number): Sharp {
  return sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } });
}

function flat(width: number, height: number): Sharp {
  return sharp({ create: { width, height, channels: 3, background: '#3a7bd5' } });
}

async function process(data: Buffer, preset: PreprocessPreset) {
  const source = await validateImage(data);
  const out = await preprocessImage(data, source, preset, DEFAULT_IMAGE_LIMITS);
  const meta = await sharp(out.data).metadata();
  return { out, meta };
}

const dataUrl = (type: string, data: Buffer) => `data:${type};base64,${data.toString('base64')}`;
const dirs: string[] = [];
function storage(): LocalDiskStorage {
  const dir = mkdtempSync(join(tmpdir(), 'genflow-inputs-'));
  dirs.push(dir);
  return new LocalDiskStorage(dir);
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('input image validation', () => {
  it('refuses a decompression-bomb PNG from its header, before decoding it', async () => {
    const bomb = bombPng(30_000); // 900 megapixels in about 100 KB
    expect(bomb.length).toBeLessThan(200_000);
    await expect(validateImage(bomb)).rejects.toThrow(/30000×30000 = 900\.0 megapixels, more than the 40-megapixel limit/);
    const err = await prepareInputImages({ storage: storage(), generationId: 'g', inputs: [dataUrl('image/png', bomb)], preset: PREPROCESS_PRESETS.standard, policy: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GenflowError);
    expect((err as GenflowError).code).toBe('INPUT_FETCH_FAILED');
    expect((err as GenflowError).message).toMatch(/^input image 1: .*decompression bomb/);
  });

  it('refuses a file whose name and declared type lie about what it is', async () => {
    const html = Buffer.from('<!doctype html><html><body>not a picture</body></html>');
    await expect(validateImage(html, DEFAULT_IMAGE_LIMITS, 'image/png')).rejects.toThrow(
      /not a recognised image format although it was declared as image\/png/,
    );
    const mp3 = Buffer.concat([Buffer.from('ID3\x04\x00\x00', 'latin1'), Buffer.alloc(100)]);
    const err = await prepareInputImages({ storage: storage(), generationId: 'g', inputs: [dataUrl('image/jpeg', mp3)], preset: PREPROCESS_PRESETS.fast, policy: {} }).catch((e: unknown) => e);
    expect((err as GenflowError).code).toBe('INPUT_FETCH_FAILED');
    expect((err as GenflowError).message).toMatch(/input image 1: the bytes are audio\/mpeg, not a supported image although it was declared as image\/jpeg/);
  });

  it('goes by the bytes: a JPEG labelled PNG is read as the JPEG it is', async () => {
    const jpeg = await noise(64, 48).jpeg().toBuffer();
    expect(await validateImage(jpeg, DEFAULT_IMAGE_LIMITS, 'image/png')).toMatchObject({ contentType: 'image/jpeg', width: 64, height: 48 });
  });

  it('refuses a truncated image and over-wide dimensions with the reason', async () => {
    const png = await noise(100, 100).png().toBuffer();
    await expect(validateImage(png.subarray(0, 40))).rejects.toThrow(/PNG file is corrupt or truncated/);
    const wide = await sharp({ create: { width: 13_000, height: 10, channels: 3, background: '#000' } }).png().toBuffer();
    await expect(validateImage(wide)).rejects.toThrow(/13000×10, larger than the 12000×12000 allowed/);
  });
});

describe('preprocessing presets on real images', () => {
  it('fast: JPEG inside 512×512', async () => {
    const { out, meta } = await process(await flat(3000, 2000).png().toBuffer(), PREPROCESS_PRESETS.fast);
    expect([out.contentType, meta.format, meta.width, meta.height]).toEqual(['image/jpeg', 'jpeg', 512, 341]);
  });

  it('standard: format kept, inside 1024×1024', async () => {
    const webp = await process(await flat(1200, 1800).webp().toBuffer(), PREPROCESS_PRESETS.standard);
    expect([webp.meta.format, webp.meta.width, webp.meta.height]).toEqual(['webp', 683, 1024]);
    const gif = await process(await flat(1500, 1500).gif().toBuffer(), PREPROCESS_PRESETS.standard);
    expect([gif.out.contentType, gif.meta.width]).toEqual(['image/png', 1024]); // GIF is not kept: PNG
  });

  it('high: lossless PNG inside 2048, and never enlarged', async () => {
    const big = await process(await flat(3000, 2000).jpeg().toBuffer(), PREPROCESS_PRESETS.high);
    expect([big.meta.format, big.meta.width, big.meta.height]).toEqual(['png', 2048, 1365]);
    const small = await process(await noise(300, 200).jpeg().toBuffer(), PREPROCESS_PRESETS.high);
    expect([small.meta.width, small.meta.height]).toEqual([300, 200]);
  });

  it('pollo-optimized: exactly 1920×1080 JPEG under 5000 KB, cropped (cover)', async () => {
    const { out, meta } = await process(await noise(2400, 2400).jpeg({ quality: 100 }).toBuffer(), PREPROCESS_PRESETS['pollo-optimized']);
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1920, 1080]);
    expect(out.data.length).toBeLessThanOrEqual(5000 * 1024);
  });

  it('pollo-optimized: a portrait frame (a 9:16 clip) is cropped to 1080×1920, not to landscape', async () => {
    const { meta } = await process(await noise(1500, 2600).jpeg({ quality: 90 }).toBuffer(), PREPROCESS_PRESETS['pollo-optimized']);
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1080, 1920]);
  });

  it('fill and contain give exact sizes; a size cap lowers quality and then dimensions until it fits', async () => {
    const src = await noise(800, 400).png().toBuffer();
    const fill = await process(src, { format: 'webp', resize: { mode: 'fill', width: 300, height: 300 }, quality: 80, animated: 'first-frame' });
    expect([fill.meta.width, fill.meta.height]).toEqual([300, 300]);
    const contain = await process(src, { format: 'png', resize: { mode: 'contain', width: 400, height: 400 }, quality: 80, animated: 'first-frame' });
    expect([contain.meta.width, contain.meta.height, contain.meta.hasAlpha]).toEqual([400, 400, true]);
    const capped = await process(src, { format: 'jpeg', quality: 95, maxSizeKb: 40, animated: 'first-frame' });
    expect(capped.out.data.length).toBeLessThanOrEqual(40 * 1024);
    expect(capped.meta.width).toBeLessThan(800); // noise at q50 is still too big: it had to shrink
  });

  it('applies the EXIF orientation and strips metadata', async () => {
    const rotated = await noise(200, 100).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect((await sharp(rotated).metadata()).orientation).toBe(6);
    const { meta } = await process(rotated, PREPROCESS_PRESETS.standard);
    expect([meta.width, meta.height, meta.orientation, meta.exif]).toEqual([100, 200, undefined, undefined]);
  });

  it('turns an animation into its first frame, or refuses it where the preset says so', async () => {
    const frames = await sharp(randomBytes(64 * 192 * 3), { raw: { width: 64, height: 192, channels: 3, pageHeight: 64 } })
      .gif({ loop: 0, delay: [100, 100, 100] })
      .toBuffer();
    expect((await validateImage(frames)).pages).toBe(3);
    const still = await process(frames, PREPROCESS_PRESETS.fast);
    expect([still.meta.pages ?? 1, still.meta.width, still.meta.height]).toEqual([1, 64, 64]);
    await expect(process(frames, PREPROCESS_PRESETS['pollo-optimized'])).rejects.toThrow(/animated images \(3 frames\) are not accepted/);
  });
});

describe('prepared inputs as the adapter needs them', () => {
  it('stores the processed image and hands a data URL to base64/either models', async () => {
    const store = storage();
    const png = await noise(800, 600).png().toBuffer();
    const prepared = await prepareInputImages({ storage: store, generationId: 'gen1', inputs: [dataUrl('image/png', png)], preset: PREPROCESS_PRESETS.fast, policy: {} });
    expect(prepared[0]).toMatchObject({ storageKey: 'inputs/gen1/0.jpg', contentType: 'image/jpeg', width: 512, height: 384 });
    const [url] = await inputsForAdapter(store, prepared, 'base64', []);
    expect(url).toMatch(/^data:image\/jpeg;base64,/);
    expect((await sharp(Buffer.from(url!.split(',')[1]!, 'base64')).metadata()).width).toBe(512);
  });

  it('a url-only model on local disk gets the original https URL, or a clear error for inline images', async () => {
    const store = storage();
    const prepared = [{ storageKey: 'inputs/g/0.jpg', contentType: 'image/jpeg', bytes: 1, sha256: 'x', width: 1, height: 1 }];
    expect(await inputsForAdapter(store, prepared, 'url', ['https://cdn.example/a.jpg'])).toEqual(['https://cdn.example/a.jpg']);
    await expect(inputsForAdapter(store, prepared, 'url', ['data:image/jpeg;base64,AAAA'])).rejects.toMatchObject({ code: 'UNSUPPORTED_CAPABILITY' });
  });
});
