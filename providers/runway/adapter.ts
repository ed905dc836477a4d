import { z } from 'zod';
import { ProviderError, type ErrorCode } from '../../domain/errors';
import type { GenerationRequest } from '../../domain/generation';
import { modelIn, requireOutputCount } from '../define-model';
import type { PollResult, ProviderAdapter, ProviderEnv } from '../types';
import { toWireVideoParameters } from '../video-wire';
import { RUNWAY_PROVIDER_ID, RunwayCreated, RunwayPath, runwayCall, RunwayTaskAnswer, type RunwayTask } from './api';
import { runwayModels, type RunwayModel } from './models';

function modelOf(id: string): RunwayModel {
  return modelIn(RUNWAY_PROVIDER_ID, runwayModels, id);
}

/** The endpoint and body of a task: an input image makes it image_to_video. */
export function runwayRequest(model: RunwayModel, request: GenerationRequest): { path: string; body: Record<string, unknown> } {
  requireOutputCount(model.id, request.numberOfOutputs, 1);
  const [image] = request.inputImages;
  if (image === undefined && !model.textToVideo) throw new ProviderError('INVALID_PARAMETERS', `${model.id} needs an input image`);
  const body: Record<string, unknown> = { model: model.runwayModel, promptText: request.prompt, ...toWireVideoParameters(request.parameters, model.videoWire) };
  if (image === undefined) return { path: RunwayPath.textToVideo, body };
  // Runway takes the image as an https URL or a data URI alike.
  return { path: RunwayPath.imageToVideo, body: { ...body, promptImage: image } };
}

/** Why a task failed, from its failureCode: safety checks are what users can act on. */
function failureCode(code: string | null | undefined, message: string): ErrorCode {
  const text = `${code ?? ''} ${message}`;
  if (/SAFETY|moderat/i.test(text)) return 'CONTENT_REJECTED';
  if (/^ASSET\./.test(code ?? '')) return 'INPUT_FETCH_FAILED';
  return 'PROVIDER_ERROR';
}

export function readRunwayTask(task: RunwayTask): PollResult {
  switch (task.status) {
    case 'PENDING':
    case 'THROTTLED':
      // THROTTLED: queued behind the account's concurrency limit; it starts on its own.
      return { status: 'pending' };
    case 'RUNNING':
      return typeof task.progress === 'number' ? { status: 'running', progress: Math.min(0.99, Math.max(0, task.progress)) } : { status: 'running' };
    case 'SUCCEEDED': {
      const urls = (task.output ?? []).filter((u) => typeof u === 'string' && /^https?:\/\//.test(u));
      if (urls.length === 0) throw new ProviderError('PROVIDER_ERROR', `${RUNWAY_PROVIDER_ID}: task ${task.id} succeeded without output`, { retryable: false });
      return { status: 'succeeded', outputs: urls.map((url) => ({ type: 'url', url })) };
    }
    case 'CANCELLED':
      return { status: 'canceled' };
    case 'FAILED': {
      const message = task.failure || 'the task failed';
      throw new ProviderError(failureCode(task.failureCode, message), `${RUNWAY_PROVIDER_ID}: ${message}`, {
        retryable: false,
        ...(task.failureCode ? { details: { failureCode: task.failureCode } } : {}),
      });
    }
    default:
      throw new ProviderError('PROVIDER_ERROR', `${RUNWAY_PROVIDER_ID}: unknown task status ${JSON.stringify(task.status)}`);
  }
}

/** Runway's developer API: create a task, poll /v1/tasks/{id}, cancel (or delete) with DELETE. */
export function createRunwayAdapter(env: ProviderEnv): ProviderAdapter {
  const signal = (s: AbortSignal | undefined) => (s ? { signal: s } : {});
  return {
    async submit(request, ctx) {
      const { path, body } = runwayRequest(modelOf(request.model), request);
      const res = await runwayCall(env, ctx.apiKey, { method: 'POST', path, json: body, timeoutMs: 60_000, ...signal(ctx.signal) }, RunwayCreated);
      return { status: 'pending', taskId: res.id };
    },

    async poll(taskId, _request, ctx) {
      return readRunwayTask(await runwayCall(env, ctx.apiKey, { path: RunwayPath.task(taskId), timeoutMs: 30_000, ...signal(ctx.signal) }, RunwayTaskAnswer));
    },

    async cancel(taskId, ctx) {
      try {
        await runwayCall(env, ctx.apiKey, { method: 'DELETE', path: RunwayPath.task(taskId), timeoutMs: 30_000, ...signal(ctx.signal) }, z.unknown());
      } catch (err) {
        // Already gone: nothing left to stop.
        if (err instanceof ProviderError && (err.details as { status?: number } | undefined)?.status === 404) return;
        throw err;
      }
    },
  };
}
