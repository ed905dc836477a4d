import { createHmac, timingSafeEqual } from 'node:crypto';
import { ProviderError } from '../../domain/errors';
import type { WebhookRequest } from '../types';

/** Deliveries older (or newer) than this are refused: a captured delivery cannot be replayed later. */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

function reject(reason: string): never {
  throw new ProviderError('AUTHENTICATION_FAILED', `replicate webhook: ${reason}`, { retryable: false });
}

/** The HMAC key: the base64 after `whsec_` in the secret from `GET /v1/webhooks/default/secret`. */
function signingKey(secret: string): Buffer {
  const encoded = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  const key = Buffer.from(encoded, 'base64');
  if (key.length === 0) reject('the signing secret is empty');
  return key;
}

export function signWebhookContent(secret: string, id: string, timestamp: string, body: Buffer): string {
  return createHmac('sha256', signingKey(secret)).update(`${id}.${timestamp}.`).update(body).digest('base64');
}

/**
 * Replicate's documented scheme (Standard Webhooks): HMAC-SHA256 over
 * `${webhook-id}.${webhook-timestamp}.${body}`; `webhook-signature` lists `v1,<base64>` entries
 * separated by spaces, any of which may match (several during a secret rotation).
 */
export function verifyReplicateWebhook(req: WebhookRequest, secret: string, nowSeconds = Date.now() / 1000): void {
  const id = req.headers['webhook-id'];
  const timestamp = req.headers['webhook-timestamp'];
  const signatures = req.headers['webhook-signature'];
  if (!id || !timestamp || !signatures) reject('missing webhook-id, webhook-timestamp or webhook-signature');
  if (!/^\d+$/.test(timestamp)) reject('webhook-timestamp is not a number of seconds');
  if (Math.abs(nowSeconds - Number(timestamp)) > WEBHOOK_TOLERANCE_SECONDS) reject('webhook-timestamp is outside the 5 minute tolerance');
  const expected = Buffer.from(signWebhookContent(secret, id, timestamp, req.body), 'base64');
  const matches = signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',', 2);
    if (version !== 'v1' || !signature) return false;
    const given = Buffer.from(signature, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) reject('no signature matches');
}
