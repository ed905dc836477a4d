import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { IMAGE_ASPECT_RATIOS, sizeForAspectRatio } from '../../providers/core/aspect-ratio';
import { builtInCatalogue } from '../../providers/registry';

// The model tables are the built-in providers' (custom ones join a process's catalogue at start).
const { listModels } = builtInCatalogue;

const S0_PROVIDERS = new Set(['gitee', 'huggingface', 'modelscope']);

describe("S0's common aspectRatio (providers/core/aspect-ratio.ts)", () => {
  it('maps each ratio to about a megapixel in multiples of 16, in that shape', () => {
    const sizes = Object.fromEntries(IMAGE_ASPECT_RATIOS.map((r) => [r, sizeForAspectRatio(r, { base: 1024, maxSide: 2048 })]));
    expect(sizes).toEqual({
      '1:1': { width: 1024, height: 1024 },
      '4:3': { width: 1184, height: 896 },
      '3:4': { width: 896, height: 1184 },
      '3:2': { width: 1248, height: 832 },
      '2:3': { width: 832, height: 1248 },
      '16:9': { width: 1360, height: 768 },
      '9:16': { width: 768, height: 1360 },
    });
    for (const [ratio, { width, height }] of Object.entries(sizes)) {
      const [w, h] = ratio.split(':').map(Number) as [number, number];
      expect(Math.abs(width / height - w / h) / (w / h), ratio).toBeLessThan(0.02);
      expect(Math.abs((width * height) / 1024 ** 2 - 1), ratio).toBeLessThan(0.05);
    }
  });

  it("fits the long side within the model's largest, keeping the shape", () => {
    expect(sizeForAspectRatio('16:9', { base: 1024, maxSide: 1024 })).toEqual({ width: 1024, height: 576 });
    expect(sizeForAspectRatio('2:3', { base: 1024, maxSide: 1024 })).toEqual({ width: 688, height: 1024 });
    expect(sizeForAspectRatio('1:1', { base: 1024, maxSide: 1024 })).toEqual({ width: 1024, height: 1024 });
    expect(sizeForAspectRatio('4:3', { base: 512, maxSide: 2048, multiple: 8 })).toEqual({ width: 592, height: 448 });
  });

  it('every text-to-image model of Gitee AI, Hugging Face and ModelScope lists the same seven values in /v1/models, and refuses aspectRatio with an explicit size', () => {
    const models = listModels().filter((e) => S0_PROVIDERS.has(e.provider.id) && e.model.kinds.includes('text-to-image'));
    expect(models.length).toBeGreaterThanOrEqual(8);
    for (const { model } of models) {
      const schema = z.toJSONSchema(model.parameters, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, { enum?: string[] }> };
      expect(schema.properties.aspectRatio?.enum, model.id).toEqual([...IMAGE_ASPECT_RATIOS]);
      expect(model.parameters.safeParse({ aspectRatio: '16:9' }).success, model.id).toBe(true);
      expect(model.parameters.safeParse({ aspectRatio: '5:4' }).success, model.id).toBe(false);
      const explicit = 'size' in schema.properties ? { size: '1024x768' } : { width: 1024 };
      const both = model.parameters.safeParse({ aspectRatio: '16:9', ...explicit });
      expect(both.success, model.id).toBe(false);
      expect(both.error?.issues[0]?.message, model.id).toContain('not both');
    }
  });
});
