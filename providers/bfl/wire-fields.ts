import type { WireFieldTable } from '../wire-fields';

/**
 * Black Forest Labs request bodies as its API reference documents them (docs.bfl.ai, the
 * per-endpoint pages generated from api.bfl.ai/openapi.json), one family per endpoint shape.
 *
 * Checked against stored copies of the pages: `/v1/flux-pro-1.1-ultra` (with `raw`,
 * `image_prompt_strength`) and `/v1/flux-kontext-pro` / `-max` (`input_image` … `input_image_4`).
 * `/v1/flux-pro-1.1` and `/v1/flux-dev` rest on the docs as read when the adapter was written
 * (the stored FLUX.1 [pro] page shows the same shape: width/height, image_prompt; dev adds
 * `steps` and `guidance`) — not confirmed offline (README: "rests on docs alone").
 */
const COMMON = ['prompt', 'seed', 'prompt_upsampling', 'safety_tolerance', 'output_format', 'webhook_url', 'webhook_secret'];

export const bflWireFields: WireFieldTable = {
  provider: 'bfl',
  doc: 'https://docs.bfl.ai/api-reference',
  families: {
    'flux-pro-1.1': {
      doc: 'https://docs.bfl.ai/api-reference/models/generate-an-image-with-flux-11-[pro]',
      fields: { '': [...COMMON, 'image_prompt', 'width', 'height'] },
      required: ['prompt'],
    },
    'flux-dev': {
      doc: 'https://docs.bfl.ai/api-reference/models/generate-an-image-with-flux1-[dev]',
      fields: { '': [...COMMON, 'image_prompt', 'width', 'height', 'steps', 'guidance'] },
      required: ['prompt'],
    },
    'flux-pro-1.1-ultra': {
      doc: 'https://docs.bfl.ai/api-reference/models/generate-an-image-with-flux-11-[pro]-with-ultra-mode-and-optional-raw-mode',
      fields: { '': [...COMMON, 'aspect_ratio', 'raw', 'image_prompt', 'image_prompt_strength'] },
      required: ['prompt'],
    },
    'flux-kontext': {
      doc: 'https://docs.bfl.ai/api-reference/models/edit-or-create-an-image-with-flux-kontext-pro (and -max)',
      fields: { '': [...COMMON, 'aspect_ratio', 'input_image', 'input_image_2', 'input_image_3', 'input_image_4'] },
      required: ['prompt'],
    },
  },
};
