import type { Provider } from './types';

/** `openai` → `GENFLOW_OPENAI_`, `black-forest-labs` → `GENFLOW_BLACK_FOREST_LABS_`. */
export function envPrefix(providerId: string): string {
  return `GENFLOW_${providerId.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_`;
}

export interface ProviderSettings {
  baseUrl: string;
  apiKeys: string[];
  /** The provider's declared settings (`Provider.settings`) that are set, trimmed. */
  extra: Record<string, string>;
}

/**
 * The one place a base URL is normalised, wherever it came from (environment, config API,
 * default): no trailing slash, and without the version segment the provider's docs put at the
 * end of it (`https://api.openai.com/v1` → `https://api.openai.com`), since the adapters' paths
 * start with that segment. Both forms work; neither yields `/v1/v1/…`.
 */
export function normaliseBaseUrl(provider: Pick<Provider, 'baseUrlVersion'>, url: string): string {
  const trimmed = url.trim().replace(/\/+$/, '');
  const version = provider.baseUrlVersion;
  if (version && trimmed.toLowerCase().endsWith(version.toLowerCase())) return trimmed.slice(0, -version.length);
  return trimmed;
}

/**
 * A provider's settings from the environment: `GENFLOW_<P>_BASE_URL`, and its key pool from
 * `GENFLOW_<P>_API_KEYS=k1,k2` or the single-key `GENFLOW_<P>_API_KEY`, and the provider's own
 * declared settings (`GENFLOW_FAL_WEBHOOK_URL`).
 */
export function providerSettings(provider: Provider, env: Record<string, string | undefined>): ProviderSettings {
  const prefix = envPrefix(provider.id);
  const baseUrl = normaliseBaseUrl(provider, env[`${prefix}BASE_URL`]?.trim() || provider.defaultBaseUrl || '');
  const list = env[`${prefix}API_KEYS`] ?? env[`${prefix}API_KEY`] ?? '';
  const apiKeys = [...new Set(list.split(',').map((k) => k.trim()).filter(Boolean))];
  const extra: Record<string, string> = {};
  for (const name of provider.settings ?? []) {
    const value = env[`${prefix}${name}`]?.trim();
    if (value) extra[name] = value;
  }
  return { baseUrl, apiKeys, extra };
}

const ALLOW_PRIVATE = 'GENFLOW_ALLOW_PRIVATE_PROVIDER_URLS';

/**
 * `GENFLOW_ALLOW_PRIVATE_PROVIDER_URLS=1`: provider base URLs may be loopback or private
 * addresses (test fakes on 127.0.0.1, on-premise gateways). Read from the settings given, else
 * from the process (in a deployment both are process.env; a test that hands a gateway a few
 * variables of its own still runs under the suite's setting unless it names this one).
 */
export function privateProviderUrlsAllowed(env: Record<string, string | undefined>): boolean {
  const value = Object.hasOwn(env, ALLOW_PRIVATE) ? env[ALLOW_PRIVATE] : process.env[ALLOW_PRIVATE];
  return value === '1' || value?.toLowerCase() === 'true';
}
