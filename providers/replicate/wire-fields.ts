import type { WireFieldTable } from '../wire-fields';

/**
 * Replicate request bodies: `POST /v1/models/{owner}/{name}/predictions` takes
 * `{ input, webhook, webhook_events_filter }` (replicate.com/docs/reference/http, "Create a
 * prediction using an official model"); the names inside `input` are each model's own input
 * schema (replicate.com/<owner>/<name>/api/schema), which is why each model is its own family.
 *
 * Checked against stored copies of the models' API pages: flux-schnell, flux-1.1-pro (whose
 * `aspect_ratio` options are custom, 1:1, 16:9, 3:2, 2:3, 4:5, 5:4, 9:16, 3:4, 4:3 — no 21:9 or
 * 9:21, unlike flux-schnell), minimax/video-01 and nightmareai/real-esrgan (a community model,
 * run by version through `POST /v1/predictions`, which takes official and community models alike
 * since Replicate's 2025-08-05 changelog). The top-level prediction fields and the files
 * API's multipart field `content` rest on the HTTP reference as read when the adapter was written
 * (README: "rests on docs alone").
 */
const PREDICTION = ['input', 'webhook', 'webhook_events_filter', 'stream'];
const prediction = (model: string, input: string[]) => ({
  doc: `https://replicate.com/${model}/api/schema`,
  fields: { '': PREDICTION, input },
  required: ['input.prompt'],
});

export const replicateWireFields: WireFieldTable = {
  provider: 'replicate',
  doc: 'https://replicate.com/docs/reference/http',
  families: {
    'black-forest-labs/flux-schnell': prediction('black-forest-labs/flux-schnell', [
      'prompt', 'aspect_ratio', 'num_outputs', 'num_inference_steps', 'seed', 'output_format', 'output_quality', 'disable_safety_checker', 'go_fast', 'megapixels',
    ]),
    'black-forest-labs/flux-1.1-pro': prediction('black-forest-labs/flux-1.1-pro', [
      'prompt', 'image_prompt', 'aspect_ratio', 'width', 'height', 'safety_tolerance', 'seed', 'prompt_upsampling', 'output_format', 'output_quality',
    ]),
    'minimax/video-01': prediction('minimax/video-01', ['prompt', 'first_frame_image', 'subject_reference', 'prompt_optimizer']),
    // A community model: `POST /v1/predictions` with `version`; its input has no prompt.
    'nightmareai/real-esrgan': {
      doc: 'https://replicate.com/nightmareai/real-esrgan/api/schema',
      fields: { '': ['version', ...PREDICTION], input: ['image', 'scale', 'face_enhance'] },
      required: ['version', 'input.image'],
    },
    files: {
      doc: 'https://replicate.com/docs/reference/http#files.create',
      fields: { '': ['content', 'filename', 'type', 'metadata'] },
      required: ['content'],
    },
  },
};
