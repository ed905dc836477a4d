import { ProviderError } from '../../domain/errors';
import type { GenerationRequest } from '../../domain/generation';
import { modelIn, parseModelParameters, requireOutputCount } from '../define-model';
import { loadInputImage } from '../input-images';
import type { CallContext, PollResult, ProviderAdapter, ProviderEnv, SubmitResult } from '../types';
import { BflPath, bflCall, ResultAnswer, SubmitAnswer, type ResultResponse } from './api';
import { bflModels, type BflModel } from './models';

function modelOf(id: string): BflModel {
  return modelIn('bfl', bflModels, id);
}

/** BFL takes images as bare base64 (no `data:` prefix); Kontext also takes http(s) URLs. */
async function imageValue(model: BflModel, input: string, env: Pick<ProviderEnv, 'fetch'>): Promise<string> {
  if (model.inputImages.mode !== 'base64' && /^https?:\/\//i.test(input)) return input;
  const image = await loadInputImage(input, env);
  return image.data.toString('base64');
}

/** The JSON body for `POST /v1/<endpoint>`. */
export async function submitBody(model: BflModel, request: GenerationRequest, env: Pick<ProviderEnv, 'fetch'>): Promise<Record<string, unknown>> {
  requireOutputCount(model.id, request.numberOfOutputs, 1);
  if (request.inputImages.length > model.imageFields.length) {
    throw new ProviderError('INVALID_PARAMETERS', `inputImages: ${model.id} takes at most ${model.imageFields.length}`);
  }
  const body: Record<string, unknown> = { prompt: request.prompt, ...parseModelParameters(model.parameters, model.id, request.parameters) };
  const images = await Promise.all(request.inputImages.map((input) => imageValue(model, input, env)));
  images.forEach((value, i) => (body[model.imageFields[i]!] = value));
  return body;
}

/**
 * The polling URL carries the key in its request, so only BFL's own hosts (or the configured
 * base URL's origin, e.g. a local fake) are trusted with it.
 */
export function trustedPollingUrl(url: string, baseUrl: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.origin === new URL(baseUrl).origin) return true;
  return parsed.protocol === 'https:' && /(^|\.)bfl\.(ai|ml)$/.test(parsed.hostname);
}

/** A result's state as genflow sees it; failures throw, as for every poll. */
export function resultToPoll(res: ResultResponse): PollResult {
  const details = res.details ? ` (${JSON.stringify(res.details).slice(0, 300)})` : '';
  switch (res.status) {
    case 'Pending':
      return typeof res.progress === 'number' ? { status: 'running', progress: Math.min(1, Math.max(0, res.progress)) } : { status: 'pending' };
    case 'Ready': {
      const sample = res.result?.sample;
      if (!sample) throw new ProviderError('PROVIDER_ERROR', `bfl: task ${res.id} is ready without a sample URL`);
      return { status: 'succeeded', outputs: [{ type: 'url', url: sample }] };
    }
    case 'Content Moderated':
      throw new ProviderError('CONTENT_REJECTED', `bfl: the generated image was moderated${details}`);
    case 'Request Moderated':
      throw new ProviderError('CONTENT_REJECTED', `bfl: the request was moderated${details}`);
    case 'Error':
      throw new ProviderError('PROVIDER_ERROR', `bfl: the task failed${details}`);
    case 'Task not found':
      // Results expire after a while; a task that is gone will not come back.
      throw new ProviderError('PROVIDER_ERROR', `bfl: task ${res.id} not found (expired or never created)`);
    default:
      throw new ProviderError('PROVIDER_ERROR', `bfl: unknown task status '${String(res.status)}'`);
  }
}

/** Black Forest Labs: submit answers `{ id, polling_url }`; the task id genflow keeps is that URL. */
export function createBflAdapter(env: ProviderEnv): ProviderAdapter {
  return {
    async submit(request: GenerationRequest, ctx: CallContext): Promise<SubmitResult> {
      const model = modelOf(request.model);
      const res = await bflCall(env, ctx.apiKey, {
        method: 'POST',
        path: BflPath.submit(model.endpoint),
        json: await submitBody(model, request, env),
        signal: ctx.signal,
        timeoutMs: 60_000,
      }, SubmitAnswer);
      if (res.polling_url && !trustedPollingUrl(res.polling_url, env.baseUrl)) {
        throw new ProviderError('PROVIDER_ERROR', `bfl: refusing to poll an unexpected host (${new URL(res.polling_url).host})`);
      }
      return { status: 'pending', taskId: res.polling_url ?? res.id };
    },

    async poll(taskId: string, _request: GenerationRequest, ctx: CallContext): Promise<PollResult> {
      const isUrl = /^https?:\/\//.test(taskId);
      if (isUrl && !trustedPollingUrl(taskId, env.baseUrl)) throw new ProviderError('PROVIDER_ERROR', 'bfl: refusing to poll an unexpected host');
      const res = await bflCall(env, ctx.apiKey, { path: isUrl ? taskId : BflPath.result(taskId), signal: ctx.signal, timeoutMs: 30_000 }, ResultAnswer);
      return resultToPoll(res);
    },
  };
}
