import { ProviderError } from '../../domain/errors';
import type { GenerationRequest } from '../../domain/generation';
import { modelIn, parseModelParameters } from '../define-model';
import type { z } from 'zod';
import { classifiedBy, providerCall } from '../core/call';
import { inputImageAsDataUrl } from '../input-images';
import { klingCall, KlingCreated, KlingTaskAnswer } from '../kling/api';
import { klingBody, klingEndpoint, readKlingTask } from '../kling/requests';
import type { CallContext, PollResult, ProviderAdapter, ProviderEnv, ProviderOutput } from '../types';
import { TUZI_PROVIDER_ID, TuziPath, classifyTuziError, isModeration, mjSubmitErrorCode, MjSubmitAnswer, MjTaskAnswer, TuziImagesAnswer, type MjTask } from './api';
import { tuziModels, tuziMidjourneyParameters, type TuziModel } from './models';

function modelOf(id: string): TuziModel {
  return modelIn(TUZI_PROVIDER_ID, tuziModels, id);
}

function bearer(ctx: CallContext): string {
  if (!ctx.apiKey) throw new ProviderError('AUTHENTICATION_FAILED', `${TUZI_PROVIDER_ID}: no API key`, { retryable: false });
  return `Bearer ${ctx.apiKey}`;
}

/** Midjourney takes its options in the prompt itself: `--ar 16:9 --v 7`. */
export function mjPrompt(prompt: string, parameters: Record<string, unknown>): string {
  const p = parseModelParameters(tuziMidjourneyParameters, 'tuzi/midjourney', parameters);
  return [prompt, p.aspectRatio ? `--ar ${p.aspectRatio}` : '', p.version ? `--v ${p.version}` : ''].filter(Boolean).join(' ');
}

/** mj-proxy progress is a string such as "45%". */
function percent(value: string | null | undefined): number | undefined {
  const match = /^(\d{1,3})%$/.exec(value?.trim() ?? '');
  return match ? Math.min(0.99, Number(match[1]) / 100) : undefined;
}

