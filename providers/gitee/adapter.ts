import { z } from 'zod';
import { ProviderError } from '../../domain/errors';
import type { GenerationRequest } from '../../domain/generation';
import { sizeFieldForAspectRatio, type ImageAspectRatio } from '../core/aspect-ratio';
import { chatCompletionBody, chatCompletionOutput } from '../core/chat-completions';
import { ChatCompletionAnswer } from '../core/openai-compatible';
import { modelIn, parseModelParameters, requireOutputCount } from '../define-model';
import { loadInputImage } from '../input-images';
import { MODERATION } from '../json-call';
import type { PollResult, ProviderAdapter, ProviderEnv, ProviderOutput } from '../types';
import { AsyncSubmitAnswer, GITEE_PROVIDER_ID, GiteePath, giteeCall, ImagesAnswer, TaskAnswer, type ImagesResponse, type TaskResponse } from './api';
import { DEFAULT_SIZE, giteeModels, WAN_480P_SIZES, type GiteeModel } from './models';

const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };
/** Wan 2.1 renders 16 frames a second, and needs 4k+1 frames. */
const WAN_FPS = 16;

function modelOf(request: GenerationRequest): GiteeModel {
  return modelIn(GITEE_PROVIDER_ID, giteeModels, request.model);
}

function withoutUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

async function appendImages(form: FormData, request: GenerationRequest): Promise<void> {
  for (const [i, input] of request.inputImages.entries()) {
    const image = await loadInputImage(input);
    form.append('image', new Blob([new Uint8Array(image.data)], { type: image.contentType }), `image-${i}.${EXTENSIONS[image.contentType] ?? 'png'}`);
  }
}

/** `POST /v1/images/generations`, OpenAI-style; images come back inline (b64_json). */
export function generationsBody(model: GiteeModel, request: GenerationRequest): Record<string, unknown> {
  requireOutputCount(model.id, request.numberOfOutputs, 4);
  const { aspectRatio, size, ...p } = parseModelParameters(model.parameters, model.id, request.parameters) as Record<string, unknown> & { aspectRatio?: ImageAspectRatio; size?: string };
  return withoutUndefined({ model: model.wireModel, prompt: request.prompt, n: request.numberOfOutputs, response_format: 'b64_json', size: wireSize(model, aspectRatio, size), ...p });
}

/** The `size` field: the request's own, else its `aspectRatio` mapped by the shared helper, else the default. */
function wireSize(model: GiteeModel, aspectRatio: ImageAspectRatio | undefined, size: string | undefined): string {
  if (size) return size;
  return aspectRatio && model.sizes ? sizeFieldForAspectRatio(aspectRatio, model.sizes) : DEFAULT_SIZE;
}

/** `POST /v1/images/edits`: multipart, the images as repeated `image` files. */
export async function editsForm(model: GiteeModel, request: GenerationRequest): Promise<FormData> {
  requireOutputCount(model.id, request.numberOfOutputs, 1);
  if (request.inputImages.length === 0) throw new ProviderError('INVALID_PARAMETERS', `inputImages: ${model.id} edits at least one image`);
  const p = parseModelParameters(model.parameters, model.id, request.parameters);
  const form = new FormData();
  form.append('model', model.wireModel);
  form.append('prompt', request.prompt);
  form.append('response_format', 'b64_json');
  for (const [k, v] of Object.entries(withoutUndefined(p))) form.append(k, String(v));
  await appendImages(form, request);
  return form;
}

/** The async video task's fields: normalised duration → frames, aspect ratio → width/height. */
export function wanFields(model: GiteeModel, request: GenerationRequest): Record<string, unknown> {
  requireOutputCount(model.id, request.numberOfOutputs, 1);
  const { durationSeconds, aspectRatio, resolution: _resolution, ...own } = parseModelParameters(model.parameters, model.id, request.parameters) as Record<string, unknown> & {
    durationSeconds: number;
    aspectRatio?: string;
  };
  const frames = durationSeconds * WAN_FPS + 1;
  const shape = aspectRatio ? WAN_480P_SIZES[aspectRatio] : undefined;
  return withoutUndefined({ model: model.wireModel, prompt: request.prompt, num_frames: frames, ...(shape ?? {}), ...own });
}

