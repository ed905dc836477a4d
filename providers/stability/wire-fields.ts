import type { WireFieldTable } from '../wire-fields';

/**
 * Stability AI's v2beta Stable Image form fields (multipart/form-data) as its API reference
 * documents them (platform.stability.ai/docs/api-reference), one family per endpoint; the image
 * is the file part `image`. Generate endpoints: text-to-image takes `aspect_ratio`, an input
 * image takes `strength` instead (SD3 says which by `mode`).
 *
 * Checked against stored copies of the request schemas (Ultra, SD3.5, Conservative and Creative
 * upscale). Core's fields and Fast upscale's two fields rest on the docs as read when the adapter
 * was written, as does `style_preset` on Creative upscale (older copies of that page lack it;
 * newer ones list it) — not confirmed offline (README: "rests on docs alone").
 */
const GENERATE = ['prompt', 'negative_prompt', 'aspect_ratio', 'seed', 'style_preset', 'output_format', 'image', 'strength'];

export const stabilityWireFields: WireFieldTable = {
  provider: 'stability',
  doc: 'https://platform.stability.ai/docs/api-reference',
  families: {
    'generate/ultra': {
      doc: 'https://platform.stability.ai/docs/api-reference#tag/Generate/paths/~1v2beta~1stable-image~1generate~1ultra/post',
      fields: { '': GENERATE },
      required: ['prompt'],
    },
    'generate/core': {
      doc: 'https://platform.stability.ai/docs/api-reference#tag/Generate/paths/~1v2beta~1stable-image~1generate~1core/post',
      fields: { '': ['prompt', 'negative_prompt', 'aspect_ratio', 'seed', 'style_preset', 'output_format'] },
      required: ['prompt'],
    },
    'generate/sd3': {
      doc: 'https://platform.stability.ai/docs/api-reference#tag/Generate/paths/~1v2beta~1stable-image~1generate~1sd3/post',
      fields: { '': [...GENERATE, 'model', 'mode', 'cfg_scale'] },
      required: ['prompt', 'model', 'mode'],
    },
    'upscale/fast': {
      doc: 'https://platform.stability.ai/docs/api-reference#tag/Upscale/paths/~1v2beta~1stable-image~1upscale~1fast/post',
      fields: { '': ['image', 'output_format'] },
      required: ['image'],
    },
    'upscale/conservative': {
      doc: 'https://platform.stability.ai/docs/api-reference#tag/Upscale/paths/~1v2beta~1stable-image~1upscale~1conservative/post',
      fields: { '': ['image', 'prompt', 'negative_prompt', 'seed', 'creativity', 'output_format'] },
      required: ['image', 'prompt'],
    },
    'upscale/creative': {
      doc: 'https://platform.stability.ai/docs/api-reference#tag/Upscale/paths/~1v2beta~1stable-image~1upscale~1creative/post',
      fields: { '': ['image', 'prompt', 'negative_prompt', 'seed', 'creativity', 'style_preset', 'output_format'] },
      required: ['image', 'prompt'],
    },
  },
};
