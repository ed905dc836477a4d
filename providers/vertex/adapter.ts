import { modelIn, requireOutputCount } from '../define-model';
import type { GenerationRequest } from '../../domain/generation';
import type { ProviderAdapter, ProviderEnv } from '../types';
import { predict, vertexConnection, type VertexConnection } from './api';
import { VERTEX_PROVIDER_ID } from './constants';
import { vertexModels, type VertexModel } from './models';
import { editBody, imagesFromPredictions, recontextBody, upscaleBody } from './requests';

const BODIES = { edit: editBody, upscale: upscaleBody, recontext: recontextBody } as const;

/**
 * Vertex AI's Imagen edit, upscale and recontext: one synchronous `:predict` each, answered with
 * base64 images. No task, so no poll or cancel. The connection (credentials, project, token
 * cache) is built on the first call, so a missing setting fails that call with its reason
 * rather than the worker's start.
 */
export function createVertexAdapter(env: ProviderEnv): ProviderAdapter {
  let connection: VertexConnection | undefined;
  const connect = () => (connection ??= vertexConnection(env));

  return {
    async submit(request: GenerationRequest, ctx) {
      const model: VertexModel = modelIn(VERTEX_PROVIDER_ID, vertexModels, request.model);
      requireOutputCount(model.id, request.numberOfOutputs, model.maxOutputs);
      const body = await BODIES[model.api](model, request);
      const answer = await predict(env, connect(), ctx, model.wireModel, body, model.maxDurationSeconds * 1000);
      return { status: 'succeeded', outputs: imagesFromPredictions(answer) };
    },
  };
}
