import { ProviderError } from '../../domain/errors';
import type { GenerationRequest } from '../../domain/generation';
import type { ProviderOutput } from '../types';
import { GOOGLE_PROVIDER_ID } from './api';

export interface PredictResponse {
  predictions?: Array<{ bytesBase64Encoded?: string; mimeType?: string; raiFilteredReason?: string }>;
}

/**
 * `predict` body for Imagen: one instance (the prompt), numberOfOutputs as sampleCount. The
 * model table's `imageSize` is the REST field `sampleImageSize` ("1K" | "2K"; Gemini API docs,
 * Imagen → "Imagen configuration", and providers/google/wire-fields.ts); the API refuses an
 * unknown parameter such as `imageSize` with 400 INVALID_ARGUMENT.
 */
export function imagenBody(request: GenerationRequest): Record<string, unknown> {
  const { imageSize, ...rest } = request.parameters;
  return {
    instances: [{ prompt: request.prompt }],
    parameters: { sampleCount: request.numberOfOutputs, ...rest, ...(imageSize !== undefined ? { sampleImageSize: imageSize } : {}) },
  };
}

/**
 * Imagen drops filtered images from `predictions` (or says why in raiFilteredReason); when
 * none is left the request was moderated.
 */
export function imagesFromPredictions(response: PredictResponse): ProviderOutput[] {
  const predictions = response.predictions ?? [];
  const outputs: ProviderOutput[] = predictions
    .filter((p) => p.bytesBase64Encoded)
    .map((p) => ({ type: 'bytes', data: Buffer.from(p.bytesBase64Encoded!, 'base64'), contentType: p.mimeType ?? 'image/png' }));
  if (outputs.length === 0) {
    const reason = predictions.find((p) => p.raiFilteredReason)?.raiFilteredReason;
    throw new ProviderError('CONTENT_REJECTED', `${GOOGLE_PROVIDER_ID}: every image was filtered${reason ? `: ${reason}` : ' by the responsible-AI filters'}`);
  }
  return outputs;
}
