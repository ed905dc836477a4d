import { z } from 'zod';
import { ProviderError } from '../../domain/errors';
import type { GenerationRequest } from '../../domain/generation';
import { modelIn, parseModelParameters, requireOutputCount } from '../define-model';
import { providerFetch } from '../http';
import { loadInputImage } from '../input-images';
import { readAnswer } from '../core/call';
import { bearer, providerErrorFrom } from '../json-call';
import type { CallContext, PollResult, ProviderAdapter, ProviderEnv, ProviderOutput } from '../types';
import { FINISH_REASON_HEADER, readStabilityError, STABILITY_PROVIDER_ID, StabilityPath } from './api';
import { stabilityModels, type StabilityModel } from './models';

const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

function modelOf(request: GenerationRequest): StabilityModel {
  const model = modelIn(STABILITY_PROVIDER_ID, stabilityModels, request.model);
  requireOutputCount(model.id, request.numberOfOutputs, 1);
  if (model.kinds.includes('upscale') && request.inputImages.length !== 1) {
    throw new ProviderError('INVALID_PARAMETERS', `inputImages: ${model.id} upscales exactly one image`);
  }
  return model;
}

/**
 * The multipart form for one endpoint. With an input image, Ultra and SD3 switch to
 * image-to-image (SD3 by `mode`), which takes `strength` and no `aspect_ratio`; without one
 * the reverse — the API refuses the other combination.
 */
export async function stabilityForm(model: StabilityModel, request: GenerationRequest): Promise<FormData> {
  // Every parameter is a string, number or boolean (the schemas say so).
  const p = { ...parseModelParameters(model.parameters, model.id, request.parameters) } as Record<string, string | number | boolean | undefined>;
  const form = new FormData();
  if (model.sendsPrompt) form.append('prompt', request.prompt);
  for (const [k, v] of Object.entries(model.fixed ?? {})) form.append(k, v);
  const input = request.inputImages[0];
  const generates = model.endpoint.startsWith('generate/');
  if (generates && input === undefined) delete p.strength;
  if (generates && input !== undefined) delete p.aspect_ratio;
  if (model.endpoint === 'generate/sd3') form.append('mode', input === undefined ? 'text-to-image' : 'image-to-image');
  for (const [k, v] of Object.entries(p)) if (v !== undefined) form.append(k, String(v));
  if (input !== undefined) {
    const image = await loadInputImage(input);
    form.append('image', new Blob([new Uint8Array(image.data)], { type: image.contentType }), `image.${EXTENSIONS[image.contentType] ?? 'png'}`);
  }
  return form;
}

/** An image answer: its bytes, unless `finish-reason` says the output was filtered. */
async function imageOutput(res: Response): Promise<ProviderOutput> {
  const reason = res.headers.get(FINISH_REASON_HEADER);
  if (reason === 'CONTENT_FILTERED') {
    // Stability still sends a (blurred) image: it is not what the user asked for.
    await res.body?.cancel().catch(() => undefined);
    throw new ProviderError('CONTENT_REJECTED', `${STABILITY_PROVIDER_ID}: the output was filtered by content moderation (finish-reason CONTENT_FILTERED)`);
  }
  const contentType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
  if (!contentType.startsWith('image/')) throw new ProviderError('PROVIDER_ERROR', `${STABILITY_PROVIDER_ID}: expected an image, got ${contentType || 'no content type'}`);
  return { type: 'bytes', data: Buffer.from(await res.arrayBuffer()), contentType };
}

/**
 * Stability AI (v2beta): generation and the fast and conservative upscales answer the image at
 * once (`Accept: image/*`); the creative upscale answers an id polled at `/v2beta/results/{id}`
 * (202 while in progress, then the image). No cancel endpoint exists.
 */
/** An async endpoint's answer: the generation id polled at /v2beta/results/{id}. */
const StabilityStarted = z.looseObject({ id: z.string().min(1) });

export function createStabilityAdapter(env: ProviderEnv): ProviderAdapter {
  async function post(model: StabilityModel, request: GenerationRequest, ctx: CallContext, accept: string): Promise<Response> {
    const res = await providerFetch(env, STABILITY_PROVIDER_ID, {
      method: 'POST',
      path: StabilityPath.endpoint(model.endpoint),
      headers: { ...bearer(STABILITY_PROVIDER_ID, ctx.apiKey), accept },
      body: await stabilityForm(model, request),
      timeoutMs: model.maxDurationSeconds * 1000,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    if (!res.ok) throw await providerErrorFrom(STABILITY_PROVIDER_ID, res, readStabilityError);
    return res;
  }

  return {
    async submit(request, ctx) {
      const model = modelOf(request);
      if (!model.async) return { status: 'succeeded', outputs: [await imageOutput(await post(model, request, ctx, 'image/*'))] };
      const res = await post(model, request, ctx, 'application/json');
      const body = await readAnswer(STABILITY_PROVIDER_ID, res, StabilityStarted);
      return { status: 'pending', taskId: body.id };
    },

    async poll(taskId, _request, ctx): Promise<PollResult> {
      const res = await providerFetch(env, STABILITY_PROVIDER_ID, {
        path: StabilityPath.result(taskId),
        headers: { ...bearer(STABILITY_PROVIDER_ID, ctx.apiKey), accept: 'image/*' },
        timeoutMs: 60_000,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      if (res.status === 202) {
        await res.body?.cancel().catch(() => undefined);
        return { status: 'running' };
      }
      if (res.status === 404) {
        const err = await providerErrorFrom(STABILITY_PROVIDER_ID, res, readStabilityError);
        // Results are kept 24 hours: a missing one will not appear by polling again.
        throw new ProviderError('PROVIDER_ERROR', err.message, { retryable: false });
      }
      if (!res.ok) throw await providerErrorFrom(STABILITY_PROVIDER_ID, res, readStabilityError);
      return { status: 'succeeded', outputs: [await imageOutput(res)] };
    },
  };
}
