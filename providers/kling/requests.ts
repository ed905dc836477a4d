import { ProviderError } from '../../domain/errors';
import type { GenerationRequest } from '../../domain/generation';
import type { PollResult, ProviderOutput } from '../types';
import { toWireVideoParameters } from '../video-wire';
import type { KlingTask } from './api';
import type { KlingModel } from './models';

/** Where a request goes: text2video, image2video (an input image) or images/generations. */
export function klingEndpoint(model: KlingModel, request: GenerationRequest): string {
  if (model.api === 'image') return '/v1/images/generations';
  return request.inputImages.length > 0 ? '/v1/videos/image2video' : '/v1/videos/text2video';
}

/** Kling takes an image as an http(s) URL or as bare base64 (no `data:` prefix). */
function klingImage(input: string): string {
  const match = /^data:[^;,]+;base64,(.*)$/s.exec(input);
  return match ? match[1]! : input;
}

/** The create body for a Kling-shaped API. */
export function klingBody(model: KlingModel, request: GenerationRequest, callbackUrl?: string): Record<string, unknown> {
  const invalid = (message: string) => new ProviderError('INVALID_PARAMETERS', `${model.id}: ${message}`);
  if (request.numberOfOutputs > model.maxOutputs) throw invalid(`makes at most ${model.maxOutputs} output(s) per task`);
  if (request.inputImages.length > model.inputImages.max) throw invalid(`takes at most ${model.inputImages.max} input image(s)`);
  const params = model.videoWire ? toWireVideoParameters(request.parameters, model.videoWire) : { ...request.parameters };
  const [image] = request.inputImages;
  const body: Record<string, unknown> = { model_name: model.modelName, prompt: request.prompt, ...params };
  if (model.api === 'image') {
    body.n = request.numberOfOutputs;
    if (image === undefined) delete body.image_fidelity;
  }
  if (image !== undefined) {
    body.image = klingImage(image);
    // Image-to-video follows the frame's shape; Kling refuses aspect_ratio there.
    if (model.api === 'video') delete body.aspect_ratio;
  }
  if (callbackUrl) body.callback_url = callbackUrl;
  return body;
}

/** A task as genflow sees it; a failed task throws, as a failed poll does. */
export function readKlingTask(providerId: string, task: KlingTask): PollResult {
  switch (task.task_status) {
    case 'submitted':
      return { status: 'pending' };
    case 'processing':
      return { status: 'running' };
    case 'succeed': {
      const files = [...(task.task_result?.videos ?? []), ...(task.task_result?.images ?? [])];
      const outputs = files.filter((f) => typeof f?.url === 'string' && /^https?:\/\//.test(f.url)).map((f): ProviderOutput => ({ type: 'url', url: f.url }));
      if (outputs.length === 0) throw new ProviderError('PROVIDER_ERROR', `${providerId}: the task succeeded without result URLs`, { retryable: false });
      return { status: 'succeeded', outputs };
    }
    case 'failed': {
      const message = task.task_status_msg || 'the task failed';
      // The task is over: a moderation refusal is the one failure users can act on.
      const code = /risk|sensitive|content secur|violat|inappropriate|moderat/i.test(message) ? 'CONTENT_REJECTED' : 'PROVIDER_ERROR';
      throw new ProviderError(code, `${providerId}: ${message}`, { retryable: false });
    }
    default:
      throw new ProviderError('PROVIDER_ERROR', `${providerId}: unknown task status ${JSON.stringify((task as { task_status?: unknown }).task_status)}`, { retryable: false });
  }
}
