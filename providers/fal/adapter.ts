import { z } from 'zod';
import { ProviderError, type ErrorCode } from '../../domain/errors';
import type { GenerationRequest } from '../../domain/generation';
import { issuePath } from '../core/call';
import { modelIn, parseModelParameters } from '../define-model';
import type { ProviderCharge } from '../../domain/charges';
import type { PollResult, ProviderAdapter, ProviderEnv, ProviderOutput, WebhookEvent, WebhookRequest } from '../types';
import { toWireVideoParameters } from '../video-wire';
import { FAL_BILLABLE_UNITS_HEADER, FAL_JWKS_URL, FAL_PROVIDER_ID, FalPath, falAppId, falCall, falDetail, FalResultAnswer, FalStatusAnswer, FalSubmitAnswer, type FalResult, type FalStatus } from './api';
import { falModels, type FalModel } from './models';
import { createFalWebhookVerifier } from './webhook';

export interface FalAdapterOptions {
  /** Sent as `fal_webhook` so fal POSTs the result when the request completes; polling goes on regardless. */
  webhookUrl?: string;
  /** Where fal's webhook signing keys are published; a test points it at its fake. */
  jwksUrl?: string;
}

function modelOf(id: string): FalModel {
  return modelIn(FAL_PROVIDER_ID, falModels, id);
}

function invalid(message: string): ProviderError {
  return new ProviderError('INVALID_PARAMETERS', `${FAL_PROVIDER_ID}: ${message}`);
}

/** The fal endpoint and its input for a request: the image picks the image-to-video endpoint. */
export function falInput(model: FalModel, request: GenerationRequest): { endpoint: string; input: Record<string, unknown> } {
  const params = parseModelParameters(model.parameters, model.id, request.parameters);
  const [image] = request.inputImages;
  if (request.inputImages.length > model.inputImages.max) throw invalid(`${model.id} takes at most ${model.inputImages.max} input image(s)`);
  const endpoint = image !== undefined ? model.imageEndpoint : model.textEndpoint;
  if (!endpoint) throw invalid(image !== undefined ? `${model.id} takes no input image` : `${model.id} needs an input image`);
  if (request.numberOfOutputs > model.maxOutputs) throw invalid(`${model.id} makes at most ${model.maxOutputs} output(s) per request`);
  const named = model.videoWire ? toWireVideoParameters(params, model.videoWire) : params;
  const input: Record<string, unknown> = { prompt: request.prompt };
  for (const [key, value] of Object.entries(named)) input[model.wireNames?.[key] ?? key] = value;
  if (model.countField) input[model.countField] = request.numberOfOutputs;
  if (image !== undefined && model.imageField) {
    // fal fetches the image itself (data URLs are accepted too); image-to-video follows its shape.
    input[model.imageField] = image;
    delete input.aspect_ratio;
  }
  return { endpoint, input };
}

/** Percentages in the logs ("Generating: 45%"): the last one is the freshest. */
export function progressFromLogs(logs: FalStatus['logs']): number | undefined {
  const text = (logs ?? []).map((l) => l.message).join('\n');
  const last = [...text.matchAll(/(\d{1,3}(?:\.\d+)?)\s?%/g)].at(-1)?.[1];
  return last === undefined ? undefined : Math.min(0.99, Number(last) / 100);
}

/** The files of a result: `images` for image models, `image` for upscalers, `video` for video models. */
export function outputsOf(result: FalResult): ProviderOutput[] {
  const images = result.images ?? [];
  const flagged = (i: number) => result.has_nsfw_concepts?.[i] === true;
  // fal blacks out flagged images rather than failing; they are dropped, and all flagged is a refusal.
  if (images.length > 0 && images.every((_f, i) => flagged(i))) {
    throw new ProviderError('CONTENT_REJECTED', `${FAL_PROVIDER_ID}: the safety checker flagged every image`, { retryable: false });
  }
  const files = [...images.filter((_f, i) => !flagged(i)), ...(result.image ? [result.image] : []), ...(result.video ? [result.video] : [])];
  const outputs = files
    .filter((f) => typeof f?.url === 'string' && /^(https?:|data:)/.test(f.url))
    .map((f): ProviderOutput => ({ type: 'url', url: f.url, ...(f.content_type ? { contentType: f.content_type } : {}) }));
  if (outputs.length === 0) throw new ProviderError('PROVIDER_ERROR', `${FAL_PROVIDER_ID}: the request completed without files`, { retryable: false });
  return outputs;
}

/** fal's billed units × the model's unit price; nothing when either is unknown. */
export function billedCharge(model: FalModel, units: string | null): ProviderCharge | undefined {
  const n = units === null ? NaN : Number(units);
  if (model.unitPriceUsd === undefined || !Number.isFinite(n) || n < 0) return undefined;
  return { usd: Math.round(n * model.unitPriceUsd * 1e6) / 1e6, basis: `${FAL_PROVIDER_ID}: ${n} billable units × $${model.unitPriceUsd}` };
}

/** A finished request that failed: the request is over, so nothing here is worth retrying. */
function failure(message: string, hint = ''): ProviderError {
  const moderated = /content[_ ]policy|nsfw|safety|moderat|flagged/i.test(`${hint} ${message}`);
  const code: ErrorCode = moderated ? 'CONTENT_REJECTED' : 'PROVIDER_ERROR';
  return new ProviderError(code, `${FAL_PROVIDER_ID}: ${message}`, { retryable: false });
}

/** fal's webhook body: the request id, OK or ERROR, and the result (or the app's error) as `payload`. */
const FalWebhookBody = z.looseObject({
  request_id: z.string().min(1),
  status: z.string().optional(),
  payload: z.unknown().optional(),
  error: z.string().nullish(),
  payload_error: z.string().nullish(),
});

