import OpenAI, { toFile } from 'openai';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationView } from '../../domain/generation';
import { getGeneration, getJson, openAiClientOptions, startStack, temporalAddress, type Stack } from '../support/stack';

/** The official `openai` package, unchanged, with its baseURL pointed at genflow. */
describe.skipIf(!temporalAddress)('OpenAI-compatible images API with the official openai client', () => {
  let stack: Stack;
  let client: OpenAI;
  beforeAll(async () => {
    stack = await startStack();
    client = new OpenAI(openAiClientOptions(stack.baseUrl));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('generates images through the local provider and records an ordinary generation', async () => {
    const { data, response } = await client.images
      .generate({ model: 'gpt-image-1', prompt: 'a lighthouse at dusk', n: 2, size: '256x192', response_format: 'b64_json' })
      .withResponse();
    expect(data.data).toHaveLength(2);
    const images = await Promise.all(data.data!.map((d) => sharp(Buffer.from(d.b64_json!, 'base64')).metadata()));
    expect(images.map((m) => [m.format, m.width, m.height])).toEqual([['png', 256, 192], ['png', 256, 192]]);
    expect(data.created).toBeGreaterThan(Date.now() / 1000 - 600);

    const id = response.headers.get('x-genflow-generation-id')!;
    const generation = await getGeneration(stack.baseUrl, id);
    expect(generation).toMatchObject({ status: 'succeeded', model: 'local/image', modelSelectedBy: 'default', metadata: { api: 'openai-images' } });
    expect(generation.outputs).toHaveLength(2);
    const listed = await getJson(`${stack.baseUrl}/v1/generations?metadata.api=openai-images`);
    expect((listed.body as { data: GenerationView[] }).data.map((g) => g.id)).toContain(id);
  });

  it('answers stable URLs with response_format url and honours a genflow model id and output_format', async () => {
    const result = await client.images.generate({ model: 'local/image', prompt: 'a quiet harbour', size: '128x128', output_format: 'webp' });
    expect(result.data).toHaveLength(1);
    const url = result.data![0]!.url!;
    expect(url).toMatch(new RegExp(`^${stack.baseUrl}/v1/assets/[0-9a-f-]+/content$`));
    const res = await fetch(url);
    expect(res.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 128, 128]);
  });

  it('edits an uploaded image: the answer is built on the input', async () => {
    const red = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#ff0000' } }).png().toBuffer();
    const prompt = 'a meadow under snow';
    const edit = await client.images.edit({ image: await toFile(red, 'input.png', { type: 'image/png' }), prompt, size: '128x128', response_format: 'b64_json' });
    const plain = await client.images.generate({ prompt, size: '128x128', response_format: 'b64_json' });
    const redness = async (b64: string) => {
      const { channels } = await sharp(Buffer.from(b64, 'base64')).stats();
      return channels[0]!.mean - (channels[1]!.mean + channels[2]!.mean) / 2;
    };
    const edited = await sharp(Buffer.from(edit.data![0]!.b64_json!, 'base64')).metadata();
    expect([edited.width, edited.height]).toEqual([128, 128]);
    // Half of every edited pixel is the red input, so it is much redder than the same prompt alone.
    expect(await redness(edit.data![0]!.b64_json!)).toBeGreaterThan((await redness(plain.data![0]!.b64_json!)) + 60);
  });

  it('reports errors in OpenAI\'s shape, which the client parses', async () => {
    const unknownModel = await client.images.generate({ model: 'nobody/nothing', prompt: 'x' }).catch((e: unknown) => e);
    expect(unknownModel).toBeInstanceOf(OpenAI.BadRequestError);
    expect(unknownModel).toMatchObject({ status: 400, code: 'INVALID_REQUEST', param: 'model', type: 'invalid_request_error' });

    const tooLarge = await client.images.generate({ prompt: 'x', size: '4096x4096' }).catch((e: unknown) => e);
    expect(tooLarge).toMatchObject({ status: 400, code: 'INVALID_PARAMETERS', param: 'size' });

    const tooMany = await client.images.generate({ prompt: 'x', n: 9 }).catch((e: unknown) => e);
    expect(tooMany).toMatchObject({ status: 400, param: 'n' });
    expect((tooMany as Error).message).toMatch(/n/);
  });
});
