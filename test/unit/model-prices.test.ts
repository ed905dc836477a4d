import { describe, expect, it } from 'vitest';
import { describePrice, estimateCost } from '../../providers/pricing';
import { builtInCatalogue } from '../../providers/registry';
import type { ModelEntry } from '../../providers/catalogue';

// The model tables are the built-in providers' (custom ones join a process's catalogue at start).
const { findModel, listModels } = builtInCatalogue;

const entry = (id: string): ModelEntry => findModel(id)!;
const builtIn = () => listModels().filter((e) => !e.provider.custom);
/** What the API would record for a request, parameters parsed by the model's schema. */
const cost = (id: string, parameters: Record<string, unknown> = {}, prompt = 'a lighthouse', n = 1) => {
  const e = entry(id);
  return estimateCost(e, { model: id, kind: e.model.kinds[0]!, prompt, parameters: e.model.parameters.parse(parameters), inputImages: [], numberOfOutputs: n });
};

describe('model prices', () => {
  it('every built-in model has a price rule, and one that costs nothing says why', () => {
    const missing = builtIn().filter((e) => !e.model.price).map((e) => e.model.id);
    expect(missing).toEqual([]);
    for (const { model } of builtIn()) {
      const price = describePrice(model.price!);
      if (price.unit === 'free') {
        expect(price.usd).toBe(0);
        expect(price.notes?.length, model.id).toBeGreaterThan(10);
      } else {
        expect(price.usd, model.id).toBeGreaterThan(0);
      }
    }
  });

  it('the rule shown matches the estimate at the default parameters', () => {
    const prompt = 'x'.repeat(1000);
    for (const { model } of builtIn()) {
      const defaults = model.parameters.safeParse({});
      if (!defaults.success) continue;
      const p = defaults.data;
      const price = model.price!;
      const estimate = price(p, 1, { prompt });
      const duration = typeof p.durationSeconds === 'number' ? p.durationSeconds : NaN;
      const expected = {
        image: price.usd,
        output: price.usd,
        request: price.usd,
        second: price.usd * duration,
        character: price.usd * 1000,
        free: 0,
        token: estimate, // a token estimate depends on the reply cap; shown as the output-token rate
      }[price.unit];
      expect(estimate, model.id).toBeCloseTo(expected, 3);
    }
  });

  it('ElevenLabs bills per character of the text: $0.10 per 1,000, Flash and Turbo half that', () => {
    const thousand = 'a'.repeat(1000);
    expect(cost('elevenlabs/multilingual-v2', {}, thousand)).toBeCloseTo(0.1);
    expect(cost('elevenlabs/v3', {}, thousand)).toBeCloseTo(0.1);
    expect(cost('elevenlabs/flash-v2.5', {}, thousand)).toBeCloseTo(0.05);
    expect(cost('elevenlabs/turbo-v2.5', {}, thousand)).toBeCloseTo(0.05);
    // Characters, not UTF-16 units or bytes: 你好 is two.
    expect(cost('elevenlabs/multilingual-v2', {}, '你好')).toBeCloseTo(0.0002, 6);
    expect(cost('elevenlabs/multilingual-v2', {}, 'x'.repeat(4000))).toBeGreaterThan(cost('elevenlabs/multilingual-v2', {}, 'x'.repeat(40)));
  });

  it('the models that used to cost nothing now have their price', () => {
    expect(cost('pollo/veo3')).toBeCloseTo(3.2);
    expect(cost('pollo/veo3', { generateAudio: false })).toBeCloseTo(1.6);
    expect(cost('pollo/kling-v2.1', { durationSeconds: 10 })).toBeCloseTo(0.42);
    expect(cost('jiekou/sora-2', { durationSeconds: 15 })).toBeCloseTo(0.15);
    expect(cost('gitee/qwen-image')).toBeCloseTo(0.0347, 4);
    expect(cost('gitee/wan2.1-i2v')).toBeCloseTo(0.486, 2);
    expect(cost('gitee/wan2.1-t2v')).toBeLessThan(cost('gitee/wan2.1-i2v'));
    expect(cost('huggingface/flux-1-schnell')).toBeCloseTo(0.003);
    expect(cost('huggingface/sdxl')).toBeGreaterThan(0);
    // Public Spaces and ModelScope are free, and say so.
    expect(cost('huggingface/space-flux-1-schnell')).toBe(0);
    const space = describePrice(entry('huggingface/space-flux-1-kontext').model.price!);
    expect([space.unit, space.notes]).toEqual(['free', expect.stringContaining('ZeroGPU') as string]);
    const modelscope = describePrice(entry('modelscope/qwen-image').model.price!);
    expect([modelscope.unit, modelscope.notes]).toEqual(['free', expect.stringContaining('quota') as string]);
  });

  it('describes tiers where parameters change the price', () => {
    const dallE3 = describePrice(entry('openai/dall-e-3').model.price!);
    expect([dallE3.unit, dallE3.usd]).toEqual(['image', 0.04]);
    expect(dallE3.tiers).toContainEqual({ when: 'quality=hd, size=1024x1024', usd: 0.08 });
    expect(describePrice(entry('kling/kling-v2.5-turbo').model.price!)).toMatchObject({ unit: 'second', usd: 0.07 });
    const local = JSON.parse(JSON.stringify(describePrice(entry('local/image').model.price!))) as Record<string, unknown>;
    expect(Object.keys(local).sort()).toEqual(['notes', 'unit', 'usd']);
  });
});
