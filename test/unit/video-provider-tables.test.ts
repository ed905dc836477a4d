import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { builtInCatalogue } from '../../providers/registry';

// The model tables are the built-in providers' (custom ones join a process's catalogue at start).
const { findModel, listModels } = builtInCatalogue;

const PROVIDERS = ['fal', 'kling', 'runway', 'pollo', 'tuzi', 'kie'];
const isVideo = (kinds: readonly string[]) => kinds.some((k) => k.endsWith('-to-video'));

describe('fal, Kling, Runway, Pollo, TuZi and Kie model tables', () => {
  const entries = listModels().filter(({ provider }) => PROVIDERS.includes(provider.id));

  it('are registered under their provider, each with a JSON Schema for /v1/models', () => {
    for (const provider of PROVIDERS) expect(entries.some((e) => e.provider.id === provider), provider).toBe(true);
    for (const { provider, model } of entries) {
      expect(model.id.startsWith(`${provider.id}/`)).toBe(true);
      expect(findModel(model.id)?.provider.id).toBe(provider.id);
      expect(() => z.toJSONSchema(model.parameters, { io: 'input', unrepresentable: 'any' })).not.toThrow();
    }
  });

  it('every video model declares its allowed values and takes them under the normalised names only', () => {
    const videos = entries.filter(({ model }) => isVideo(model.kinds));
    expect(videos.length).toBeGreaterThanOrEqual(12);
    for (const { model } of videos) {
      // A model that continues or cleans a video that already exists (Kie's extend and watermark
      // remover) takes that video's length as it is: it names the source and chooses no length.
      const schema = z.toJSONSchema(model.parameters, { io: 'input', unrepresentable: 'any' }) as { properties?: object; required?: string[] };
      if (model.sourceTask !== undefined || schema.required?.some((f) => f === 'taskId' || f === 'video_url')) {
        expect(model.video, model.id).toBeUndefined();
        expect(Object.keys(schema.properties ?? {}), model.id).not.toContain('durationSeconds');
        continue;
      }
      expect(model.video, model.id).toBeDefined();
      const defaults = model.parameters.parse({});
      expect(model.video!.durationsSeconds, model.id).toContain(defaults.durationSeconds);
      // The provider's own names for these are not accepted: one way to say a length.
      for (const wire of ['duration', 'n_frames', 'length', 'quality', 'aspect_ratio', 'ratio', 'mode']) {
        expect(model.parameters.safeParse({ [wire]: defaults.durationSeconds }).success, `${model.id} ${wire}`).toBe(false);
      }
    }
  });
});
