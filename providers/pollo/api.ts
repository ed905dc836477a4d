import { createHmac, timingSafeEqual } from 'node:crypto';
import { ProviderError, type ErrorCode } from '../../domain/errors';
import { z } from 'zod';
import { checkAnswer, classifiedBy, providerCall } from '../core/call';
import type { ProviderRequest } from '../http';
import type { PollResult, ProviderEnv, WebhookRequest } from '../types';

export const POLLO_PROVIDER_ID = 'pollo';
export const POLLO_BASE_URL = 'https://pollo.ai/api/platform';

export const PolloPath = {
  /** `/generation/{brand}/{model}`, e.g. `google/veo3`. */
  create: (endpoint: string) => `/generation/${endpoint}`,
  status: (taskId: string) => `/generation/${encodeURIComponent(taskId)}/status`,
} as const;

/** Pollo wraps answers as `{ code, message, data }`. */
/** Every Pollo answer is wrapped like this; `data` is checked against the call's own schema. */
export const PolloEnvelope = z.looseObject({
  code: z.union([z.string(), z.number()]).nullish(),
  message: z.string().nullish(),
  data: z.unknown().optional(),
});

export type PolloStatus = 'waiting' | 'processing' | 'succeed' | 'failed';

/** One generation of a task; statuses stay strings, a new one reads as still pending. */
export const PolloGeneration = z.looseObject({
  status: z.string(),
  failMsg: z.string().nullish(),
  url: z.string().nullish(),
});

/** A task as create, status and webhooks hand it over. */
export const PolloTaskAnswer = z.looseObject({
  taskId: z.string().min(1),
  status: z.string().nullish(),
  generations: z.array(PolloGeneration).nullish(),
});
export type PolloTask = z.output<typeof PolloTaskAnswer>;

const MODERATION = /sensitive|moderat|violat|nsfw|content polic|inappropriate/i;

export function classifyPolloError(status: number, body: unknown): ErrorCode | undefined {
  const text = JSON.stringify(body ?? '');
  if (status === 402 || /credit|balance|INSUFFICIENT/i.test(text)) return 'QUOTA_EXCEEDED';
  if (status === 400 && MODERATION.test(text)) return 'CONTENT_REJECTED';
  return undefined;
}

/** One call to Pollo with `x-api-key`; returns the envelope's `data`, checked against `answer`. */
export async function polloCall<S extends z.ZodType>(env: ProviderEnv, apiKey: string | undefined, req: ProviderRequest, answer: S): Promise<z.output<S>> {
  if (!apiKey) throw new ProviderError('AUTHENTICATION_FAILED', `${POLLO_PROVIDER_ID}: no API key`, { retryable: false });
  let status = 200;
  const body = await providerCall(env, POLLO_PROVIDER_ID, { ...req, headers: { ...req.headers, 'x-api-key': apiKey } }, PolloEnvelope, {
    errors: classifiedBy(classifyPolloError),
    onHeaders: (_h, s) => (status = s),
  });
  if (!body.data) throw new ProviderError('PROVIDER_ERROR', `${POLLO_PROVIDER_ID}: the answer had no data (${body.message ?? 'no message'})`);
  return checkAnswer(POLLO_PROVIDER_ID, answer, body.data, { status, prefix: ['data'] });
}

export function readPolloTask(task: PolloTask): PollResult {
  const generations = task.generations ?? [];
  const failed = generations.find((g) => g.status === 'failed');
  if (failed || (task.status === 'failed' && generations.length === 0)) {
    const message = failed?.failMsg || 'the generation failed';
    throw new ProviderError(MODERATION.test(message) ? 'CONTENT_REJECTED' : 'PROVIDER_ERROR', `${POLLO_PROVIDER_ID}: ${message}`, { retryable: false });
  }
  if (generations.length > 0 && generations.every((g) => g.status === 'succeed')) {
    const urls = generations.map((g) => g.url).filter((u): u is string => typeof u === 'string' && /^https?:\/\//.test(u));
    if (urls.length === 0) throw new ProviderError('PROVIDER_ERROR', `${POLLO_PROVIDER_ID}: the task succeeded without a URL`, { retryable: false });
    return { status: 'succeeded', outputs: urls.map((url) => ({ type: 'url', url })) };
  }
  return generations.some((g) => g.status === 'processing') || task.status === 'processing' ? { status: 'running' } : { status: 'pending' };
}

/** Deliveries older (or newer) than this are refused. */
export const POLLO_WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

/** Pollo's webhook signature: base64 HMAC-SHA256 with the webhook secret over `${id}.${timestamp}.${body}`. */
export function signPolloWebhook(secret: string, id: string, timestamp: string, body: Buffer): string {
  return createHmac('sha256', secret).update(`${id}.${timestamp}.`).update(body).digest('base64');
}

export function verifyPolloWebhook(req: WebhookRequest, secret: string, nowSeconds = Date.now() / 1000): void {
  const reject = (reason: string): never => {
    throw new ProviderError('AUTHENTICATION_FAILED', `pollo webhook: ${reason}`, { retryable: false });
  };
  const id = req.headers['x-webhook-id'];
  const timestamp = req.headers['x-webhook-timestamp'];
  const signature = req.headers['x-webhook-signature'];
  if (!secret) reject('no webhook secret is configured');
  if (!id || !timestamp || !signature) reject('missing X-Webhook-Id, X-Webhook-Timestamp or X-Webhook-Signature');
  if (!/^\d+$/.test(timestamp!)) reject('X-Webhook-Timestamp is not a number of seconds');
  if (Math.abs(nowSeconds - Number(timestamp)) > POLLO_WEBHOOK_TOLERANCE_SECONDS) reject('the timestamp is outside the 5 minute tolerance');
  const expected = Buffer.from(signPolloWebhook(secret, id!, timestamp!, req.body), 'base64');
  const given = Buffer.from(signature!, 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) reject('the signature does not match');
}
