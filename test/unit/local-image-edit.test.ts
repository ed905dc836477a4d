import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GenerationRequest } from '../../domain/generation';
import { createLocalAdapter, localProvider } from '../../providers/local';
import { imageParameters } from '../../providers/local/models';
import type { ProviderAdapter } from '../../providers/types';

let dataDir: string;
let adapter: ProviderAdapter;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'genflow-local-edit-'));
  adapter = createLocalAdapter({ dataDir });
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const edit = (inputImages: string[], parameters: Record<string, unknown> = {}): GenerationRequest => ({
  model: 'local/image',
  kind: 'image-to-image',
  prompt: 'a snowy meadow',
  parameters: imageParameters.parse({ width: 96, height: 64, ...parameters }),
  inputImages,
  numberOfOutputs: 1,
});

async function only(request: GenerationRequest): Promise<Buffer> {
  const result = await adapter.submit(request, { generationId: 'gen_test', attempt: 1 });
  if (result.status !== 'succeeded' || result.outputs[0]?.type !== 'bytes') throw new Error(`unexpected ${result.status}`);
  return result.outputs[0].data;
}

const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;
const meanRgb = async (image: Buffer) => (await sharp(image).stats()).channels.slice(0, 3).map((c) => c.mean);

describe('local/image as an image-to-image (edit) model', () => {
  it('declares image-to-image with one inline input image', () => {
    expect(localProvider.models.find((m) => m.id === 'local/image')).toMatchObject({ kinds: ['text-to-image', 'image-to-image'], inputImages: { mode: 'base64', max: 1 } });
  });

  it('builds on the input: fitted to the requested size, its colour showing through the landscape', async () => {
    const blue = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#0000ff' } }).png().toBuffer();
    const green = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#00ff00' } }).png().toBuffer();
    const onBlue = await only(edit([dataUrl(blue)]));
    const onGreen = await only(edit([dataUrl(green)]));
    const meta = await sharp(onBlue).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 96, 64]);
    const [b, g] = [await meanRgb(onBlue), await meanRgb(onGreen)];
    // Same prompt and seed: only the input differs, and it shows.
    expect(b[2]! - g[2]!).toBeGreaterThan(60);
    expect(g[1]! - b[1]!).toBeGreaterThan(60);
  });

  it('refuses an input that is not an image, or more than one', async () => {
    await expect(only(edit(['data:image/png;base64,bm90IGFuIGltYWdl']))).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).png().toBuffer();
    await expect(only(edit([dataUrl(png), dataUrl(png)]))).rejects.toMatchObject({ code: 'INVALID_PARAMETERS' });
  });
});
