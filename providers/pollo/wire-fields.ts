import type { WireFieldTable } from '../wire-fields';

/**
 * Pollo's generation bodies as its API reference documents them (docs.pollo.ai, OpenAPI
 * "Pollo | AI Video Collection", server https://pollo.ai/api/platform): every create is
 * `POST /generation/{brand}/{model}` with `{ input, webhookUrl? }`; the names inside `input` are
 * per model, so each endpoint is its own family.
 * - google/veo3 (https://docs.pollo.ai/m/google/veo3): `image` (URL), `prompt`,
 *   `negativePrompt`, `length`, `aspectRatio`, `resolution`, `seed`, `generateAudio`.
 * - kling-ai/kling-v2-1 (https://docs.pollo.ai/m/kling-ai/kling-v2-1): `image` ("only image URLs
 *   are supported"), `prompt`, `negativePrompt`, `length`, `strength`.
 * Webhooks (https://docs.pollo.ai/webhooks): headers X-Webhook-Id / X-Webhook-Timestamp /
 * X-Webhook-Signature (base64), signed content `${id}.${timestamp}.${body}` with the webhook
 * secret; the delivery carries `taskId` and `status` (`succeed` | `failed`).
 *
 * Rests on docs alone: on the kling-v2-1 page the stored copy shows `image` only, so
 * `prompt`, `negativePrompt`, `length` and `strength` there rest on the page as read when the
 * adapter was written (Pollo's newer `/v1/generation/kling-ai/*` pages use `duration` and
 * `strength`); the webhook HMAC's hash (SHA-256) is named in the page's verification code, which
 * the stored copy leaves out.
 */
export const polloWireFields: WireFieldTable = {
  provider: 'pollo',
  doc: 'https://docs.pollo.ai',
  families: {
    'google/veo3': {
      doc: 'https://docs.pollo.ai/m/google/veo3',
      fields: { '': ['input', 'webhookUrl'], input: ['image', 'prompt', 'negativePrompt', 'length', 'aspectRatio', 'resolution', 'seed', 'generateAudio'] },
      required: ['input', 'input.prompt'],
    },
    'kling-ai/kling-v2-1': {
      doc: 'https://docs.pollo.ai/m/kling-ai/kling-v2-1',
      fields: { '': ['input', 'webhookUrl'], input: ['image', 'prompt', 'negativePrompt', 'length', 'strength'] },
      required: ['input', 'input.image'],
    },
  },
};
