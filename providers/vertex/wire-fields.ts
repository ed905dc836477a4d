import type { WireFieldTable } from '../wire-fields';

/**
 * Vertex AI `:predict` bodies of the Imagen models genflow calls, as the model reference pages
 * document them (cloud.google.com/vertex-ai/generative-ai/docs/model-reference/…):
 * - edit (imagen-api-edit): `instances[].{prompt, referenceImages[]}`, each reference
 *   `{referenceType, referenceId, referenceImage.bytesBase64Encoded, maskImageConfig}`;
 *   parameters addWatermark, baseSteps, editMode, guidanceScale, includeRaiReason,
 *   includeSafetyAttributes, language, negativePrompt, outputOptions, personGeneration,
 *   safetySetting, sampleCount, seed, storageUri. `maskImageConfig.{dilation, maskClasses}` rest
 *   on the page as read when the adapter was written (the stored copy is cut after maskMode).
 * - upscale (imagen-upscale-api): `instances[].image.bytesBase64Encoded`; parameters mode
 *   ("upscale", required on one copy of the page, absent from another), addWatermark,
 *   storageUri, outputOptions, upscaleConfig.upscaleFactor ("x2" | "x3" | "x4").
 * - recontext (imagen-product-recontext-api): `instances[].{prompt, productImages[].image}`,
 *   up to three views; parameters addWatermark, enhancePrompt, personGeneration, safetySetting,
 *   sampleCount, seed, storageUri, outputOptions.
 * Unknown fields are refused with 400 INVALID_ARGUMENT, as everywhere on Google's APIs.
 */
const IMAGE = ['bytesBase64Encoded', 'gcsUri', 'mimeType'];

export const vertexWireFields: WireFieldTable = {
  provider: 'vertex',
  doc: 'https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/imagen-api',
  families: {
    edit: {
      doc: 'https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/imagen-api-edit',
      fields: {
        '': ['instances', 'parameters'],
        'instances[]': ['prompt', 'referenceImages'],
        'instances[].referenceImages[]': ['referenceType', 'referenceId', 'referenceImage', 'maskImageConfig'],
        'instances[].referenceImages[].referenceImage': IMAGE,
        'instances[].referenceImages[].maskImageConfig': ['maskMode', 'dilation', 'maskClasses'],
        parameters: [
          'addWatermark', 'baseSteps', 'editMode', 'guidanceScale', 'includeRaiReason', 'includeSafetyAttributes', 'language',
          'negativePrompt', 'outputOptions', 'personGeneration', 'safetySetting', 'sampleCount', 'seed', 'storageUri',
        ],
      },
      required: ['instances', 'instances[].referenceImages', 'parameters.editMode'],
    },
    upscale: {
      doc: 'https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/imagen-upscale-api',
      fields: {
        '': ['instances', 'parameters'],
        'instances[]': ['prompt', 'image'],
        'instances[].image': IMAGE,
        parameters: ['mode', 'addWatermark', 'storageUri', 'outputOptions', 'upscaleConfig'],
        'parameters.upscaleConfig': ['upscaleFactor'],
      },
      required: ['instances', 'parameters.mode', 'parameters.upscaleConfig.upscaleFactor'],
    },
    recontext: {
      doc: 'https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/imagen-product-recontext-api',
      fields: {
        '': ['instances', 'parameters'],
        'instances[]': ['prompt', 'productImages'],
        'instances[].productImages[]': ['image'],
        'instances[].productImages[].image': IMAGE,
        parameters: ['addWatermark', 'enhancePrompt', 'personGeneration', 'safetySetting', 'sampleCount', 'seed', 'storageUri', 'outputOptions'],
      },
      required: ['instances', 'instances[].productImages'],
    },
  },
};
