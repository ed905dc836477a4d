import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ProviderError } from '../../domain/errors';
import { providerFetch } from '../http';
import type { ProviderEnv } from '../types';
import { VERTEX_PROVIDER_ID } from './constants';

/** The one OAuth scope Vertex AI takes (Google's service-account docs: "cloud-platform"). */
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
export const DEFAULT_TOKEN_URI = 'https://oauth2.googleapis.com/token';
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Google issues tokens for at most an hour; the JWT asks for exactly that. */
const ASSERTION_LIFETIME_S = 3600;
/** A token is replaced this long before it expires, so no call goes out with one about to lapse. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/** The fields of a service-account JSON key file the token exchange needs. */
const ServiceAccountKey = z.looseObject({
  type: z.literal('service_account'),
  client_email: z.string().min(1),
  private_key: z.string().min(1),
  private_key_id: z.string().optional(),
  project_id: z.string().optional(),
  token_uri: z.url().optional(),
});
export type ServiceAccountKey = z.infer<typeof ServiceAccountKey>;

const TokenAnswer = z.looseObject({ access_token: z.string().min(1), expires_in: z.number().positive(), token_type: z.string().optional() });
const TokenError = z.looseObject({ error: z.string().optional(), error_description: z.string().optional() });

function notConfigured(what: string): ProviderError {
  return new ProviderError('AUTHENTICATION_FAILED', `${VERTEX_PROVIDER_ID}: ${what}`, { retryable: false });
}

/**
 * GENFLOW_VERTEX_CREDENTIALS: the key file's JSON itself, or the path of the file. Its text
 * never reaches an error message (it holds the private key): only what is wrong with it.
 */
export function readServiceAccountKey(value: string): ServiceAccountKey {
  let text = value.trim();
  if (!text.startsWith('{')) {
    try {
      text = readFileSync(text, 'utf8');
    } catch (err) {
      throw notConfigured(`GENFLOW_VERTEX_CREDENTIALS: cannot read the key file (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw notConfigured('GENFLOW_VERTEX_CREDENTIALS is not JSON: give a service-account key file or its path');
  }
  const parsed = ServiceAccountKey.safeParse(json);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(key)'))].join(', ');
    throw notConfigured(`GENFLOW_VERTEX_CREDENTIALS is not a service-account key (check ${fields})`);
  }
  return parsed.data;
}

const base64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/** The signed JWT (RS256) a service account trades for an access token at its token_uri. */
export function signedAssertion(key: ServiceAccountKey, nowMs: number): string {
  const iat = Math.floor(nowMs / 1000);
  const header = { alg: 'RS256', typ: 'JWT', ...(key.private_key_id ? { kid: key.private_key_id } : {}) };
  const claims = { iss: key.client_email, scope: CLOUD_PLATFORM_SCOPE, aud: key.token_uri ?? DEFAULT_TOKEN_URI, iat, exp: iat + ASSERTION_LIFETIME_S };
  const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  let signature: Buffer;
  try {
    signature = createSign('RSA-SHA256').update(unsigned).sign(key.private_key);
  } catch {
    throw notConfigured('GENFLOW_VERTEX_CREDENTIALS: the private_key cannot sign (not a PEM RSA key)');
  }
  return `${unsigned}.${base64url(signature)}`;
}

/** Hands out the bearer token for Vertex calls. */
export interface TokenSource {
  token(): Promise<string>;
  /** Whether a new token can be had (a service account), so a refused one is worth one retry. */
  renewable: boolean;
  /** Vertex refused the token (401): the next call mints a new one instead of reusing it. */
  invalidate(): void;
}

/** A token minted elsewhere (GENFLOW_VERTEX_ACCESS_TOKEN): used as is; genflow cannot renew it. */
export function staticTokenSource(token: string): TokenSource {
  return { token: () => Promise.resolve(token), renewable: false, invalidate: () => undefined };
}

/**
 * Service-account tokens, minted on first use and kept until shortly before they expire; the
 * calls of one worker that arrive while a token is being minted share that one exchange.
 */
export function serviceAccountTokenSource(key: ServiceAccountKey, env: Pick<ProviderEnv, 'fetch' | 'baseUrl' | 'dataDir'>, now: () => number = Date.now): TokenSource {
  let cached: { token: string; refreshAt: number } | undefined;
  let minting: Promise<string> | undefined;

  async function mint(): Promise<string> {
    const tokenUri = key.token_uri ?? DEFAULT_TOKEN_URI;
    const issuedAt = now();
    const form = new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion: signedAssertion(key, issuedAt) });
    const res = await providerFetch(env, VERTEX_PROVIDER_ID, {
      method: 'POST',
      path: tokenUri,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      // Not the caller's signal: the exchange is shared by every call waiting for it.
      timeoutMs: 30_000,
    });
    const body: unknown = await res.json().catch(() => undefined);
    if (!res.ok) {
      // `invalid_grant` and friends: the key is revoked, the clock is off, or the account is gone.
      const said = TokenError.safeParse(body);
      const what = said.success ? [said.data.error, said.data.error_description].filter(Boolean).join(': ') : '';
      throw new ProviderError(res.status >= 500 ? 'PROVIDER_UNAVAILABLE' : 'AUTHENTICATION_FAILED', `${VERTEX_PROVIDER_ID}: the token exchange was refused (HTTP ${res.status}${what ? `, ${what}` : ''})`, {
        details: { status: res.status },
        ...(res.status >= 500 ? {} : { retryable: false }),
      });
    }
    const answer = TokenAnswer.safeParse(body);
    if (!answer.success) throw new ProviderError('PROVIDER_ERROR', `${VERTEX_PROVIDER_ID}: the token endpoint answered without an access_token and expires_in`);
    const lifetimeMs = answer.data.expires_in * 1000;
    // A short-lived token (a test's, or a nearly spent one) is renewed at half its life instead.
    cached = { token: answer.data.access_token, refreshAt: issuedAt + lifetimeMs - Math.min(REFRESH_MARGIN_MS, lifetimeMs / 2) };
    return answer.data.access_token;
  }

  return {
    renewable: true,
    async token() {
      if (cached && now() < cached.refreshAt) return cached.token;
      minting ??= mint().finally(() => {
        minting = undefined;
      });
      return minting;
    },
    invalidate() {
      cached = undefined;
    },
  };
}
