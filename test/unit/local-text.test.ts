import { describe, expect, it } from 'vitest';
import type { GenerationRequest } from '../../domain/generation';
import { createLocalAdapter, localProvider } from '../../providers/local';

const adapter = createLocalAdapter({ dataDir: '/nonexistent' });
const spec = localProvider.models.find((m) => m.id === 'local/text')!;

function request(prompt: string, parameters: Record<string, unknown> = {}, numberOfOutputs = 1): GenerationRequest {
  return { model: 'local/text', kind: 'text-to-text', prompt, parameters: spec.parameters.parse(parameters), inputImages: [], numberOfOutputs };
}

async function texts(req: GenerationRequest): Promise<string[]> {
  const result = await adapter.submit(req, { generationId: 'g', attempt: 1 });
  if (result.status !== 'succeeded') throw new Error('expected a sync result');
  return result.outputs.map((o) => {
    if (o.type !== 'bytes') throw new Error('expected bytes');
    expect(o.contentType).toBe('text/plain; charset=utf-8');
    return o.data.toString('utf8');
  });
}

describe('local/text: the built-in prompt rewriter', () => {
  it('is a sync text-to-text model', () => {
    expect(spec).toMatchObject({ kinds: ['text-to-text'], async: false });
  });

  it('keeps the prompt and adds the style lead and the asked number of descriptors', async () => {
    const [text] = await texts(request('  a red fox   in the snow. ', { descriptors: 2 }));
    expect(text?.startsWith('a red fox in the snow, professional photograph, ')).toBe(true);
    expect(text?.split(', ')).toHaveLength(4);
  });

  it('is deterministic for prompt and seed, and differs across seeds and outputs', async () => {
    const a = await texts(request('a lighthouse at dusk', { seed: 1 }));
    const b = await texts(request('a lighthouse at dusk', { seed: 1 }));
    expect(a).toEqual(b);
    const variants = await texts(request('a lighthouse at dusk', { seed: 1, descriptors: 4 }, 4));
    expect(new Set(variants).size).toBeGreaterThan(1);
  });

  it('follows a style named in the system prompt', async () => {
    const [text] = await texts(request('a city street', { systemPrompt: 'Make it CINEMATIC please' }));
    expect(text).toContain('cinematic film still');
  });
});
