import { ProviderError } from '../../domain/errors';
import type { GenerationRequest } from '../../domain/generation';
import { parseModelParameters, requireOutputCount } from '../define-model';
import { MODERATION } from '../json-call';
import type { PollResult, ProviderAdapter, ProviderEnv } from '../types';
import { JIEKOU_PROVIDER_ID, JiekouPath, jiekouCall, SubmitAnswer, TaskResultAnswer, type TaskResult } from './api';
import { jiekouModels, sora2Parameters, SORA2_SIZES } from './models';

/** The JSON body of the Sora 2 (reverse) endpoint: normalised video options mapped to its names. */
export function sora2Body(request: GenerationRequest): Record<string, unknown> {
  requireOutputCount(request.model, request.numberOfOutputs, 1);
  const p = parseModelParameters(sora2Parameters, request.model, request.parameters);
  const body: Record<string, unknown> = { prompt: request.prompt, duration: p.durationSeconds, size: SORA2_SIZES[String(p.aspectRatio)], watermark: p.watermark };
  const image = request.inputImages[0];
  if (image !== undefined) {
    // Jiekou downloads the frame itself; inline images must have gone to storage (S3) first.
    if (!/^https?:\/\//i.test(image)) {
      throw new ProviderError('UNSUPPORTED_CAPABILITY', `${JIEKOU_PROVIDER_ID}: the input image must be an http(s) URL Jiekou can download (configure S3 storage for uploads)`);
    }
    body.image = image;
  }
  return body;
}

export function resultToPoll(result: TaskResult): PollResult {
  const task = result.task ?? {};
  switch (task.status) {
    case 'TASK_STATUS_QUEUED':
      return { status: 'pending' };
    case 'TASK_STATUS_PROCESSING':
      return typeof task.progress_percent === 'number' ? { status: 'running', progress: Math.min(1, Math.max(0, task.progress_percent / 100)) } : { status: 'running' };
    case 'TASK_STATUS_SUCCEED': {
      const urls = (result.videos ?? []).map((v) => v.video_url).filter((u): u is string => typeof u === 'string' && /^https?:\/\//.test(u));
      if (urls.length === 0) throw new ProviderError('PROVIDER_ERROR', `${JIEKOU_PROVIDER_ID}: task ${task.task_id ?? ''} succeeded without a video`);
      // The URLs expire (video_url_ttl): the storage step copies them at once.
      return { status: 'succeeded', outputs: urls.map((url) => ({ type: 'url', url, contentType: 'video/mp4' })) };
    }
    case 'TASK_STATUS_FAILED': {
      const reason = task.reason || 'the task failed';
      throw new ProviderError(MODERATION.test(reason) ? 'CONTENT_REJECTED' : 'PROVIDER_ERROR', `${JIEKOU_PROVIDER_ID}: ${reason}`, { retryable: false });
    }
    default:
      throw new ProviderError('PROVIDER_ERROR', `${JIEKOU_PROVIDER_ID}: unknown task status ${JSON.stringify(task.status)}`);
  }
}

/** Jiekou AI: async tasks answered with a task_id, polled at `/v3/async/task-result`; no cancel. */
export function createJiekouAdapter(env: ProviderEnv): ProviderAdapter {
  return {
    async submit(request, ctx) {
      if (!jiekouModels.some((m) => m.id === request.model)) throw new ProviderError('UNSUPPORTED_CAPABILITY', `${JIEKOU_PROVIDER_ID}: unknown model ${request.model}`);
      const res = await jiekouCall(env, ctx, { method: 'POST', path: JiekouPath.sora2, json: sora2Body(request), timeoutMs: 60_000 }, SubmitAnswer);
      return { status: 'pending', taskId: res.task_id };
    },
    async poll(taskId, _request, ctx) {
      return resultToPoll(await jiekouCall(env, ctx, { method: 'GET', path: JiekouPath.taskResult(taskId), timeoutMs: 30_000 }, TaskResultAnswer));
    },
  };
}