/**
 * fal.ai's queue: submit answers a request id; status walks IN_QUEUE → IN_PROGRESS →
 * COMPLETED; the result is read from the request's response URL. The task id is the request
 * id, the value fal's webhook deliveries carry.
 */
export function createFalAdapter(env: ProviderEnv, options: FalAdapterOptions = {}): ProviderAdapter {
  const verify = createFalWebhookVerifier(env, options.jwksUrl ?? FAL_JWKS_URL);

  return {
    async submit(request, ctx) {
      const model = modelOf(request.model);
      const { endpoint, input } = falInput(model, request);
      const query = options.webhookUrl ? `?fal_webhook=${encodeURIComponent(options.webhookUrl)}` : '';
      const res = await falCall(env, ctx.apiKey, {
        method: 'POST',
        path: `${FalPath.submit(endpoint)}${query}`,
        json: input,
        timeoutMs: 60_000,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      }, FalSubmitAnswer);
      return { status: 'pending', taskId: res.request_id };
    },

    async poll(taskId, request, ctx): Promise<PollResult> {
      const model = modelOf(request.model);
      const app = falAppId(falInput(model, request).endpoint);
      const signal = ctx.signal ? { signal: ctx.signal } : {};
      const status = await falCall(env, ctx.apiKey, { path: FalPath.status(app, taskId), timeoutMs: 30_000, ...signal }, FalStatusAnswer);
      switch (status.status) {
        case 'IN_QUEUE':
          return { status: 'pending' };
        case 'IN_PROGRESS': {
          const progress = progressFromLogs(status.logs);
          return progress === undefined ? { status: 'running' } : { status: 'running', progress };
        }
        case 'COMPLETED': {
          if (status.error && /cancel/i.test(`${status.error_type ?? ''} ${status.error}`)) return { status: 'canceled' };
          if (status.error) throw failure(status.error, status.error_type ?? '');
          // Once the request is over, the response URL answers the app's own error (422 for a bad
          // input or a content-policy refusal), which falCall maps like any other answer.
          let units: string | null = null;
          const result = await falCall(env, ctx.apiKey, { path: FalPath.result(app, taskId), timeoutMs: 60_000, ...signal }, FalResultAnswer, (h) => {
            units = h.get(FAL_BILLABLE_UNITS_HEADER);
          }).catch((err: unknown) => {
            // fal docs (Queue → "Get the result"): once COMPLETED, the response URL answers
            // the app's own response, errors included. A 500 there is the finished request's
            // failure, not an outage: retrying cannot change a completed request's result.
            const status = err instanceof ProviderError ? (err.details as { status?: number } | undefined)?.status : undefined;
            if (err instanceof ProviderError && status === 500) throw new ProviderError('PROVIDER_ERROR', err.message, { retryable: false, cause: err });
            throw err;
          });
          const charge = billedCharge(model, units);
          return { status: 'succeeded', outputs: outputsOf(result), ...(charge ? { charge } : {}) };
        }
        default:
          throw new ProviderError('PROVIDER_ERROR', `${FAL_PROVIDER_ID}: unknown status ${JSON.stringify(status.status)}`);
      }
    },

    /**
     * Cancel needs the app path, which the request id alone does not name: the table's few
     * apps are tried in turn, and fal answers 404 for a request of another app.
     */
    async cancel(taskId, ctx) {
      const apps = [...new Set(falModels.flatMap((m) => [m.textEndpoint, m.imageEndpoint]).filter((e): e is string => !!e).map(falAppId))];
      for (const app of apps) {
        const res = await (async () => {
          try {
            await falCall(env, ctx.apiKey, { method: 'PUT', path: FalPath.cancel(app, taskId), timeoutMs: 30_000, ...(ctx.signal ? { signal: ctx.signal } : {}) }, z.unknown());
            return 'done';
          } catch (err) {
            const status = err instanceof ProviderError ? (err.details as { status?: number } | undefined)?.status : undefined;
            if (status === 404) return 'other-app';
            // 400 ALREADY_COMPLETED: nothing left to stop.
            if (status === 400) return 'done';
            throw err;
          }
        })();
        if (res === 'done') return;
      }
    },

    async parseWebhook(req: WebhookRequest): Promise<WebhookEvent> {
      await verify(req);
      let json: unknown;
      try {
        json = JSON.parse(req.body.toString('utf8'));
      } catch (err) {
        throw new ProviderError('INVALID_REQUEST', 'fal webhook: the body is not JSON', { cause: err });
      }
      const checked = FalWebhookBody.safeParse(json);
      if (!checked.success) throw new ProviderError('INVALID_REQUEST', 'fal webhook: no request_id');
      const body = checked.data;
      const taskId = body.request_id;
      try {
        if (body.status !== 'OK') {
          const detail = falDetail(body.payload) || body.error || body.payload_error || 'the request failed';
          throw failure(detail, JSON.stringify(body.payload ?? ''));
        }
        if (!body.payload) throw failure(body.payload_error ?? 'the result could not be serialised');
        const payload = FalResultAnswer.safeParse(body.payload);
        if (!payload.success) {
          const issue = payload.error.issues[0];
          throw new ProviderError('PROVIDER_ERROR', `${FAL_PROVIDER_ID} webhook: unexpected payload: ${issuePath(['payload', ...(issue?.path ?? [])])}: ${issue?.message ?? 'invalid'}`, { retryable: false });
        }
        return { taskId, result: { status: 'succeeded', outputs: outputsOf(payload.data) } };
      } catch (err) {
        if (!(err instanceof ProviderError)) throw err;
        return { taskId, result: { status: 'failed', error: { code: err.code, message: err.message } } };
      }
    },
  };
}
