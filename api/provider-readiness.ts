import type { ProviderGateway } from '../providers/provider-gateway';
import type { ComponentHealth } from './routes/health';

/**
 * Per-provider state for the readiness answer: a configured provider is usable while one of
 * its keys is active. Unconfigured providers are left out; they were never meant to serve.
 */
export function providerReadiness(providers: ProviderGateway): () => Promise<Record<string, ComponentHealth>> {
  return async () => {
    const out: Record<string, ComponentHealth> = {};
    for (const p of await providers.status()) {
      if (!p.configured) continue;
      const count = (status: string) => p.keys.filter((k) => k.status === status).length;
      const usable = count('active');
      out[p.id] = p.requiresApiKey
        ? { ok: usable > 0, keys: { usable, coolingDown: count('cooling_down'), disabled: count('disabled') }, ...(usable > 0 ? {} : { error: 'no usable API key' }) }
        : { ok: true };
    }
    return out;
  };
}
