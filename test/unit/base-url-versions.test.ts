import { describe, expect, it } from 'vitest';
import { bflProvider } from '../../providers/bfl';
import { elevenlabsProvider } from '../../providers/elevenlabs';
import { falProvider } from '../../providers/fal';
import { openaiProvider } from '../../providers/openai';
import { replicateProvider } from '../../providers/replicate';
import { runwayProvider } from '../../providers/runway';
import { stabilityProvider } from '../../providers/stability';
import { envPrefix, providerSettings } from '../../providers/settings';
import type { Provider } from '../../providers/types';

/**
 * The base URL forms the README's provider sections promise: each provider's URL as its docs
 * write it (with the version segment) and without it both reach the same place, and a proxy's
 * URL keeps its own path. fal has no version segment: its queue host is the base.
 */
const cases: Array<[Provider, string, string]> = [
  [openaiProvider, 'https://api.openai.com/v1', 'https://api.openai.com'],
  [stabilityProvider, 'https://api.stability.ai/v2beta', 'https://api.stability.ai'],
  [bflProvider, 'https://api.bfl.ai/v1', 'https://api.bfl.ai'],
  [replicateProvider, 'https://api.replicate.com/v1', 'https://api.replicate.com'],
  [runwayProvider, 'https://api.dev.runwayml.com/v1', 'https://api.dev.runwayml.com'],
  [elevenlabsProvider, 'https://api.elevenlabs.io/v1', 'https://api.elevenlabs.io'],
];

const baseUrl = (provider: Provider, value?: string) => providerSettings(provider, value === undefined ? {} : { [`${envPrefix(provider.id)}BASE_URL`]: value }).baseUrl;

describe('base URL forms of openai, stability, bfl, replicate, runway, elevenlabs and fal', () => {
  it.each(cases.map(([provider, documented, bare]) => [provider.id, provider, documented, bare] as const))('%s: the documented form with its version segment, without it, and with a trailing slash are one base', (_id, provider, documented, bare) => {
    expect(baseUrl(provider)).toBe(bare);
    expect(baseUrl(provider, documented)).toBe(bare);
    expect(baseUrl(provider, `${documented}/`)).toBe(bare);
    expect(baseUrl(provider, bare)).toBe(bare);
    expect(baseUrl(provider, 'https://proxy.example/openai-like')).toBe('https://proxy.example/openai-like');
  });

  it('fal: the queue host, no version segment to strip', () => {
    expect(falProvider.baseUrlVersion).toBeUndefined();
    expect(baseUrl(falProvider)).toBe('https://queue.fal.run');
    expect(baseUrl(falProvider, 'https://queue.fal.run/')).toBe('https://queue.fal.run');
  });
});
