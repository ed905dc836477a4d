import { ProviderError } from '../../domain/errors';
import { modelIn } from '../define-model';
import type { GenerationRequest } from '../../domain/generation';
import type { ProviderAdapter, ProviderEnv } from '../types';
import { GenerateContentAnswer, PredictAnswer, VeoOperationAnswer } from './answers';
import { GOOGLE_PROVIDER_ID, googleCall } from './api';
import { generateContentBody, imagesFromResponse } from './gemini-image';
import { imagenBody, imagesFromPredictions } from './imagen';
import { googleModels, type GoogleModel } from './models';
import { readOperation, veoBody } from './veo';

function modelOf(request: GenerationRequest): GoogleModel {
  const model = modelIn(GOOGLE_PROVIDER_ID, googleModels, request.model);
  if (request.numberOfOutputs > model.maxOutputs) {
    throw new ProviderError('INVALID_PARAMETERS', `${GOOGLE_PROVIDER_ID}: ${model.id} makes at most ${model.maxOutputs} output(s) per request`);
  }
  if (request.inputImages.length > model.inputImages.max) {
    throw new ProviderError('INVALID_PARAMETERS', `${GOOGLE_PROVIDER_ID}: ${model.id} accepts at most ${model.inputImages.max} input image(s)`);
  }
  return model;
}

/** Operation names look like `models/veo-3.0-generate-001/operations/abc123`. */
const OPERATION_NAME = /^models\/[\w.-]+\/operations\/[\w.-]+$/;

/**
 * Gemini image and Imagen models answer synchronously with base64 images; Veo runs as a
 * long-running operation polled by name. The Gemini API documents no cancel for Veo
 * operations, so there is no `cancel`.
 */
export function createGoogleAdapter(env: ProviderEnv): ProviderAdapter {
  return {
    async submit(request, ctx) {
      const model = modelOf(request);
      const path = `/v1beta/models/${model.wireModel}`;
      switch (model.api) {
        case 'gemini-image': {
          const body = await generateContentBody(request, env);
          const response = await googleCall(env, ctx, { method: 'POST', path: `${path}:generateContent`, json: body, timeoutMs: 300_000 }, GenerateContentAnswer);
          return { status: 'succeeded', outputs: imagesFromResponse(response) };
        }
        case 'imagen': {
          const response = await googleCall(env, ctx, { method: 'POST', path: `${path}:predict`, json: imagenBody(request), timeoutMs: 300_000 }, PredictAnswer);
          return { status: 'succeeded', outputs: imagesFromPredictions(response) };
        }
        case 'veo': {
          const body = await veoBody(request, env);
          const op = await googleCall(env, ctx, { method: 'POST', path: `${path}:predictLongRunning`, json: body }, VeoOperationAnswer);
          if (typeof op.name !== 'string' || !OPERATION_NAME.test(op.name)) {
            throw new ProviderError('PROVIDER_ERROR', `${GOOGLE_PROVIDER_ID}: no operation name in the answer`);
          }
          return { status: 'pending', taskId: op.name };
        }
      }
    },

    async poll(taskId, _request, ctx) {
      // The name goes into the path as is, so it must be exactly an operation name.
      if (!OPERATION_NAME.test(taskId)) throw new ProviderError('INTERNAL_ERROR', `${GOOGLE_PROVIDER_ID}: not an operation name: ${taskId}`, { retryable: false });
      const op = await googleCall(env, ctx, { method: 'GET', path: `/v1beta/${taskId}` }, VeoOperationAnswer);
      return readOperation(env, ctx, op);
    },
  };
}
