import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../domain/errors';
import { checkAnswer, issuePath } from '../../providers/core/call';
import { falProvider } from '../../providers/fal';
import { klingProvider } from '../../providers/kling';
import { polloProvider } from '../../providers/pollo';
import { providerSettings } from '../../providers/settings';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the provider core', () => {
  it('names a mismatching field by its path, with the status, and keeps the body out of the message', () => {
    const schema = z.looseObject({ data: z.looseObject({ items: z.array(z.looseObject({ url: z.string() })) }) });
    let err: unknown;
    try {
      checkAnswer('acme', schema, { data: { items: [{ url: 'https://x' }, { url: 'sk-secret-looking-value'.length }] } }, { status: 200, text: '{"token":"sk-secret"}' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProviderError);
    const e = err as ProviderError;
    expect(e.code).toBe('PROVIDER_ERROR');
    expect(e.retryable).toBe(false);
    expect(e.message).toMatch(/^acme answered 200 with an unexpected body: data\.items\[1\]\.url: /);
    expect(e.message).not.toContain('sk-secret');
    expect(issuePath([])).toBe('(body)');
  });

  it('extra fields never fail a lenient schema', () => {
    const schema = z.looseObject({ id: z.string() });
    expect(checkAnswer('acme', schema, { id: 'a', added_later: { anything: [1, 2] } }, { status: 200 })).toMatchObject({ id: 'a' });
  });

  it("a provider's declared settings come from GENFLOW_<P>_<NAME>, trimmed; undeclared ones are not handed over", () => {
    const env = { GENFLOW_FAL_WEBHOOK_URL: ' https://hooks.example/fal ', GENFLOW_FAL_OTHER: 'x', GENFLOW_KLING_CALLBACK_URL: 'https://hooks.example/kling' };
    expect(providerSettings(falProvider, env).extra).toEqual({ WEBHOOK_URL: 'https://hooks.example/fal' });
    expect(providerSettings(klingProvider, env).extra).toEqual({ CALLBACK_URL: 'https://hooks.example/kling' });
    expect(providerSettings(polloProvider, env).extra).toEqual({});
  });

  it('no provider reads process.env itself: settings reach adapters through the injected environment', () => {
    const root = join(__dirname, '../../providers');
    // settings.ts is where the environment is read (it is handed the env, process.env only as the fallback for one global flag).
    const readers = sources(root).filter((f) => !f.endsWith('settings.ts') && readFileSync(f, 'utf8').includes('process.env'));
    expect(readers).toEqual([]);
  });
});
