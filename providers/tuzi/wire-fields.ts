import type { WireFieldTable } from '../wire-fields';

/**
 * TuZi (api.tu-zi.com) re-exposes upstream APIs with their own bodies, so each family quotes the
 * upstream reference TuZi's docs point to. Its `/kling` route forwards Kling's bodies unchanged:
 * those are checked against `klingWireFields` (providers/kling/wire-fields.ts).
 * - images: OpenAI's `POST /v1/images/generations`
 *   (https://platform.openai.com/docs/api-reference/images/create): `model`, `prompt`, `n`,
 *   `size`, `quality`, `background`, `moderation`, `output_format`, `output_compression`,
 *   `response_format`, `style`, `user`.
 * - mj-imagine: midjourney-proxy's `POST /mj/submit/imagine` (its API doc "提交Imagine任务"):
 *   `botType` (MID_JOURNEY | NIJI_JOURNEY), `prompt`, `base64Array` (data URLs), `notifyHook`,
 *   `state`; submit answers `{ code: 1 | 21 | 22 | other, description, result }`, and
 *   `GET /mj/task/{id}/fetch` moves NOT_START → SUBMITTED → (MODAL) → IN_PROGRESS → SUCCESS |
 *   FAILURE | CANCEL.
 *
 * Rests on docs alone: that TuZi's gateway accepts every OpenAI image field for gpt-image-1
 * (genflow sends only model, prompt, n, size, quality), and the meaning TuZi gives submit
 * codes 23 (queue full) and 24 (banned prompt), which come from mj-proxy's source, not a page.
 */
export const tuziWireFields: WireFieldTable = {
  provider: 'tuzi',
  doc: 'https://wiki.tu-zi.com',
  families: {
    images: {
      doc: 'https://platform.openai.com/docs/api-reference/images/create',
      fields: { '': ['model', 'prompt', 'n', 'size', 'quality', 'background', 'moderation', 'output_format', 'output_compression', 'response_format', 'style', 'user'] },
      required: ['model', 'prompt'],
    },
    'mj-imagine': {
      doc: 'https://github.com/novicezk/midjourney-proxy/blob/main/docs/api.md#提交imagine任务',
      fields: { '': ['botType', 'prompt', 'base64Array', 'notifyHook', 'state'] },
      required: ['prompt'],
    },
  },
};
