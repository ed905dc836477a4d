import { z } from 'zod';

/**
 * The OpenAI Images API's request and response shapes, as far as genflow serves them
 * (platform.openai.com/docs/api-reference/images). Unknown fields are refused, as OpenAI does.
 */

const size = z
  .string()
  .regex(/^(auto|\d{2,5}x\d{2,5})$/, 'must be `auto` or `<width>x<height>`')
  .describe('`auto` or `<width>x<height>`; mapped to the model\'s size, or its width and height');

const common = {
  model: z
    .string()
    .min(1)
    .max(200)
    .nullish()
    .describe('A genflow model id (`local/image`, `openai/gpt-image-1`, …); an OpenAI name (`gpt-image-1`, `dall-e-3`, …) or none uses the default model for the kind'),
  prompt: z.string().trim().min(1).max(32_000),
  n: z.int().min(1).max(4).nullish().describe('Images to make; genflow makes at most 4 per request'),
  size: size.nullish(),
  quality: z.enum(['standard', 'hd', 'low', 'medium', 'high', 'auto']).nullish(),
  response_format: z.enum(['url', 'b64_json']).nullish().describe('`url` (default): a stable genflow asset URL; `b64_json`: the bytes inline'),
  output_format: z.enum(['png', 'jpeg', 'webp']).nullish(),
  output_compression: z.int().min(0).max(100).nullish(),
  background: z.enum(['transparent', 'opaque', 'auto']).nullish(),
  user: z.string().max(256).optional().describe('Stored as the generation\'s `metadata.user`'),
  stream: z.literal(false).nullish().describe('Streaming is not supported'),
  partial_images: z.literal(0).nullish(),
};

export const openAiGenerationBody = z.strictObject({
  ...common,
  moderation: z.enum(['low', 'auto']).nullish(),
  style: z.enum(['vivid', 'natural']).nullish(),
});
export type OpenAiGenerationBody = z.infer<typeof openAiGenerationBody>;

/** The edit form once parsed: files become data URLs. */
export const openAiEditBody = z.strictObject({
  ...common,
  image: z.array(z.string()).min(1, 'at least one image is required').max(16),
  mask: z.string().optional(),
  input_fidelity: z.enum(['high', 'low']).nullish(),
});
export type OpenAiEditBody = z.infer<typeof openAiEditBody>;

const file = z.string().meta({ format: 'binary' });

/** How the edit form looks on the wire, for the OpenAPI document (form fields are strings). */
export const openAiEditForm = z.strictObject({
  image: file.describe('The image to edit (several images as repeated `image[]` parts)'),
  'image[]': z.array(file).max(16).optional(),
  prompt: z.string().min(1).max(32_000),
  mask: file.optional(),
  model: z.string().min(1).max(200).optional(),
  n: z.string().regex(/^[1-4]$/).optional(),
  size: size.optional(),
  quality: z.enum(['standard', 'low', 'medium', 'high', 'auto']).optional(),
  response_format: z.enum(['url', 'b64_json']).optional(),
  output_format: z.enum(['png', 'jpeg', 'webp']).optional(),
  output_compression: z.string().regex(/^\d{1,3}$/).optional(),
  background: z.enum(['transparent', 'opaque', 'auto']).optional(),
  input_fidelity: z.enum(['high', 'low']).optional(),
  user: z.string().max(256).optional(),
});

export const openAiImagesResponse = z.strictObject({
  created: z.int().describe('Unix seconds'),
  data: z.array(
    z.strictObject({
      url: z.string().optional(),
      b64_json: z.string().optional(),
      revised_prompt: z.string().optional(),
    }),
  ),
});

export const openAiErrorSchema = z.strictObject({
  error: z.strictObject({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string().nullable().describe('The genflow error code'),
  }),
});
