import { z } from 'zod';
import { ProviderError, type ErrorCode } from '../../domain/errors';
import type { GenerationRequest } from '../../domain/generation';
import { modelIn, parseModelParameters, requireOutputCount } from '../define-model';
import type { CallContext, PollResult, ProviderAdapter, ProviderEnv, ProviderOutput, SubmitResult, WebhookEvent, WebhookRequest } from '../types';
import { issuePath } from '../core/call';
import { PredictionAnswer, ReplicateFileAnswer, ReplicatePath, replicateCall, replicateDeliveryHosts, type CreatePredictionBody, type Prediction, type WebhookEventType } from './api';
import { replicateModels, type ReplicateModel } from './models';
import { verifyReplicateWebhook } from './webhook';

export interface ReplicateAdapterOptions {
  /** Where Replicate should POST prediction updates; without it genflow only polls. */
  webhookUrl?: string;
  /** Events to be told about; `start` and `completed` are enough to wake a waiting workflow. */
  webhookEvents?: WebhookEventType[];
  /** Send `Prefer: wait=N` so a fast model answers in the create call itself (1-60 s). */
  preferWaitSeconds?: number;
}

function modelOf(id: string): ReplicateModel {
  return modelIn('replicate', replicateModels, id);
}

/** The `input` object for a prediction: the model's parameters plus prompt, count and image. */
export function predictionInput(model: ReplicateModel, request: GenerationRequest): Record<string, unknown> {
  const params = parseModelParameters(model.parameters, model.id, request.parameters);
  const input: Record<string, unknown> = model.noPrompt ? { ...params } : { prompt: request.prompt, ...params };
  if (model.countInput) input[model.countInput] = request.numberOfOutputs;
  else requireOutputCount(model.id, request.numberOfOutputs, 1);
  const [image] = request.inputImages;
  if (image !== undefined) {
    if (!model.imageInput) throw new ProviderError('INVALID_PARAMETERS', `inputImages: ${model.id} takes no input image`);
    // Replicate takes file inputs as http(s) URLs or data URLs alike.
    input[model.imageInput] = image;
  }
  return input;
}

/**
 * Replicate's docs (HTTP API → "Input files"): a data URL is fine for files up to 256 kB;
 * larger files should be uploaded with the files API (`POST /v1/files`, multipart field
 * `content`) and passed as the file's `urls.get`, which predictions accept like any URL.
 */
export const DATA_URL_MAX_BYTES = 256 * 1024;

function dataUrlBytes(value: string): { data: Buffer; contentType: string } | undefined {
  const match = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(value);
  if (!match) return undefined;
  const data = match[2] ? Buffer.from(match[3]!, 'base64') : Buffer.from(decodeURIComponent(match[3]!), 'utf8');
  return { data, contentType: match[1] ?? 'application/octet-stream' };
}

/** A large data URL becomes an uploaded file's URL; small ones and http(s) URLs stay as they are. */
async function uploadIfLarge(env: ProviderEnv, ctx: CallContext, value: string): Promise<string> {
  const file = dataUrlBytes(value);
  if (!file || file.data.length <= DATA_URL_MAX_BYTES) return value;
  const form = new FormData();
  const ext = file.contentType.split('/')[1]?.replace(/[^a-z0-9]/gi, '') || 'bin';
  form.append('content', new Blob([new Uint8Array(file.data)], { type: file.contentType }), `input.${ext}`);
  const uploaded = await replicateCall(env, ctx.apiKey, { method: 'POST', path: ReplicatePath.files, body: form, signal: ctx.signal, timeoutMs: 120_000 }, ReplicateFileAnswer);
  const url = uploaded.urls?.get;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new ProviderError('PROVIDER_ERROR', 'replicate: the file upload answered no urls.get');
  return url;
}

/** tqdm progress bars in the logs (` 45%|████▌     | 9/20`): the last one is the freshest. */
export function progressFromLogs(logs: string | null | undefined): number | undefined {
  if (!logs) return undefined;
  const matches = [...logs.matchAll(/(\d{1,3})%\|/g)];
  const last = matches.at(-1)?.[1];
  if (last === undefined) return undefined;
  return Math.min(1, Number(last) / 100);
}

/** The key for output downloads, scoped to Replicate's own delivery hosts. */
export type DeliveryAuth = { headers: Record<string, string>; hosts: readonly string[] };

function onHosts(url: string, hosts: readonly string[]): boolean {
  let host: string;
  try {
    host = new URL(url).host.toLowerCase();
  } catch {
    return false;
  }
  return hosts.some((h) => (h.startsWith('*.') ? host.endsWith(h.slice(1)) : host === h.toLowerCase()));
}

/**
 * Output is a URL or a list of URLs, depending on the model. A URL on a delivery host carries
 * the key for its download (Replicate: output files need `Authorization`); any other URL none.
 */
function outputsOf(prediction: Prediction, auth?: DeliveryAuth): ProviderOutput[] {
  const list = Array.isArray(prediction.output) ? (prediction.output as unknown[]) : [prediction.output];
  const urls = list.filter((u): u is string => typeof u === 'string' && /^(https?:|data:)/.test(u));
  if (urls.length === 0) throw new ProviderError('PROVIDER_ERROR', `replicate: prediction ${prediction.id} succeeded without output files`);
  return urls.map((url) => ({ type: 'url', url, ...(auth && onHosts(url, auth.hosts) ? { auth } : {}) }));
}