function imageOutputs(res: ImagesResponse): ProviderOutput[] {
  const outputs = (res.data ?? []).map((item): ProviderOutput => {
    if (item.b64_json) return { type: 'bytes', data: Buffer.from(item.b64_json, 'base64'), contentType: item.type ?? 'image/png' };
    if (item.url) return { type: 'url', url: item.url };
    throw new ProviderError('PROVIDER_ERROR', `${GITEE_PROVIDER_ID}: an image entry has neither b64_json nor url`);
  });
  if (outputs.length === 0) throw new ProviderError('PROVIDER_ERROR', `${GITEE_PROVIDER_ID}: the answer holds no images`);
  return outputs;
}

export function taskToPoll(task: TaskResponse): PollResult {
  switch (task.status) {
    case 'waiting':
      return { status: 'pending' };
    case 'in_progress':
      return { status: 'running' };
    case 'success': {
      const url = task.output?.file_url ?? task.output?.url;
      if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new ProviderError('PROVIDER_ERROR', `${GITEE_PROVIDER_ID}: task ${task.task_id ?? ''} succeeded without a file`);
      return { status: 'succeeded', outputs: [{ type: 'url', url, contentType: 'video/mp4' }] };
    }
    case 'cancelled':
      return { status: 'canceled' };
    case 'failure':
    case 'failed': {
      const error = task.error && typeof task.error === 'object' ? (task.error as { message?: unknown }).message : task.error;
      const reason = [typeof error === 'string' ? error : undefined, task.message].filter(Boolean).join(': ') || 'the task failed';
      throw new ProviderError(MODERATION.test(reason) ? 'CONTENT_REJECTED' : 'PROVIDER_ERROR', `${GITEE_PROVIDER_ID}: ${reason}`, { retryable: false });
    }
    default:
      throw new ProviderError('PROVIDER_ERROR', `${GITEE_PROVIDER_ID}: unknown task status ${JSON.stringify(task.status)}`);
  }
}

/**
 * Gitee AI (模力方舟): images and chat completions synchronously through its OpenAI-style
 * endpoints; Wan video as an async task, polled at `/v1/task/{id}` and cancelled at
 * `/api/v1/task/{id}/cancel`.
 */
export function createGiteeAdapter(env: ProviderEnv): ProviderAdapter {
  return {
    async submit(request, ctx) {
      const model = modelOf(request);
      const timeoutMs = model.async ? 60_000 : model.maxDurationSeconds * 1000;
      switch (model.api) {
        case 'generations':
          return { status: 'succeeded', outputs: imageOutputs(await giteeCall(env, ctx, { method: 'POST', path: GiteePath.generations, json: generationsBody(model, request), timeoutMs }, ImagesAnswer)) };
        case 'chat':
          return { status: 'succeeded', outputs: [chatCompletionOutput(GITEE_PROVIDER_ID, await giteeCall(env, ctx, { method: 'POST', path: GiteePath.chatCompletions, json: chatCompletionBody(model.id, model.wireModel, request), timeoutMs }, ChatCompletionAnswer))] };
        case 'edits':
          return { status: 'succeeded', outputs: imageOutputs(await giteeCall(env, ctx, { method: 'POST', path: GiteePath.edits, body: await editsForm(model, request), timeoutMs }, ImagesAnswer)) };
        case 'text-to-video':
        case 'image-to-video': {
          const fields = wanFields(model, request);
          let res: { task_id: string };
          if (model.api === 'text-to-video') {
            res = await giteeCall(env, ctx, { method: 'POST', path: GiteePath.textToVideo, json: fields, timeoutMs }, AsyncSubmitAnswer);
          } else {
            if (request.inputImages.length !== 1) throw new ProviderError('INVALID_PARAMETERS', `inputImages: ${model.id} animates exactly one image`);
            const form = new FormData();
            for (const [k, v] of Object.entries(fields)) form.append(k, String(v));
            await appendImages(form, request);
            res = await giteeCall(env, ctx, { method: 'POST', path: GiteePath.imageToVideo, body: form, timeoutMs }, AsyncSubmitAnswer);
          }
          return { status: 'pending', taskId: res.task_id };
        }
      }
    },
    async poll(taskId, _request, ctx) {
      return taskToPoll(await giteeCall(env, ctx, { method: 'GET', path: GiteePath.task(taskId), timeoutMs: 30_000 }, TaskAnswer));
    },
    async cancel(taskId, ctx) {
      await giteeCall(env, ctx, { method: 'POST', path: GiteePath.cancel(taskId), timeoutMs: 30_000 }, z.unknown());
    },
  };
}
