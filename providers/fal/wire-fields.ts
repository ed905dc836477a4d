import type { WireFieldTable } from '../wire-fields';

/**
 * fal.ai request bodies: a queue submit (`POST https://queue.fal.run/<model id>`) sends the
 * model's input object as the whole JSON body, with the webhook as the `fal_webhook` query
 * parameter, not a body field (docs.fal.ai, Model APIs → Queue). Each model id is its own family,
 * its fields the model's input schema (fal.ai/models/<model id>/api).
 *
 * Checked against stored copies of the model pages: Pika v2.2 image-to-video (no `aspect_ratio`;
 * the output takes the first frame's shape), FLUX.1 [dev] / [schnell] (schnell has no
 * `guidance_scale`) and Clarity Upscaler (`upscale_factor` 1-4, only `image_url` required; the
 * fields listed are those its page and llms.txt name). Pika v2.2 text-to-video rests on the docs
 * as read when the adapter was written (README: "rests on docs alone").
 */
const FLUX = ['prompt', 'image_size', 'num_inference_steps', 'seed', 'num_images', 'enable_safety_checker', 'output_format', 'sync_mode', 'acceleration'];
const model = (id: string, fields: string[], required: string[] = ['prompt']) => ({ doc: `https://fal.ai/models/${id}/api`, fields: { '': fields }, required });

export const falWireFields: WireFieldTable = {
  provider: 'fal',
  doc: 'https://docs.fal.ai/model-apis/model-endpoints/queue',
  families: {
    'fal-ai/pika/v2.2/text-to-video': model('fal-ai/pika/v2.2/text-to-video', ['prompt', 'seed', 'negative_prompt', 'aspect_ratio', 'resolution', 'duration']),
    'fal-ai/pika/v2.2/image-to-video': model('fal-ai/pika/v2.2/image-to-video', ['image_url', 'prompt', 'seed', 'negative_prompt', 'resolution', 'duration'], ['prompt', 'image_url']),
    'fal-ai/flux/dev': model('fal-ai/flux/dev', [...FLUX, 'guidance_scale']),
    'fal-ai/flux/schnell': model('fal-ai/flux/schnell', FLUX),
    'fal-ai/clarity-upscaler': model(
      'fal-ai/clarity-upscaler',
      ['image_url', 'prompt', 'upscale_factor', 'negative_prompt', 'creativity', 'resemblance', 'num_inference_steps', 'enable_safety_checker'],
      ['image_url'],
    ),
  },
};