/** Why a prediction failed, in taxonomy terms: the safety checker is the one case users can act on. */
export function failureCode(error: string): ErrorCode {
  if (/nsfw|flagged as sensitive|\(E005\)|safety/i.test(error)) return 'CONTENT_REJECTED';
  return 'PROVIDER_ERROR';
}

/** A prediction's state as genflow sees it; a failed one throws, as a failed poll does. */
export function predictionResult(prediction: Prediction, auth?: DeliveryAuth): PollResult {
  switch (prediction.status) {
    case 'starting':
      return { status: 'pending' };
    case 'processing': {
      const progress = progressFromLogs(prediction.logs);
      return progress === undefined ? { status: 'running' } : { status: 'running', progress };
    }
    case 'succeeded':
      return { status: 'succeeded', outputs: outputsOf(prediction, auth) };
    // Replicate docs (Predictions → Prediction lifecycle): `canceled` — canceled by the user or
    // past its deadline after starting; `aborted` — past its deadline before it could start
    // (not charged). Both are a cancel that ended the prediction, never a job worth polling again.
    case 'canceled':
    case 'aborted':
      return { status: 'canceled' };
    case 'failed': {
      const message = prediction.error || 'the prediction failed';
      throw new ProviderError(failureCode(message), `replicate: ${message}`, { details: { predictionId: prediction.id } });
    }
    default:
      throw new ProviderError('PROVIDER_ERROR', `replicate: unknown prediction status '${String(prediction.status)}'`);
  }
}

export function createReplicateAdapter(env: ProviderEnv, options: ReplicateAdapterOptions = {}): ProviderAdapter {
  const hosts = replicateDeliveryHosts(env.baseUrl);
  const deliveryAuth = (apiKey: string | undefined): DeliveryAuth | undefined => (apiKey ? { headers: { authorization: `Bearer ${apiKey}` }, hosts } : undefined);
  return {
    async submit(request: GenerationRequest, ctx: CallContext): Promise<SubmitResult> {
      const model = modelOf(request.model);
      const [owner, name] = model.replicateModel.split('/') as [string, string];
      const body: CreatePredictionBody = { ...(model.version ? { version: model.version } : {}), input: predictionInput(model, request) };
      if (model.imageInput && typeof body.input[model.imageInput] === 'string') {
        body.input[model.imageInput] = await uploadIfLarge(env, ctx, body.input[model.imageInput] as string);
      }
      const webhook = ctx.callbackUrl ?? options.webhookUrl;
      if (webhook) {
        body.webhook = webhook;
        body.webhook_events_filter = options.webhookEvents ?? ['start', 'completed'];
      }
      const wait = options.preferWaitSeconds;
      const prediction = await replicateCall(env, ctx.apiKey, {
        method: 'POST',
        path: model.version ? ReplicatePath.predictions : ReplicatePath.createPrediction(owner, name),
        json: body,
        signal: ctx.signal,
        ...(wait ? { headers: { prefer: `wait=${Math.min(60, Math.max(1, Math.round(wait)))}` }, timeoutMs: (wait + 30) * 1000 } : {}),
      }, PredictionAnswer);
      // With `Prefer: wait` a fast model may already be done (or failed) in this answer.
      if (prediction.status === 'succeeded' || prediction.status === 'failed') {
        const result = predictionResult(prediction, deliveryAuth(ctx.apiKey));
        if (result.status === 'succeeded') return result;
      }
      return { status: 'pending', taskId: prediction.id };
    },

    async poll(taskId: string, _request: GenerationRequest, ctx: CallContext): Promise<PollResult> {
      const prediction = await replicateCall(env, ctx.apiKey, { path: ReplicatePath.prediction(taskId), signal: ctx.signal, timeoutMs: 30_000 }, PredictionAnswer);
      return predictionResult(prediction, deliveryAuth(ctx.apiKey));
    },

    async cancel(taskId: string, ctx: CallContext): Promise<void> {
      // The answer (the prediction as canceled) is not read: the workflow records the cancel itself.
      await replicateCall(env, ctx.apiKey, { method: 'POST', path: ReplicatePath.cancel(taskId), signal: ctx.signal, timeoutMs: 30_000 }, z.unknown());
    },

    parseWebhook(req: WebhookRequest, secret: string): WebhookEvent {
      verifyReplicateWebhook(req, secret);
      let body: unknown;
      try {
        body = JSON.parse(req.body.toString('utf8'));
      } catch (err) {
        throw new ProviderError('INVALID_REQUEST', 'replicate webhook: the body is not JSON', { cause: err });
      }
      const checked = PredictionAnswer.safeParse(body);
      if (!checked.success) {
        const issue = checked.error.issues[0];
        throw new ProviderError('INVALID_REQUEST', `replicate webhook: unexpected body: ${issuePath(issue?.path ?? [])}: ${issue?.message ?? 'invalid'}`);
      }
      const prediction = checked.data;
      try {
        return { taskId: prediction.id, result: predictionResult(prediction) };
      } catch (err) {
        if (!(err instanceof ProviderError)) throw err;
        return { taskId: prediction.id, result: { status: 'failed', error: { code: err.code, message: err.message } } };
      }
    },
  };
}
