import type { WireFieldTable } from '../wire-fields';

/**
 * OpenAI's request bodies as its API reference documents them (platform.openai.com/docs/api-reference),
 * one family per model and endpoint, because the Images API documents most fields per model
 * ("only supported for the GPT image models", "dall-e-3 only"): a field the model's section does
 * not name fails the contract test even if another model accepts it.
 *
 * Checked against stored copies of the reference (the Images "Create image" / "Create image
 * edit" parameter lists and the OpenAPI `CreateImageRequest` / `CreateImageEditRequest`
 * schemas). Edits are multipart: several images are sent as repeated `image[]` parts, the form
 * the reference's own curl example and SDKs use for the `image` array. Chat completions are
 * quoted for the four fields genflow sends only (the endpoint documents many more).
 */
const GPT_IMAGE_GENERATION = ['model', 'prompt', 'n', 'size', 'quality', 'background', 'moderation', 'output_format', 'output_compression', 'partial_images', 'stream', 'user'];
const GPT_IMAGE_EDIT = ['model', 'prompt', 'image', 'image[]', 'mask', 'n', 'size', 'quality', 'background', 'input_fidelity', 'output_format', 'output_compression', 'partial_images', 'stream', 'user'];

export const openaiWireFields: WireFieldTable = {
  provider: 'openai',
  doc: 'https://platform.openai.com/docs/api-reference',
  families: {
    'generations/gpt-image-1': {
      doc: 'https://platform.openai.com/docs/api-reference/images/create (GPT image models)',
      fields: { '': GPT_IMAGE_GENERATION },
      required: ['model', 'prompt'],
    },
    'generations/dall-e-3': {
      doc: 'https://platform.openai.com/docs/api-reference/images/create (dall-e-3: n=1, quality standard/hd, style)',
      fields: { '': ['model', 'prompt', 'n', 'size', 'quality', 'style', 'response_format', 'user'] },
      required: ['model', 'prompt'],
    },
    'generations/dall-e-2': {
      doc: 'https://platform.openai.com/docs/api-reference/images/create (dall-e-2: no style, quality standard only)',
      fields: { '': ['model', 'prompt', 'n', 'size', 'quality', 'response_format', 'user'] },
      required: ['model', 'prompt'],
    },
    'edits/gpt-image-1': {
      doc: 'https://platform.openai.com/docs/api-reference/images/createEdit (GPT image models; no `moderation`, no `response_format`)',
      fields: { '': GPT_IMAGE_EDIT },
      required: ['model', 'prompt', 'image[]'],
    },
    'edits/dall-e-2': {
      doc: 'https://platform.openai.com/docs/api-reference/images/createEdit (dall-e-2: one square PNG)',
      fields: { '': ['model', 'prompt', 'image', 'mask', 'n', 'size', 'response_format', 'user'] },
      required: ['model', 'prompt', 'image'],
    },
    chat: {
      doc: 'https://platform.openai.com/docs/api-reference/chat/create',
      fields: { '': ['model', 'messages', 'temperature', 'max_completion_tokens', 'n', 'user'], 'messages[]': ['role', 'content', 'name'] },
      required: ['model', 'messages'],
    },
  },
};
