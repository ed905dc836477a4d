import type { WireFieldTable } from '../wire-fields';

/**
 * Kling's create bodies as its API reference documents them (app.klingai.com/global/dev/document-api,
 * "Video Generation → Text to Video / Image to Video" and "Image Generation", request bodies).
 * `cfg_scale` is in the table because the endpoint has it, but the reference marks it "not
 * supported by Kling v2.x models", so rows of v2.x models do not offer it (providers/kling/models.ts).
 * TuZi's `/kling` proxy forwards these bodies unchanged.
 */
const VIDEO_COMMON = ['model_name', 'prompt', 'negative_prompt', 'cfg_scale', 'mode', 'camera_control', 'duration', 'callback_url', 'external_task_id'];

export const klingWireFields: WireFieldTable = {
  provider: 'kling',
  doc: 'https://app.klingai.com/global/dev/document-api',
  families: {
    text2video: {
      doc: 'https://app.klingai.com/global/dev/document-api/apiReference/model/textToVideo',
      fields: { '': [...VIDEO_COMMON, 'aspect_ratio'] },
      required: ['model_name', 'prompt'],
    },
    image2video: {
      doc: 'https://app.klingai.com/global/dev/document-api/apiReference/model/imageToVideo',
      fields: { '': [...VIDEO_COMMON, 'image', 'image_tail', 'static_mask', 'dynamic_masks'] },
      required: ['model_name', 'image'],
    },
    images: {
      doc: 'https://app.klingai.com/global/dev/document-api/apiReference/model/imageGeneration',
      fields: { '': ['model_name', 'prompt', 'negative_prompt', 'image', 'image_reference', 'image_fidelity', 'human_fidelity', 'resolution', 'n', 'aspect_ratio', 'callback_url'] },
      required: ['model_name', 'prompt'],
    },
  },
};

/** Parameters the reference marks as not supported by the v2.x models. */
export const KLING_V1_ONLY_FIELDS = ['cfg_scale'] as const;
