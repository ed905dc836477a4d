import { modelIn } from '../define-model';
import type { ProviderAdapter, ProviderEnv } from '../types';
import { KLING_PROVIDER_ID, klingCall, klingJwt, KlingCreated, KlingTaskAnswer, splitKlingKey } from './api';
import { klingModels, type KlingModel } from './models';
import { klingBody, klingEndpoint, readKlingTask } from './requests';

export interface KlingAdapterOptions {
  /** Sent as `callback_url` so Kling pushes task updates; polling stays the source of truth. */
  callbackUrl?: string;
}

function modelOf(id: string): KlingModel {
  return modelIn(KLING_PROVIDER_ID, klingModels, id);
}

/**
 * Kling's official API: a bearer JWT made from the pool entry `accessKey:secretKey` for each
 * call, async tasks on text2video / image2video / images/generations, each read back at
 * `<endpoint>/<task_id>`. Kling has no cancel endpoint: a canceled generation stops polling.
 */
export function createKlingAdapter(env: ProviderEnv, options: KlingAdapterOptions = {}): ProviderAdapter {
  const authorization = (apiKey: string | undefined): string => {
    const { accessKey, secretKey } = splitKlingKey(apiKey);
    return `Bearer ${klingJwt(accessKey, secretKey)}`;
  };
  return {
    async submit(request, ctx) {
      const model = modelOf(request.model);
      const task = await klingCall(env, KLING_PROVIDER_ID, authorization(ctx.apiKey), {
        method: 'POST',
        path: klingEndpoint(model, request),
        json: klingBody(model, request, options.callbackUrl),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      }, KlingCreated);
      return { status: 'pending', taskId: task.task_id };
    },

    async poll(taskId, request, ctx) {
      const model = modelOf(request.model);
      const task = await klingCall(env, KLING_PROVIDER_ID, authorization(ctx.apiKey), {
        method: 'GET',
        path: `${klingEndpoint(model, request)}/${encodeURIComponent(taskId)}`,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      }, KlingTaskAnswer);
      return readKlingTask(KLING_PROVIDER_ID, task);
    },
  };
}
