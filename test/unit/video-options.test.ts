import { describe, expect, it } from 'vitest';
import { normalizeRequest } from '../../api/generation-service';
import { GenflowError } from '../../domain/errors';
import { builtInCatalogue } from '../../providers/registry';

// The model tables are the built-in providers' (custom ones join a process's catalogue at start).
const { listModels } = builtInCatalogue;

function refusal(fn: () => unknown): GenflowError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GenflowError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('normalised video parameters', () => {
  it('a duration the model cannot make is refused with the allowed values, not rounded', () => {
    const err = refusal(() => normalizeRequest({ model: 'google/veo-3.1', prompt: 'a wave', parameters: { durationSeconds: 5 } }));
    expect(err.code).toBe('UNSUPPORTED_CAPABILITY');
    expect(err.message).toContain('4, 6, 8');
    expect(err.details).toMatchObject({ parameter: 'durationSeconds', requested: 5, allowed: [4, 6, 8] });
  });

  it('an aspect ratio outside the list names the allowed ones', () => {
    const err = refusal(() => normalizeRequest({ model: 'google/veo-3', prompt: 'a wave', parameters: { aspectRatio: '1:1' } }));
    expect(err.code).toBe('UNSUPPORTED_CAPABILITY');
    expect(err.details).toMatchObject({ parameter: 'aspectRatio', allowed: ['16:9', '9:16'] });
  });

  it('allowed values pass, and defaults fill in what was left out', () => {
    const { request } = normalizeRequest({ model: 'google/veo-3.1', prompt: 'a wave', parameters: { durationSeconds: 4 } });
    expect(request.parameters).toMatchObject({ durationSeconds: 4, aspectRatio: '16:9', resolution: '720p' });
  });

  it("every model's declared values are accepted by its own parameter schema", () => {
    const videoModels = listModels().filter(({ model }) => model.video);
    expect(videoModels.length).toBeGreaterThan(0);
    for (const { model } of videoModels) {
      for (const durationSeconds of model.video!.durationsSeconds) {
        expect(model.parameters.safeParse({ durationSeconds }).success, `${model.id} ${durationSeconds}s`).toBe(true);
      }
      for (const aspectRatio of model.video!.aspectRatios ?? []) {
        expect(model.parameters.safeParse({ aspectRatio }).success, `${model.id} ${aspectRatio}`).toBe(true);
      }
    }
  });
});
