import type { Provider } from './types';

/** `openai` → `GENFLOW_OPENAI_`, `black-forest-labs` → `GENFLOW_BLACK_FOREST_LABS_`. */
export function envPrefix(providerId: string): string {
  return `GENFLOW_${providerId.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_`;
}

export interface ProviderSettings {
  baseUrl: string;
  apiKeys: string[];
}

/**
 * A provider's settings from the environment: `GENFLOW_<P>_BASE_URL`, and its key pool from
 * `GENFLOW_<P>_API_KEYS=k1,k2` or the single-key `GENFLOW_<P>_API_KEY`.
 */
export function providerSettings(provider: Provider, env: Record<string, string | undefined>): ProviderSettings {
  const prefix = envPrefix(provider.id);
  const baseUrl = (env[`${prefix}BASE_URL`]?.trim() || provider.defaultBaseUrl || '').replace(/\/+$/, '');
  const list = env[`${prefix}API_KEYS`] ?? env[`${prefix}API_KEY`] ?? '';
  const apiKeys = [...new Set(list.split(',').map((k) => k.trim()).filter(Boolean))];
  return { baseUrl, apiKeys };
}
