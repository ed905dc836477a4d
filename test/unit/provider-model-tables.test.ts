import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { bflModels } from '../../providers/bfl';
import { openaiModels } from '../../providers/openai';
import { builtInCatalogue } from '../../providers/registry';
import { replicateModels } from '../../providers/replicate';
import type { ModelSpec } from '../../providers/types';

// The model tables are the built-in providers' (custom ones join a process's catalogue at start).
const { findModel, listModels } = builtInCatalogue;

const byId = (models: readonly ModelSpec[], id: string): ModelSpec => models.find((m) => m.id === id)!;
const price = (model: ModelSpec, parameters: Record<string, unknown>, n = 1) => model.price!(model.parameters.parse(parameters), n);

describe('OpenAI, Replicate and BFL model tables', () => {
  it('are registered, ids prefixed by their provider, each with a JSON Schema for /v1/models', () => {
    for (const [provider, models] of [['openai', openaiModels], ['replicate', replicateModels], ['bfl', bflModels]] as const) {
      for (const model of models) {
        expect(model.id.startsWith(`${provider}/`)).toBe(true);
        expect(findModel(model.id)?.provider.id).toBe(provider);
        expect(() => z.toJSONSchema(model.parameters, { io: 'input', unrepresentable: 'any' })).not.toThrow();
      }
    }
    expect(new Set(listModels().map((m) => m.model.id)).size).toBe(listModels().length);
  });

  it('apply the providers’ defaults', () => {
    expect(byId(openaiModels, 'openai/dall-e-3').parameters.parse({})).toEqual({ size: '1024x1024', quality: 'standard', style: 'vivid', response_format: 'url' });
    expect(byId(bflModels, 'bfl/flux-pro-1.1').parameters.parse({})).toMatchObject({ width: 1024, height: 768, safety_tolerance: 2, output_format: 'jpeg' });
    expect(byId(replicateModels, 'replicate/black-forest-labs/flux-schnell').parameters.parse({})).toMatchObject({ aspect_ratio: '1:1', num_inference_steps: 4 });
  });

  it('enforce the real limits', () => {
    const rejects = (model: ModelSpec, parameters: Record<string, unknown>) => expect(model.parameters.safeParse(parameters).success).toBe(false);
    rejects(byId(openaiModels, 'openai/gpt-image-1'), { background: 'transparent', output_format: 'jpeg' });
    rejects(byId(openaiModels, 'openai/gpt-image-1'), { output_compression: 50 }); // png takes no compression
    rejects(byId(openaiModels, 'openai/dall-e-3'), { size: '512x512' });
    rejects(byId(openaiModels, 'openai/dall-e-2'), { style: 'vivid' });
    rejects(byId(bflModels, 'bfl/flux-pro-1.1'), { width: 1000 }); // not a multiple of 32
    rejects(byId(bflModels, 'bfl/flux-pro-1.1'), { height: 1472 });
    rejects(byId(bflModels, 'bfl/flux-kontext-pro'), { aspect_ratio: '3:1' });
    expect(byId(bflModels, 'bfl/flux-kontext-pro').parameters.safeParse({ aspect_ratio: '21:9' }).success).toBe(true);
    rejects(byId(replicateModels, 'replicate/black-forest-labs/flux-1.1-pro'), { width: 512, height: 512 }); // needs aspect_ratio custom
    rejects(byId(replicateModels, 'replicate/black-forest-labs/flux-schnell'), { num_inference_steps: 5 });
    expect(byId(openaiModels, 'openai/dall-e-3').inputImages.max).toBe(0);
    expect(byId(openaiModels, 'openai/gpt-image-1').inputImages.max).toBe(16);
    expect(byId(bflModels, 'bfl/flux-kontext-max').inputImages.max).toBe(4);
  });

  it('price requests from the public price lists', () => {
    expect(price(byId(openaiModels, 'openai/dall-e-3'), { quality: 'hd', size: '1792x1024' })).toBeCloseTo(0.12);
    expect(price(byId(openaiModels, 'openai/dall-e-3'), {})).toBeCloseTo(0.04);
    expect(price(byId(openaiModels, 'openai/dall-e-2'), { size: '512x512' }, 3)).toBeCloseTo(0.054);
    expect(price(byId(openaiModels, 'openai/gpt-image-1'), { quality: 'high', size: '1024x1536' }, 2)).toBeCloseTo(0.5);
    expect(price(byId(openaiModels, 'openai/gpt-image-1'), { quality: 'low' })).toBeCloseTo(0.011);
    expect(price(byId(replicateModels, 'replicate/black-forest-labs/flux-schnell'), {}, 4)).toBeCloseTo(0.012);
    expect(price(byId(replicateModels, 'replicate/minimax/video-01'), {})).toBeCloseTo(0.5);
    expect(price(byId(bflModels, 'bfl/flux-kontext-max'), {})).toBeCloseTo(0.08);
    const chat = byId(openaiModels, 'openai/gpt-4o-mini');
    expect(price(chat, { maxTokens: 2000 })).toBeGreaterThan(price(chat, { maxTokens: 100 }));
  });
});
