import type { WireFieldTable } from '../wire-fields';

/**
 * ModelScope API-Inference's image body as its docs give it
 * (https://modelscope.cn/docs/model-service/API-Inference/intro, "文生图 / 图像生成"):
 * `POST /v1/images/generations` with `X-ModelScope-Async-Mode: true` takes `model`, `prompt`,
 * `negative_prompt`, `size` ("1024x1024"), `seed`, `steps`, `guidance`, and for edit models
 * `image_url` (a URL ModelScope downloads). One body shape serves every model.
 *
 * The `text` action is `POST /v1/chat/completions`, the OpenAI wire (`model`, `messages` of
 * `{ role, content }`, `temperature`, `max_tokens`, `stream`): the docs point OpenAI clients at
 * base URL `https://api-inference.modelscope.cn/v1/`.
 *
 * Rests on docs alone: `PROCESSING` as a task status (the samples poll PENDING / RUNNING /
 * SUCCEED / FAILED), and where a FAILED task's reason sits (`errors.message` in the API's error
 * bodies, a top-level `message` in the samples' task reads: both are read).
 */
export const modelscopeWireFields: WireFieldTable = {
  provider: 'modelscope',
  doc: 'https://modelscope.cn/docs/model-service/API-Inference/intro',
  families: {
    'images-generations': {
      doc: 'https://modelscope.cn/docs/model-service/API-Inference/intro#文生图模型',
      fields: { '': ['model', 'prompt', 'negative_prompt', 'size', 'seed', 'steps', 'guidance', 'image_url'] },
      required: ['model', 'prompt'],
    },
    'chat-completions': {
      doc: 'https://modelscope.cn/docs/model-service/API-Inference/intro#大语言模型',
      fields: { '': ['model', 'messages', 'temperature', 'max_tokens', 'stream', 'top_p', 'stop'], 'messages[]': ['role', 'content'] },
      required: ['model', 'messages'],
    },
  },
};
