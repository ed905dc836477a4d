import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { builtInCatalogue } from '../../providers/registry';

// The model tables are the built-in providers' (custom ones join a process's catalogue at start).
const { listModels } = builtInCatalogue;

// One name for one idea: a client that upscales ×2 sends `scale: 2` to every upscaler that takes
// a factor, whatever the provider calls it on its wire (README "Providers").
describe('upscale factors', () => {
  const upscalers = listModels().filter(({ model }) => model.kinds.includes('upscale'));

  it('every upscaler that takes a factor names it scale, and offers ×2 and ×4 when it offers a choice', () => {
    expect(upscalers.length).toBeGreaterThanOrEqual(8);
    for (const { model } of upscalers) {
      const schema = z.toJSONSchema(model.parameters, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown> };
      const names = Object.keys(schema.properties ?? {});
      for (const other of ['outscale', 'upscaleFactor', 'upscale_factor', 'factor', 'scale_factor']) expect(names, model.id).not.toContain(other);
      if (!names.includes('scale')) continue;
      expect(model.parameters.safeParse({ scale: 2 }).success, `${model.id} ×2`).toBe(true);
      expect(model.parameters.safeParse({ scale: 4 }).success, `${model.id} ×4`).toBe(true);
    }
  });
});
