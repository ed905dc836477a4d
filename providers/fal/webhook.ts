import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { ProviderError } from '../../domain/errors';
import { providerFetch } from '../http';
import type { ProviderEnv, WebhookRequest } from '../types';
import { FAL_PROVIDER_ID } from './api';

/** Deliveries whose timestamp is further than this from now are refused (replays). */
export const FAL_WEBHOOK_TOLERANCE_SECONDS = 5 * 60;
/** fal may rotate keys; a cached set is not trusted longer than a day. */
const JWKS_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** After a signature matches no cached key, the set is fetched again at most this often. */
const JWKS_REFETCH_MS = 60 * 1000;

function reject(reason: string): never {
  throw new ProviderError('AUTHENTICATION_FAILED', `fal webhook: ${reason}`, { retryable: false });
}

/**
 * The bytes fal signs: request id, user id, timestamp and the hex SHA-256 of the raw body,
 * joined by newlines (fal's "Verifying your webhook" documentation).
 */
export function falSignedMessage(requestId: string, userId: string, timestamp: string, body: Buffer): Buffer {
  const digest = createHash('sha256').update(body).digest('hex');
  return Buffer.from(`${requestId}\n${userId}\n${timestamp}\n${digest}`, 'utf8');
}

interface Jwk {
  kty?: string;
  crv?: string;
  x?: string;
}

/** Ed25519 keys of a JWKS document; fal's `x` is base64url, sometimes with padding. */
export function keysFromJwks(doc: unknown): KeyObject[] {
  const keys = doc && typeof doc === 'object' ? (doc as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys)) return [];
  const out: KeyObject[] = [];
  for (const jwk of keys as Jwk[]) {
    if (jwk?.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') continue;
    try {
      out.push(createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x.replace(/=+$/, '') }, format: 'jwk' }));
    } catch {
      // A malformed key is skipped; the others may still verify.
    }
  }
  return out;
}

/** The JWKS, fetched on first use and cached; one verifier per adapter. */
export function createFalWebhookVerifier(env: ProviderEnv, jwksUrl: string, now: () => number = Date.now) {
  let cached: { keys: KeyObject[]; at: number } | undefined;

  async function load(): Promise<KeyObject[]> {
    const res = await providerFetch(env, FAL_PROVIDER_ID, { path: jwksUrl, timeoutMs: 10_000 });
    if (!res.ok) throw new ProviderError('PROVIDER_UNAVAILABLE', `fal webhook: the signing keys could not be fetched (HTTP ${res.status})`);
    const keys = keysFromJwks(await res.json().catch(() => undefined));
    if (keys.length === 0) throw new ProviderError('PROVIDER_UNAVAILABLE', 'fal webhook: the JWKS holds no Ed25519 key');
    cached = { keys, at: now() };
    return keys;
  }

  return async function verifyFalWebhook(req: WebhookRequest): Promise<void> {
    const requestId = req.headers['x-fal-webhook-request-id'];
    const userId = req.headers['x-fal-webhook-user-id'];
    const timestamp = req.headers['x-fal-webhook-timestamp'];
    const signatureHex = req.headers['x-fal-webhook-signature'];
    if (!requestId || !userId || !timestamp || !signatureHex) reject('missing X-Fal-Webhook-Request-Id, -User-Id, -Timestamp or -Signature');
    if (!/^\d+$/.test(timestamp)) reject('X-Fal-Webhook-Timestamp is not a number of seconds');
    if (Math.abs(now() / 1000 - Number(timestamp)) > FAL_WEBHOOK_TOLERANCE_SECONDS) reject('the timestamp is outside the 5 minute tolerance');
    if (!/^[0-9a-f]{128}$/i.test(signatureHex)) reject('the signature is not 64 hex-encoded bytes');
    const message = falSignedMessage(requestId, userId, timestamp, req.body);
    const signature = Buffer.from(signatureHex, 'hex');
    const matches = (keys: KeyObject[]) => keys.some((key) => verify(null, message, key, signature));

    const fresh = cached && now() - cached.at < JWKS_MAX_AGE_MS ? cached : undefined;
    if (fresh && matches(fresh.keys)) return;
    // No cached key matched: fal may have rotated them, so look once more (not on every forgery).
    if (!fresh || now() - fresh.at > JWKS_REFETCH_MS) {
      if (matches(await load())) return;
    }
    reject('no signing key matches the signature');
  };
}
