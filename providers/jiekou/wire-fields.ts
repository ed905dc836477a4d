import type { WireFieldTable } from '../wire-fields';

/**
 * Jiekou AI's Sora 2 (reverse) body as its model reference documents it
 * (https://docs.jiekou.ai/en/docs/models/reference-sora-2-video-reverse, "Request Body"):
 * `prompt`, `image` (URL only, .jpg/.jpeg/.png), `duration` (10 | 15), `size` (1280x720 |
 * 720x1280, only the orientation counts), `watermark` (default none), and the two character
 * fields `character_url` / `character_timestamps` (not sent by genflow). The result is read at
 * `GET /v3/async/task-result?task_id=` (task.status TASK_STATUS_QUEUED / _PROCESSING /
 * _SUCCEED / _FAILED, `videos[].video_url`).
 *
 * Rests on docs alone: the exact names of the two character fields (the stored page gives their
 * descriptions, not their keys), and the error body `{ code, reason, message, metadata }` (the
 * stored error-code page lists statuses and causes but no body): an OpenAI-style
 * `{ error: { message, code } }` is read as well.
 */
export const jiekouWireFields: WireFieldTable = {
  provider: 'jiekou',
  doc: 'https://docs.jiekou.ai/en/docs/models',
  families: {
    'sora-2-video-reverse': {
      doc: 'https://docs.jiekou.ai/en/docs/models/reference-sora-2-video-reverse',
      fields: { '': ['prompt', 'image', 'duration', 'size', 'watermark', 'character_url', 'character_timestamps'] },
      required: ['prompt', 'duration', 'size'],
    },
  },
};
