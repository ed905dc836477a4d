import type { WireFieldTable } from '../wire-fields';

/**
 * Request bodies of the Gemini API (v1beta) as Google documents them.
 * - generateContent: https://ai.google.dev/api/generate-content (GenerationConfig, ImageConfig)
 *   and https://ai.google.dev/gemini-api/docs/image-generation ("aspectRatio", "imageSize").
 * - Imagen predict: https://ai.google.dev/gemini-api/docs/imagen#imagen-configuration — the REST
 *   body is `instances[].prompt` + `parameters.{sampleCount, aspectRatio, personGeneration,
 *   sampleImageSize}`; the SDKs' `imageSize` option travels as `sampleImageSize` ("1K" | "2K",
 *   Standard and Ultra only). Unknown parameter fields are refused with 400 INVALID_ARGUMENT.
 * - Veo predictLongRunning: https://ai.google.dev/gemini-api/docs/video#veo-model-parameters
 *   (`instances[].prompt`, `instances[].image.{bytesBase64Encoded, mimeType}`, parameters
 *   aspectRatio, resolution, negativePrompt, personGeneration, durationSeconds).
 */
export const googleWireFields: WireFieldTable = {
  provider: 'google',
  doc: 'https://ai.google.dev/api',
  families: {
    'gemini-image': {
      doc: 'https://ai.google.dev/api/generate-content#generationconfig',
      fields: {
        '': ['contents', 'generationConfig'],
        'contents[]': ['role', 'parts'],
        'contents[].parts[]': ['text', 'inlineData'],
        'contents[].parts[].inlineData': ['mimeType', 'data'],
        generationConfig: ['responseModalities', 'imageConfig'],
        'generationConfig.imageConfig': ['aspectRatio', 'imageSize'],
      },
      required: ['contents', 'generationConfig.responseModalities'],
    },
    imagen: {
      doc: 'https://ai.google.dev/gemini-api/docs/imagen#imagen-configuration',
      fields: {
        '': ['instances', 'parameters'],
        'instances[]': ['prompt'],
        parameters: ['sampleCount', 'aspectRatio', 'personGeneration', 'sampleImageSize'],
      },
      required: ['instances', 'parameters.sampleCount'],
    },
    veo: {
      doc: 'https://ai.google.dev/gemini-api/docs/video#veo-model-parameters',
      fields: {
        '': ['instances', 'parameters'],
        'instances[]': ['prompt', 'image'],
        'instances[].image': ['bytesBase64Encoded', 'mimeType'],
        parameters: ['aspectRatio', 'resolution', 'negativePrompt', 'personGeneration', 'durationSeconds'],
      },
      required: ['instances'],
    },
  },
};
