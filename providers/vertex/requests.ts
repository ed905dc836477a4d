import { ProviderError } from '../../domain/errors';
import type { GenerationRequest } from '../../domain/generation';
import { parseModelParameters } from '../define-model';
import { loadInputImage } from '../input-images';
import type { ProviderOutput } from '../types';
import { VERTEX_PROVIDER_ID } from './constants';
import type { PredictAnswer } from './api';
import { editParameters, recontextParameters, upscaleParameters, type VertexModel } from './models';

const invalid = (message: string) => new ProviderError('INVALID_PARAMETERS', message, { retryable: false });

/** An input image as Vertex's `Image` (`bytesBase64Encoded`); only PNG and JPEG are documented. */
async function vertexImage(input: string, what: string): Promise<{ bytesBase64Encoded: string }> {
  const image = await loadInputImage(input);
  if (image.contentType !== 'image/png' && image.contentType !== 'image/jpeg') {
    throw new ProviderError('INPUT_FETCH_FAILED', `${what}: Vertex AI takes PNG or JPEG, not ${image.contentType}`);
  }
  return { bytesBase64Encoded: image.data.toString('base64') };
}

/**
 * imagen-3.0-capability-001 mask editing: the raw image (reference 1) and a mask reference
 * (reference 2) that is either the user's mask image (MASK_MODE_USER_PROVIDED) or a mode the
 * model masks by itself. Combinations the API would refuse are refused here with a reason.
 */
export async function editBody(model: VertexModel, request: GenerationRequest): Promise<Record<string, unknown>> {
  const p = parseModelParameters(editParameters, model.id, request.parameters);
  const [input] = request.inputImages;
  if (input === undefined || request.inputImages.length !== 1) throw invalid(`inputImages: ${model.id} edits exactly one image`);
  if (p.mask !== undefined && p.maskMode !== undefined && p.maskMode !== 'MASK_MODE_USER_PROVIDED') {
    throw invalid(`parameters.maskMode: ${p.maskMode} makes its own mask; leave it out (or MASK_MODE_USER_PROVIDED) with parameters.mask`);
  }
  const maskMode = p.mask !== undefined ? 'MASK_MODE_USER_PROVIDED' : (p.maskMode ?? (p.editMode === 'EDIT_MODE_BGSWAP' ? 'MASK_MODE_BACKGROUND' : undefined));
  if (maskMode === undefined) throw invalid(`parameters.mask: ${p.editMode} needs a mask image, or parameters.maskMode for one the model makes`);
  if (maskMode === 'MASK_MODE_USER_PROVIDED' && p.mask === undefined) throw invalid('parameters.mask: MASK_MODE_USER_PROVIDED needs the mask image');
  if ((maskMode === 'MASK_MODE_SEMANTIC') !== (p.maskClasses !== undefined)) {
    throw invalid('parameters.maskClasses: given with maskMode MASK_MODE_SEMANTIC, and only then');
  }
  const maskImageConfig = { maskMode, ...(p.dilation !== undefined ? { dilation: p.dilation } : {}), ...(p.maskClasses ? { maskClasses: p.maskClasses } : {}) };
  const maskReference = {
    referenceType: 'REFERENCE_TYPE_MASK',
    referenceId: 2,
    ...(p.mask !== undefined ? { referenceImage: await vertexImage(p.mask, 'parameters.mask') } : {}),
    maskImageConfig,
  };
  const { mask: _mask, maskMode: _mode, maskClasses: _classes, dilation: _dilation, ...wire } = p;
  return {
    instances: [
      {
        prompt: request.prompt,
        referenceImages: [{ referenceType: 'REFERENCE_TYPE_RAW', referenceId: 1, referenceImage: await vertexImage(input, 'inputImages[0]') }, maskReference],
      },
    ],
    parameters: { sampleCount: request.numberOfOutputs, ...wire },
  };
}

/** imagen-4.0-upscale-preview: one image, `mode: "upscale"` and the factor; no prompt (the model takes none). */
export async function upscaleBody(model: VertexModel, request: GenerationRequest): Promise<Record<string, unknown>> {
  const p = parseModelParameters(upscaleParameters, model.id, request.parameters);
  const [input] = request.inputImages;
  if (input === undefined || request.inputImages.length !== 1) throw invalid(`inputImages: ${model.id} upscales exactly one image`);
  return {
    instances: [{ image: await vertexImage(input, 'inputImages[0]') }],
    parameters: { mode: 'upscale', upscaleConfig: { upscaleFactor: `x${p.scale}` } },
  };
}

/** imagen-product-recontext: up to three views of the product and the scene prompt. */
export async function recontextBody(model: VertexModel, request: GenerationRequest): Promise<Record<string, unknown>> {
  const p = parseModelParameters(recontextParameters, model.id, request.parameters);
  if (request.inputImages.length < 1) throw invalid(`inputImages: ${model.id} needs 1 to ${model.inputImages.max} views of the product`);
  const productImages = [];
  for (const [i, input] of request.inputImages.entries()) productImages.push({ image: await vertexImage(input, `inputImages[${i}]`) });
  return { instances: [{ prompt: request.prompt, productImages }], parameters: { sampleCount: request.numberOfOutputs, ...p } };
}

/**
 * The images of a predict answer. Vertex leaves filtered images out of `predictions` (saying
 * why in raiFilteredReason when asked); with none left, the request was moderated.
 */
export function imagesFromPredictions(answer: PredictAnswer): ProviderOutput[] {
  const predictions = answer.predictions ?? [];
  const outputs: ProviderOutput[] = predictions
    .filter((p) => p.bytesBase64Encoded)
    .map((p) => ({ type: 'bytes', data: Buffer.from(p.bytesBase64Encoded!, 'base64'), contentType: p.mimeType ?? 'image/png' }));
  if (outputs.length === 0) {
    const reason = predictions.find((p) => p.raiFilteredReason)?.raiFilteredReason;
    throw new ProviderError('CONTENT_REJECTED', `${VERTEX_PROVIDER_ID}: every image was filtered${reason ? `: ${reason}` : ' by the responsible-AI filters'}`);
  }
  return outputs;
}
