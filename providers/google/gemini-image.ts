import { ProviderError } from '../../domain/errors';
import type { GenerationRequest } from '../../domain/generation';
import { loadInputImage } from '../input-images';
import type { ProviderEnv, ProviderOutput } from '../types';
import { GOOGLE_PROVIDER_ID } from './api';

interface Part {
  text?: string;
  inlineData?: { mimeType?: string; data?: string };
}

export interface GenerateContentResponse {
  candidates?: Array<{ content?: { parts?: Part[] }; finishReason?: string; finishMessage?: string }>;
  promptFeedback?: { blockReason?: string; blockReasonMessage?: string };
}

/** finishReasons that mean the output was withheld by moderation. */
const BLOCKED_FINISH = new Set(['SAFETY', 'PROHIBITED_CONTENT', 'BLOCKLIST', 'SPII', 'RECITATION', 'IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT', 'IMAGE_RECITATION']);

/** The request body: the prompt, then each reference image inline, asking for an image back. */
export async function generateContentBody(request: GenerationRequest, env: Pick<ProviderEnv, 'fetch'>): Promise<Record<string, unknown>> {
  const parts: Part[] = [{ text: request.prompt }];
  for (const input of request.inputImages) {
    const image = await loadInputImage(input, env);
    if (!image.contentType.startsWith('image/')) throw new ProviderError('INPUT_FETCH_FAILED', `${GOOGLE_PROVIDER_ID}: an input image is not an image (${image.contentType})`);
    parts.push({ inlineData: { mimeType: image.contentType, data: image.data.toString('base64') } });
  }
  const { aspectRatio, imageSize } = request.parameters as { aspectRatio?: string; imageSize?: string };
  const imageConfig = { ...(aspectRatio ? { aspectRatio } : {}), ...(imageSize ? { imageSize } : {}) };
  return {
    contents: [{ role: 'user', parts }],
    generationConfig: { responseModalities: ['TEXT', 'IMAGE'], ...(Object.keys(imageConfig).length ? { imageConfig } : {}) },
  };
}

/** The images of a response; a blocked prompt or candidate is CONTENT_REJECTED. */
export function imagesFromResponse(response: GenerateContentResponse): ProviderOutput[] {
  const block = response.promptFeedback?.blockReason;
  if (block) {
    throw new ProviderError('CONTENT_REJECTED', `${GOOGLE_PROVIDER_ID}: the prompt was blocked (${block})`, { details: { blockReason: block } });
  }
  const outputs: ProviderOutput[] = [];
  const texts: string[] = [];
  for (const candidate of response.candidates ?? []) {
    for (const part of candidate.content?.parts ?? []) {
      if (part.inlineData?.data) {
        outputs.push({ type: 'bytes', data: Buffer.from(part.inlineData.data, 'base64'), contentType: part.inlineData.mimeType ?? 'image/png' });
      } else if (part.text) {
        texts.push(part.text);
      }
    }
    const reason = candidate.finishReason;
    if (outputs.length === 0 && reason && BLOCKED_FINISH.has(reason)) {
      throw new ProviderError('CONTENT_REJECTED', `${GOOGLE_PROVIDER_ID}: the image was withheld (${reason})`, { details: { finishReason: reason } });
    }
  }
  if (outputs.length === 0) {
    // The model answered in words only (e.g. it declined): worth showing the user why.
    const said = texts.join(' ').slice(0, 300);
    throw new ProviderError('PROVIDER_ERROR', `${GOOGLE_PROVIDER_ID}: no image in the response${said ? `: ${said}` : ''}`, { retryable: false });
  }
  return outputs;
}
