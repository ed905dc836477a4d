import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { normalizeRequest } from '../../api/generation-service';
import { GenflowError } from '../../domain/errors';
import { giteeModels } from '../../providers/gitee';
import { huggingfaceModels } from '../../providers/huggingface';
import { jiekouModels } from '../../providers/jiekou';
import { modelscopeModels } from '../../providers/modelscope';
import { builtInCatalogue } from '../../providers/registry';
import { stabilityModels } from '../../providers/stability';
import type { ModelSpec } from '../../providers/types';

// The model tables are the built-in providers' (custom ones join a process's catalogue at start).
const { findModel, listModels } = builtInCatalogue;

const TABLES = [
  ['jiekou', jiekouModels],
  ['gitee', giteeModels],
  ['huggingface', huggingfaceModels],
  ['modelscope', modelscopeModels],
  ['stability', stabilityModels],
] as const;

const byId = (id: string): ModelSpec => findModel(id)!.model;
const price = (id: string, parameters: Record<string, unknown> = {}) => byId(id).price!(byId(id).parameters.parse(parameters), 1);

function refusal(fn: () => unknown): GenflowError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GenflowError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('Jiekou, Gitee, Hugging Face, ModelScope and Stability model tables', () => {
  it('are registered under their provider, each with a JSON Schema for /v1/models', () => {
    for (const [provider, models] of TABLES) {
      expect(models.length).toBeGreaterThan(0);
      for (const model of models) {
        expect(model.id.startsWith(`${provider}/`)).toBe(true);
        expect(findModel(model.id)?.provider.id).toBe(provider);
        expect(() => z.toJSONSchema(model.parameters, { io: 'input', unrepresentable: 'any' })).not.toThrow();
      }
    }
    expect(new Set(listModels().map((m) => m.model.id)).size).toBe(listModels().length);
  });

  it('every video model declares its normalised values and takes them through its schema', () => {
    const videos = TABLES.flatMap(([, models]) => models).filter((m) => m.kinds.some((k) => k.endsWith('-to-video')));
    expect(videos.map((m) => m.id).sort()).toEqual(['gitee/wan2.1-i2v', 'gitee/wan2.1-t2v', 'jiekou/sora-2']);
    for (const model of videos) {
      expect(model.video, model.id).toBeDefined();
      expect(model.parameters.parse({})).toMatchObject({ durationSeconds: model.video!.durationsSeconds[0] });
    }
  });

  it('refuses what a model cannot make, naming what it can', () => {
    const sora = refusal(() => normalizeRequest({ model: 'jiekou/sora-2', prompt: 'x', parameters: { resolution: '1080p' } }));
    expect([sora.code, sora.details]).toEqual(['UNSUPPORTED_CAPABILITY', { parameter: 'resolution', requested: '1080p', allowed: ['480p'] }]);
    // The image-to-video model follows its input image's shape: an aspect ratio is not for it to take.
    const wan = refusal(() => normalizeRequest({ model: 'gitee/wan2.1-i2v', prompt: 'x', inputImages: ['https://example.com/a.png'], parameters: { aspectRatio: '1:1' } }));
    expect([wan.code, wan.message]).toEqual(['UNSUPPORTED_CAPABILITY', 'gitee/wan2.1-i2v does not take aspectRatio']);
  });

  it('declare how input images travel: by URL where the provider downloads them, as bytes elsewhere', () => {
    expect(byId('jiekou/sora-2').inputImages).toEqual({ mode: 'url', max: 1 });
    expect(byId('modelscope/qwen-image-edit').inputImages).toEqual({ mode: 'url', max: 1 });
    expect(byId('stability/upscale-fast').inputImages.mode).toBe('base64');
    expect(byId('huggingface/space-flux-1-kontext').inputImages).toEqual({ mode: 'base64', max: 1 });
  });

  it('price Stability from its credit list and ModelScope as free', () => {
    expect(price('stability/stable-image-ultra')).toBeCloseTo(0.08);
    expect(price('stability/stable-image-core')).toBeCloseTo(0.03);
    expect(price('stability/sd3.5-large')).toBeCloseTo(0.065);
    expect(price('stability/upscale-creative')).toBeCloseTo(0.6);
    expect(price('modelscope/qwen-image')).toBe(0);
  });

  it('enforce the providers’ limits in the schema', () => {
    const rejects = (id: string, parameters: Record<string, unknown>) => expect(byId(id).parameters.safeParse(parameters).success, `${id} ${JSON.stringify(parameters)}`).toBe(false);
    rejects('modelscope/flux-1-krea-dev', { size: '2048x2048' });
    rejects('stability/sd3.5-medium', { output_format: 'webp' });
    rejects('stability/upscale-conservative', { creativity: 0.1 });
    rejects('huggingface/flux-1-schnell', { width: 1001 });
    rejects('gitee/z-image-turbo', { num_inference_steps: 30 });
  });
});
