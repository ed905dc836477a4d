import { ProviderError } from '../../domain/errors';
import type { GenerationRequest } from '../../domain/generation';
import { sizeFieldForAspectRatio, type ImageAspectRatio } from '../core/aspect-ratio';
import { chatCompletionBody, chatCompletionOutput } from '../core/chat-completions';
import { ChatCompletionAnswer } from '../core/openai-compatible';
import { modelIn, parseModelParameters, requireOutputCount } from '../define-model';
import { MODERATION } from '../json-call';
import type { PollResult, ProviderAdapter, ProviderEnv } from '../types';
import { ASYNC_HEADER, MODELSCOPE_PROVIDER_ID, ModelScopePath, modelscopeCall, SubmitAnswer, TASK_TYPE_HEADER, TaskAnswer, type TaskResponse } from './api';
import { DEFAULT_SIZE, modelscopeModels, type ModelScopeModel } from './models';

function modelOf(id: string): ModelScopeModel {
  return modelIn(MODELSCOPE_PROVIDER_ID, modelscopeModels, id);
}

/** The JSON body of `POST /v1/images/generations`; an edit model takes its image as `image_url`. */
export function modelscopeBody(model: ModelScopeModel, request: GenerationRequest): Record<string, unknown> {
  requireOutputCount(model.id, request.numberOfOutputs, 1);
  const { aspectRatio, size, ...p } = parseModelParameters(model.parameters, model.id, request.parameters) as Record<string, unknown> & { aspectRatio?: ImageAspectRatio; size?: string };
  const body: Record<string, unknown> = { model: model.wireModel, prompt: request.prompt, size: size ?? shapeOf(model, aspectRatio), ...p };
  const image = request.inputImages[0];
  if (model.inputImages.max > 0) {
    if (!image) throw new ProviderError('INVALID_PARAMETERS', `inputImages: ${model.id} edits one image`);
    // ModelScope downloads the image itself: only a URL it can reach will do.
    if (!/^https?:\/\//i.test(image)) throw new ProviderError('UNSUPPORTED_CAPABILITY', `${MODELSCOPE_PROVIDER_ID}: ${model.id} takes its input image by URL only`);
    body.image_url = image;
  }
  return body;
}

/** `aspectRatio` as the `size` field, within the model's largest side; the default size without one. */
function shapeOf(model: ModelScopeModel, aspectRatio: ImageAspectRatio | undefined): string {
  return aspectRatio ? sizeFieldForAspectRatio(aspectRatio, { base: 1024, maxSide: model.maxSide ?? 1024 }) : DEFAULT_SIZE;
}

export function taskToPoll(task: TaskResponse): PollResult {
  switch (task.task_status) {
    case 'PENDING':
      return { status: 'pending' };
    case 'RUNNING':
    case 'PROCESSING':
      return { status: 'running' };
    case 'SUCCEED': {
      const urls = (task.output_images ?? []).filter((u) => typeof u === 'string' && /^https?:\/\//.test(u));
      if (urls.length === 0) throw new ProviderError('PROVIDER_ERROR', `${MODELSCOPE_PROVIDER_ID}: task ${task.task_id ?? ''} succeeded without an image`);
      return { status: 'succeeded', outputs: urls.map((url) => ({ type: 'url', url })) };
    }
    case 'FAILED': {
      const reason = task.errors?.message || task.message || 'the task failed';
      throw new ProviderError(MODERATION.test(reason) ? 'CONTENT_REJECTED' : 'PROVIDER_ERROR', `${MODELSCOPE_PROVIDER_ID}: ${reason}`, { retryable: false });
    }
    default:
      throw new ProviderError('PROVIDER_ERROR', `${MODELSCOPE_PROVIDER_ID}: unknown task status ${JSON.stringify(task.task_status)}`);
  }
}

/**
 * ModelScope API-Inference: an async image task, polled at `/v1/tasks/{id}` (it has no cancel);
 * chat completions answered at once.
 */
export function createModelScopeAdapter(env: ProviderEnv): ProviderAdapter {
  return {
    async submit(request, ctx) {
      const model = modelOf(request.model);
      if (model.api === 'chat') {
        const res = await modelscopeCall(env, ctx, { method: 'POST', path: ModelScopePath.chatCompletions, json: chatCompletionBody(model.id, model.wireModel, request), timeoutMs: model.maxDurationSeconds * 1000 }, ChatCompletionAnswer);
        return { status: 'succeeded', outputs: [chatCompletionOutput(MODELSCOPE_PROVIDER_ID, res)] };
      }
      const res = await modelscopeCall(env, ctx, { method: 'POST', path: ModelScopePath.generate, headers: { ...ASYNC_HEADER }, json: modelscopeBody(model, request), timeoutMs: 60_000 }, SubmitAnswer);
      return { status: 'pending', taskId: res.task_id };
    },
    async poll(taskId, _request, ctx) {
      const task = await modelscopeCall(env, ctx, { method: 'GET', path: ModelScopePath.task(taskId), headers: { ...TASK_TYPE_HEADER }, timeoutMs: 30_000 }, TaskAnswer);
      return taskToPoll(task);
    },
  };
}
