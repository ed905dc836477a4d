import { ProviderError } from '../../domain/errors';
import type { GenerationRequest } from '../../domain/generation';
import { sizeForAspectRatio, type ImageAspectRatio } from '../core/aspect-ratio';
import { providerCall } from '../core/call';
import { chatCompletionBody, chatCompletionOutput } from '../core/chat-completions';
import { ChatCompletionAnswer } from '../core/openai-compatible';
import { modelIn, parseModelParameters, requireOutputCount } from '../define-model';
import { parseRetryAfter, providerFetch } from '../http';
import { bearer, providerErrorFrom } from '../json-call';
import type { CallContext, ProviderAdapter, ProviderEnv, ProviderOutput } from '../types';
import { estimatedLoadMs, HUGGINGFACE_PROVIDER_ID, HuggingFacePath, readHuggingFaceError } from './api';
import { callSpace } from './gradio';
import { DEFAULT_SIDE, huggingfaceModels, type HuggingFaceModel } from './models';

function modelOf(request: GenerationRequest): HuggingFaceModel {
  const model = modelIn(HUGGINGFACE_PROVIDER_ID, huggingfaceModels, request.model);
  requireOutputCount(model.id, request.numberOfOutputs, 1);
  return model;
}

/**
 * The model's parameters with S0's `aspectRatio` turned into `width`/`height` (the only size
 * fields HF Inference and the Spaces take); models without a size pass through unchanged.
 */
export function shapedParameters(model: HuggingFaceModel, request: GenerationRequest): Record<string, unknown> {
  const { aspectRatio, ...p } = parseModelParameters(model.parameters, model.id, request.parameters) as Record<string, unknown> & { aspectRatio?: ImageAspectRatio };
  const sizes = model.api === 'chat' ? undefined : model.sizes;
  if (!sizes) return p;
  const shape = aspectRatio ? sizeForAspectRatio(aspectRatio, sizes) : { width: p.width ?? DEFAULT_SIDE, height: p.height ?? DEFAULT_SIDE };
  return { ...p, ...shape };
}

/** The text-to-image task's JSON: `inputs` is the prompt, the rest goes under `parameters`. */
export function textToImageBody(model: HuggingFaceModel, request: GenerationRequest): Record<string, unknown> {
  const p = shapedParameters(model, request);
  const parameters = Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined));
  return { inputs: request.prompt, parameters };
}

async function textToImage(env: ProviderEnv, ctx: CallContext, model: HuggingFaceModel & { api: 'inference' }, request: GenerationRequest): Promise<ProviderOutput> {
  const res = await providerFetch(env, HUGGINGFACE_PROVIDER_ID, {
    method: 'POST',
    path: HuggingFacePath.textToImage(model.repo),
    headers: { ...bearer(HUGGINGFACE_PROVIDER_ID, ctx.apiKey), accept: 'image/png' },
    json: textToImageBody(model, request),
    timeoutMs: model.maxDurationSeconds * 1000,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  if (!res.ok) {
    const clone = res.clone();
    const err = await providerErrorFrom(HUGGINGFACE_PROVIDER_ID, res, readHuggingFaceError);
    // A cold model answers 503 with how long loading takes: retry after that rather than at once.
    const loadMs = res.status === 503 && parseRetryAfter(res.headers.get('retry-after')) === undefined ? estimatedLoadMs(await clone.json().catch(() => undefined)) : undefined;
    if (loadMs === undefined) throw err;
    throw new ProviderError(err.code, err.message, { details: err.details, retryAfterMs: loadMs });
  }
  const contentType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
  if (!contentType.startsWith('image/')) throw new ProviderError('PROVIDER_ERROR', `${HUGGINGFACE_PROVIDER_ID}: expected image bytes, got ${contentType || 'no content type'}`);
  return { type: 'bytes', data: Buffer.from(await res.arrayBuffer()), contentType };
}

/**
 * Hugging Face: Inference Providers' text-to-image (one call, raw image bytes), the router's
 * chat completions, and Gradio Spaces (upload, call, read the SSE completion). All are
 * synchronous from genflow's side.
 */
export function createHuggingFaceAdapter(env: ProviderEnv): ProviderAdapter {
  return {
    async submit(request, ctx) {
      const model = modelOf(request);
      if (model.api === 'inference') return { status: 'succeeded', outputs: [await textToImage(env, ctx, model, request)] };
      if (model.api === 'chat') {
        const res = await providerCall(
          env,
          HUGGINGFACE_PROVIDER_ID,
          { method: 'POST', path: HuggingFacePath.chatCompletions, headers: bearer(HUGGINGFACE_PROVIDER_ID, ctx.apiKey), json: chatCompletionBody(model.id, model.wireModel, request), timeoutMs: model.maxDurationSeconds * 1000, ...(ctx.signal ? { signal: ctx.signal } : {}) },
          ChatCompletionAnswer,
          { errors: readHuggingFaceError },
        );
        return { status: 'succeeded', outputs: [chatCompletionOutput(HUGGINGFACE_PROVIDER_ID, res)] };
      }
      const parameters = shapedParameters(model, request);
      return { status: 'succeeded', outputs: [await callSpace(env, ctx, model.gradio, request, parameters, model.maxDurationSeconds * 1000)] };
    },
  };
}
