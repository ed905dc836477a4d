import type { WireFieldTable } from '../wire-fields';

/**
 * Gitee AI (模力方舟, also served as moark.com) request bodies as its API reference documents
 * them (ai.gitee.com/docs/openapi/v1, the same pages under moark.com/docs/products/apis/).
 *
 * - generations: `POST /v1/images/generations`, OpenAI-style JSON (`model`, `prompt`, `size`,
 *   `response_format`, `n`); the diffusion knobs (`negative_prompt`, `num_inference_steps`,
 *   `guidance_scale`, `seed`) are per-model fields of the same body.
 * - edits: `POST /v1/images/edits`, multipart; the images as repeated `image` files, the knobs
 *   as form fields (the doc's Qwen-Image-Edit-2511 sample sends `num_inference_steps`,
 *   `guidance_scale` and optional `task_types`).
 * - Video (视频生成): text-to-video is `POST /v1/async/videos/generations` (JSON),
 *   image-to-video `POST /v1/async/videos/image-to-video` (multipart, the frame as `image`);
 *   both answer `{ task_id, status, urls: { get, cancel } }`. Frames are `num_frames` (Wan: 4k+1)
 *   with `width`/`height`; `fps` is documented for the multipart endpoint.
 *
 * - chat-completions: `POST /v1/chat/completions`, the OpenAI wire (`model`, `messages` of
 *   `{ role, content }`, `temperature`, `max_tokens`, `stream`), as Gitee's 文本生成 reference and
 *   the OpenAI-compatible clients pointed at `https://ai.gitee.com/v1` send it.
 *
 * Rests on docs alone (no stored copy of the reference page itself, only the request samples
 * quoted from it in public code): the per-model names of the video bodies (`num_frames`,
 * `width`, `height`, `num_inference_steps`, `guidance_scale`, `negative_prompt`, `seed`) for
 * the Wan 2.1 models, and `size` on the edits endpoint (not sent).
 */
const DIFFUSION = ['negative_prompt', 'num_inference_steps', 'guidance_scale', 'seed'];
const VIDEO = ['model', 'prompt', 'num_frames', 'width', 'height', ...DIFFUSION];

export const giteeWireFields: WireFieldTable = {
  provider: 'gitee',
  doc: 'https://ai.gitee.com/docs/openapi/v1',
  families: {
    generations: {
      doc: 'https://ai.gitee.com/docs/openapi/v1#tag/图像生成/post/images/generations',
      fields: { '': ['model', 'prompt', 'n', 'size', 'response_format', ...DIFFUSION] },
      required: ['model', 'prompt'],
    },
    'chat-completions': {
      doc: 'https://ai.gitee.com/docs/openapi/v1#tag/文本生成/post/chat/completions',
      fields: { '': ['model', 'messages', 'temperature', 'max_tokens', 'stream', 'top_p', 'stop'], 'messages[]': ['role', 'content'] },
      required: ['model', 'messages'],
    },
    edits: {
      doc: 'https://ai.gitee.com/docs/openapi/v1#tag/图像生成/post/images/edits',
      fields: { '': ['model', 'prompt', 'image', 'size', 'response_format', 'task_types', ...DIFFUSION] },
      required: ['model', 'prompt', 'image'],
    },
    'text-to-video': {
      doc: 'https://ai.gitee.com/docs/openapi/v1#tag/视频生成/post/async/videos/generations',
      fields: { '': VIDEO },
      required: ['model', 'prompt'],
    },
    'image-to-video': {
      doc: 'https://ai.gitee.com/docs/openapi/v1#tag/视频生成/post/async/videos/image-to-video',
      fields: { '': [...VIDEO, 'image', 'fps'] },
      required: ['model', 'prompt', 'image'],
    },
  },
};