export function readMjTask(task: MjTask): PollResult {
  switch (task.status) {
    case 'NOT_START':
    case 'SUBMITTED':
      return { status: 'pending' };
    case 'IN_PROGRESS':
    case 'MODAL': {
      const progress = percent(task.progress);
      return progress === undefined ? { status: 'running' } : { status: 'running', progress };
    }
    case 'SUCCESS': {
      // Some mj-proxy builds split the grid into `imageUrls`; otherwise the grid is one image.
      const urls = task.imageUrls?.length ? task.imageUrls.map((u) => u.url) : [task.imageUrl];
      const outputs = urls.filter((u): u is string => typeof u === 'string' && /^https?:\/\//.test(u)).map((url): ProviderOutput => ({ type: 'url', url }));
      if (outputs.length === 0) throw new ProviderError('PROVIDER_ERROR', `${TUZI_PROVIDER_ID}: Midjourney task ${task.id} succeeded without an image`, { retryable: false });
      return { status: 'succeeded', outputs };
    }
    case 'CANCEL':
      return { status: 'canceled' };
    case 'FAILURE': {
      const reason = task.failReason || 'the Midjourney task failed';
      throw new ProviderError(isModeration(reason) ? 'CONTENT_REJECTED' : 'PROVIDER_ERROR', `${TUZI_PROVIDER_ID}: ${reason}`, { retryable: false });
    }
    default:
      throw new ProviderError('PROVIDER_ERROR', `${TUZI_PROVIDER_ID}: unknown Midjourney status ${JSON.stringify((task as { status?: unknown }).status)}`, { retryable: false });
  }
}

/**
 * TuZi (api.tu-zi.com), one key for three APIs: an OpenAI-compatible image endpoint (sync), its
 * proxy of Kling's task API under /kling, and a Midjourney mj-proxy (imagine + fetch).
 */
export function createTuziAdapter(env: ProviderEnv): ProviderAdapter {
  const json = <S extends z.ZodType>(ctx: CallContext, req: { method?: 'GET' | 'POST'; path: string; json?: unknown; timeoutMs: number }, answer: S) =>
    providerCall(env, TUZI_PROVIDER_ID, { ...req, headers: { authorization: bearer(ctx) }, ...(ctx.signal ? { signal: ctx.signal } : {}) }, answer, { errors: classifiedBy(classifyTuziError) });

  async function submitImages(model: TuziModel & { route: { api: 'images' } }, request: GenerationRequest, ctx: CallContext) {
    if (request.numberOfOutputs > model.route.maxOutputs) throw new ProviderError('INVALID_PARAMETERS', `${model.id} makes at most ${model.route.maxOutputs} images per request`);
    const params = parseModelParameters(model.parameters, model.id, request.parameters);
    const res = await json(ctx, {
      method: 'POST',
      path: TuziPath.images,
      json: { model: model.route.model, prompt: request.prompt, n: request.numberOfOutputs, ...params },
      timeoutMs: 300_000,
    }, TuziImagesAnswer);
    const outputs = (res.data ?? []).flatMap((d): ProviderOutput[] => {
      if (d.b64_json) return [{ type: 'bytes', data: Buffer.from(d.b64_json, 'base64'), contentType: 'image/png' }];
      return d.url ? [{ type: 'url', url: d.url }] : [];
    });
    if (outputs.length === 0) throw new ProviderError('PROVIDER_ERROR', `${TUZI_PROVIDER_ID}: the image answer held no images`);
    return { status: 'succeeded' as const, outputs };
  }

  return {
    async submit(request, ctx) {
      const model = modelOf(request.model);
      const route = model.route;
      if (route.api === 'images') return submitImages({ ...model, route }, request, ctx);
      if (route.api === 'kling') {
        const task = await klingCall(env, TUZI_PROVIDER_ID, bearer(ctx), {
          method: 'POST',
          path: `${TuziPath.klingPrefix}${klingEndpoint(route.kling, request)}`,
          json: klingBody(route.kling, request),
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        }, KlingCreated);
        return { status: 'pending', taskId: task.task_id };
      }
      const base64Array = await Promise.all(request.inputImages.map((image) => inputImageAsDataUrl(image)));
      const res = await json(ctx, {
        method: 'POST',
        path: TuziPath.imagine,
        json: { botType: request.parameters.botType ?? 'MID_JOURNEY', prompt: mjPrompt(request.prompt, request.parameters), base64Array },
        timeoutMs: 60_000,
      }, MjSubmitAnswer);
      // 1 submitted, 21 the same task exists already, 22 queued: each answers the task id.
      if (![1, 21, 22].includes(res.code) || !res.result) {
        const description = res.description || `code ${res.code}`;
        throw new ProviderError(mjSubmitErrorCode(res.code, description), `${TUZI_PROVIDER_ID}: ${description}`, { details: { mjCode: res.code } });
      }
      return { status: 'pending', taskId: res.result };
    },

    async poll(taskId, request, ctx) {
      const route = modelOf(request.model).route;
      if (route.api === 'kling') {
        const task = await klingCall(env, TUZI_PROVIDER_ID, bearer(ctx), {
          method: 'GET',
          path: `${TuziPath.klingPrefix}${klingEndpoint(route.kling, request)}/${encodeURIComponent(taskId)}`,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        }, KlingTaskAnswer);
        return readKlingTask(TUZI_PROVIDER_ID, task);
      }
      if (route.api === 'midjourney') return readMjTask(await json(ctx, { path: TuziPath.fetch(taskId), timeoutMs: 30_000 }, MjTaskAnswer));
      throw new ProviderError('INTERNAL_ERROR', `${TUZI_PROVIDER_ID}: ${request.model} is synchronous and has nothing to poll`, { retryable: false });
    },
  };
}
