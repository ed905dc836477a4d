import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readBody } from '../../media/safe-fetch';
import { getBatch, startBatchStack, waitForBatch, type BatchStack } from '../support/batch-stack';
import { apiFetch, getGeneration, postJson, temporalAddress } from '../support/stack';

const image = (prompt: string, parameters: Record<string, unknown> = {}) => ({ model: 'local/image', prompt, parameters: { width: 64, height: 64, ...parameters } });
const videoFrom = (fromItem: number, prompt = 'the fox runs') => ({
  model: 'local/video',
  prompt,
  inputImages: [{ fromItem }],
  parameters: { durationSeconds: 1, width: 64, height: 64, fps: 2 },
});

describe.skipIf(!temporalAddress)('batch items that take an earlier item’s output', () => {
  let stack: BatchStack;
  beforeAll(async () => {
    stack = await startBatchStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });
  beforeEach(() => {
    stack.observer.calls.length = 0;
    stack.observer.delayMs = 0;
  });

  async function submit(requests: unknown[], options: Record<string, unknown> = {}): Promise<string> {
    const res = await postJson(`${stack.baseUrl}/v1/batches`, { requests, options });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body.id as string;
  }

  it('starts a video from an image once the image has succeeded, and shows both items’ outputs and cost', async () => {
    // The image takes a while, so a video started too early would be seen starting before it ended.
    stack.observer.delayMs = 500;
    const id = await submit([image('a red fox'), videoFrom(0)], { maxConcurrency: 2 });
    const done = await waitForBatch(stack.baseUrl, id);
    expect(done.status).toBe('succeeded');
    const [first, second] = done.items;

    // The items carry their outputs, exactly as each generation shows them, and their cost.
    for (const item of done.items) {
      const generation = await getGeneration(stack.baseUrl, item.generationId);
      expect(item.outputs).toEqual(generation.outputs);
      expect(item.outputs.length).toBeGreaterThan(0);
      expect(item.cost).toBe(0);
      const content = await apiFetch(item.outputs[0]!.url);
      expect(content.status).toBe(200);
    }
    expect(first!.outputs[0]!.contentType).toBe('image/png');
    expect(second!.outputs[0]!.contentType).toMatch(/^image\/(webp|gif)$/);
    expect(second!.dependsOn).toEqual([0]);
    expect(first!.dependsOn).toBeUndefined();

    // The video was made only after the image was stored, from the image's own bytes.
    const video = await getGeneration(stack.baseUrl, second!.generationId);
    expect(video.kind).toBe('image-to-video');
    const calls = new Map(stack.observer.calls.map((c) => [c.generationId, c]));
    expect(calls.get(second!.generationId)!.start).toBeGreaterThanOrEqual(calls.get(first!.generationId)!.end!);
    const row = await stack.repo.findById(second!.generationId);
    expect(row!.input_images).toEqual([`genflow-upload:uploads/${second!.generationId}/0`]);
    const copy = await stack.storage.get(`uploads/${second!.generationId}/0`);
    const sha256 = createHash('sha256').update(await readBody(copy!.stream)).digest('hex');
    expect(sha256).toBe(first!.outputs[0]!.sha256);
  });

  it('fails the dependent item with DEPENDENCY_FAILED, without calling the provider, when its input fails', async () => {
    const id = await submit([image('a fox', { failWith: 'CONTENT_REJECTED' }), videoFrom(0), image('an independent owl')], { maxConcurrency: 3 });
    const done = await waitForBatch(stack.baseUrl, id);
    expect(done.status).toBe('partially_failed');
    expect(done.items.map((i) => [i.index, i.status, i.error?.code])).toEqual([
      [0, 'failed', 'CONTENT_REJECTED'],
      [1, 'failed', 'DEPENDENCY_FAILED'],
      [2, 'succeeded', undefined],
    ]);
    expect(done.items[1]!.error!.message).toContain('item 0');
    expect(done.items[1]!.outputs).toEqual([]);
    expect(done.counts).toMatchObject({ succeeded: 1, failed: 2, running: 0, queued: 0 });
    const called = stack.observer.calls.map((c) => c.generationId);
    expect(called).not.toContain(done.items[1]!.generationId);
    const failed = await getGeneration(stack.baseUrl, done.items[1]!.generationId);
    expect(failed.error).toMatchObject({ code: 'DEPENDENCY_FAILED', details: { fromItem: 0, status: 'failed', code: 'CONTENT_REJECTED' } });
  });

  it('a canceled batch cancels an item still waiting for its input', async () => {
    const slow = { model: 'local/video', prompt: 'slow', parameters: { durationSeconds: 60, width: 64, height: 64, fps: 1 } };
    // Item 1 takes item 0's output; item 0 is a video (not an image), so it is refused at submit...
    const refused = await postJson(`${stack.baseUrl}/v1/batches`, { requests: [slow, videoFrom(0)] });
    expect(refused.status).toBe(400);
    // ...so the input is a slow image instead: the batch is canceled while item 1 waits for it.
    stack.observer.delayMs = 8_000;
    const id = await submit([image('slow fox'), videoFrom(0)], { maxConcurrency: 2 });
    await waitForBatch(stack.baseUrl, id, (b) => b.counts.running >= 1 && stack.observer.calls.length === 1);
    const res = await postJson(`${stack.baseUrl}/v1/batches/${id}/cancel`, {});
    expect(res.status).toBe(202);
    const done = await waitForBatch(stack.baseUrl, id);
    expect(done.status).toBe('canceled');
    expect(done.items.map((i) => i.status)).toEqual(['canceled', 'canceled']);
    expect(stack.observer.calls).toHaveLength(1);
  });

  describe('validation at submit', () => {
    it('refuses a fromItem that is not an earlier item, or whose item makes no image, naming the item', async () => {
      const cases: Array<[unknown[], RegExp]> = [
        [[image('a'), videoFrom(1)], /^requests\[1\]: inputImages\.0\.fromItem: must be the index of an earlier item/],
        [[image('a'), videoFrom(5)], /^requests\[1\]: inputImages\.0\.fromItem: must be the index of an earlier item/],
        [[videoFrom(0)], /^requests\[0\]: inputImages\.0\.fromItem/],
        [[{ model: 'local/speech', prompt: 'hello' }, videoFrom(0)], /^requests\[1\]: inputImages\.0\.fromItem: item 0 makes text-to-speech output, not an image/],
        [[image('a'), { ...videoFrom(0), inputImages: [{ fromItem: 0, extra: 1 }] }], /^requests\[1\]: inputImages\.0: an input image is a URL/],
        // local/speech takes no input image at all: checked like any input image.
        [[image('a'), { model: 'local/speech', prompt: 'hi', inputImages: [{ fromItem: 0 }] }], /^requests\[1\]: inputImages: model local\/speech accepts at most 0/],
      ];
      for (const [requests, message] of cases) {
        const res = await postJson(`${stack.baseUrl}/v1/batches`, { requests });
        expect(res.status, JSON.stringify(res.body)).toBe(400);
        expect((res.body.error as { message: string }).message).toMatch(message);
        expect((res.body.error as { details: { index: number } }).details.index).toBe(requests.length - 1);
      }
    });

    it('prices a batch with a dependent item in a dry run', async () => {
      const res = await postJson(`${stack.baseUrl}/v1/batches?dryRun=true`, { requests: [image('a'), videoFrom(0)] });
      expect(res.status).toBe(200);
      expect((res.body.items as Array<{ kind: string }>).map((i) => i.kind)).toEqual(['text-to-image', 'image-to-video']);
    });
  });

  it('answers the batch view with outputs on the items listing too', async () => {
    const id = await submit([image('one'), image('two')]);
    await waitForBatch(stack.baseUrl, id);
    const page = await getBatch(stack.baseUrl, id, '?limit=1&cursor=1');
    expect(page.items).toHaveLength(1);
    expect(page.items[0]!.outputs[0]!.url).toMatch(new RegExp(`^${stack.baseUrl}/v1/assets/[0-9a-f-]+/content$`));
  });
});
