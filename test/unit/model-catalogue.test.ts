import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { resolveModelSelection } from '../../providers/model-selection';
import { builtInCatalogue, catalogueWith } from '../../providers/registry';
import { createProviderGateway } from '../../providers/provider-gateway';
import type { Provider } from '../../providers/types';

/** A declared provider with one text-to-image model, as GENFLOW_CUSTOM_PROVIDERS would give. */
function customProvider(id: string): Provider {
  return {
    id,
    displayName: id,
    custom: true,
    requiresApiKey: false,
    models: [{
      id: `${id}/fast`,
      kinds: ['text-to-image'],
      description: 'test',
      parameters: z.object({}),
      inputImages: { mode: 'url', max: 0 },
      async: false,
      expectedDurationSeconds: 1,
      maxDurationSeconds: 10,
    }],
    createAdapter: () => ({ submit: () => Promise.resolve({ status: 'pending', taskId: 't' }), poll: () => Promise.resolve({ status: 'running' }) }),
  };
}

describe('the model catalogue', () => {
  it('holds the custom providers it was built with, and no other catalogue sees them', () => {
    const acme = catalogueWith([customProvider('acme')]);
    const other = catalogueWith([customProvider('other')]);
    expect(acme.findModel('acme/fast')?.provider.id).toBe('acme');
    expect(acme.modelsOfKind('text-to-image').map((e) => e.model.id)).toContain('acme/fast');
    // Built once per process and handed down: building one never changes another.
    expect(other.findModel('acme/fast')).toBeUndefined();
    expect(builtInCatalogue.findModel('acme/fast')).toBeUndefined();
    expect(Object.keys(builtInCatalogue.providers)).not.toContain('acme');
    expect(acme.findModel('local/image')?.provider.id).toBe('local');
  });

  it('refuses a custom provider that would replace a built-in one', () => {
    expect(() => catalogueWith([customProvider('openai')])).toThrow(/custom provider 'openai' would replace the built-in provider/);
  });

  it('is what the model selection and the provider gateway check and call', async () => {
    const acme = catalogueWith([customProvider('acme')]);
    expect(resolveModelSelection({ GENFLOW_DEFAULT_MODELS: 'text-to-image=acme/fast' }, acme).defaults['text-to-image']).toBe('acme/fast');
    expect(() => resolveModelSelection({ GENFLOW_DEFAULT_MODELS: 'text-to-image=acme/fast' })).toThrow(/acme\/fast: no such model/);
    const gateway = createProviderGateway({ catalogue: acme, dataDir: '/nonexistent', env: {} });
    expect(gateway.catalogue).toBe(acme);
    expect((await gateway.status()).map((p) => p.id)).toContain('acme');
    const builtIn = createProviderGateway({ dataDir: '/nonexistent', env: {} });
    expect((await builtIn.status()).map((p) => p.id)).not.toContain('acme');
  });
});
