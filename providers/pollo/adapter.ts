import { ProviderError } from '../../domain/errors';
import type { GenerationRequest } from '../../domain/generation';
import { modelIn, requireOutputCount } from '../define-model';
import type { ProviderAdapter, ProviderEnv, WebhookEvent, WebhookRequest } from '../types';
import { toWireVideoParameters } from '../video-wire';
import { issuePath } from '../core/call';
import { POLLO_PROVIDER_ID, PolloPath, polloCall, PolloTaskAnswer, readPolloTask, verifyPolloWebhook } from './api';
import { polloModels, type PolloModel } from './models';

export interface PolloAdapterOptions {
  /** Sent as `webhookUrl` so Pollo POSTs the finished task; polling goes on regardless. */
  webhookUrl?: string;
}

function modelOf(id: string): PolloModel {
  return modelIn(POLLO_PROVIDER_ID, polloModels, id);
}

/** The `input` of a generation: the prompt, Pollo's parameter names and the image URL. */
export function polloInput(model: PolloModel, request: GenerationRequest): Record<string, unknown> {
  requireOutputCount(model.id, request.numberOfOutputs, 1);
  const [image] = request.inputImages;
  if (image === undefined && !model.textToVideo) throw new ProviderError('INVALID_PARAMETERS', `${model.id} needs an input image`);
  if (image !== undefined && !/^https?:\/\//.test(image)) throw new ProviderError('INVALID_PARAMETERS', `${model.id} needs the input image as an http(s) URL Pollo can download`);
  const input: Record<string, unknown> = { prompt: request.prompt, ...toWireVideoParameters(request.parameters, model.videoWire) };
  if (image !== undefined) {
    input.image = image;
    delete input.aspectRatio;
  }
  return input;
}

/** Pollo's generation API: `x-api-key`, one task per generation, polled at /generation/{id}/status or pushed. */
export function createPolloAdapter(env: ProviderEnv, options: PolloAdapterOptions = {}): ProviderAdapter {
  const signal = (s: AbortSignal | undefined) => (s ? { signal: s } : {});
  return {
    async submit(request, ctx) {
      const model = modelOf(request.model);
      const task = await polloCall(env, ctx.apiKey, {
        method: 'POST',
        path: PolloPath.create(model.endpoint),
        json: { input: polloInput(model, request), ...(options.webhookUrl ? { webhookUrl: options.webhookUrl } : {}) },
        timeoutMs: 60_000,
        ...signal(ctx.signal),
      }, PolloTaskAnswer);
      return { status: 'pending', taskId: task.taskId };
    },

    async poll(taskId, _request, ctx) {
      return readPolloTask(await polloCall(env, ctx.apiKey, { path: PolloPath.status(taskId), timeoutMs: 30_000, ...signal(ctx.signal) }, PolloTaskAnswer));
    },

    parseWebhook(req: WebhookRequest, secret: string): WebhookEvent {
      verifyPolloWebhook(req, secret);
      let json: unknown;
      try {
        json = JSON.parse(req.body.toString('utf8'));
      } catch (err) {
        throw new ProviderError('INVALID_REQUEST', 'pollo webhook: the body is not JSON', { cause: err });
      }
      const checked = PolloTaskAnswer.safeParse(json);
      if (!checked.success) {
        const issue = checked.error.issues[0];
        throw new ProviderError('INVALID_REQUEST', `pollo webhook: unexpected body: ${issuePath(issue?.path ?? [])}: ${issue?.message ?? 'invalid'}`);
      }
      const task = checked.data;
      try {
        return { taskId: task.taskId, result: readPolloTask(task) };
      } catch (err) {
        if (!(err instanceof ProviderError)) throw err;
        return { taskId: task.taskId, result: { status: 'failed', error: { code: err.code, message: err.message } } };
      }
    },
  };
}
