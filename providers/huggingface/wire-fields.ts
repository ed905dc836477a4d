import type { WireFieldTable } from '../wire-fields';

/**
 * Hugging Face request bodies as documented.
 * - text-to-image: Inference Providers, https://huggingface.co/docs/inference-providers/tasks/text-to-image
 *   ("Using the API": `inputs` is the prompt; `parameters` holds `guidance_scale`,
 *   `negative_prompt`, `num_inference_steps`, `width`, `height`, `scheduler`, `seed`).
 * - gradio-upload / gradio-call: Gradio's REST API, https://www.gradio.app/guides/querying-gradio-apps-with-curl
 *   (upload is multipart `files` to `/gradio_api/upload`; a call is `{ data: [...] }` to
 *   `/gradio_api/call/<api_name>`, then SSE from `/gradio_api/call/<api_name>/<event_id>`).
 *
 * - chat-completions: Inference Providers' OpenAI-compatible router,
 *   https://huggingface.co/docs/inference-providers/tasks/chat-completion (base URL
 *   `https://router.huggingface.co/v1`; `model`, `messages`, `temperature`, `max_tokens`, `stream`, …).
 *
 * A call's `data` is positional: what each position means is the Space's own function
 * signature, listed in GRADIO_SPACE_SIGNATURES.
 */
export const huggingfaceWireFields: WireFieldTable = {
  provider: 'huggingface',
  doc: 'https://huggingface.co/docs/inference-providers',
  families: {
    'text-to-image': {
      doc: 'https://huggingface.co/docs/inference-providers/tasks/text-to-image#api-specification',
      fields: { '': ['inputs', 'parameters'], parameters: ['guidance_scale', 'negative_prompt', 'num_inference_steps', 'width', 'height', 'scheduler', 'seed'] },
      required: ['inputs'],
    },
    'chat-completions': {
      doc: 'https://huggingface.co/docs/inference-providers/tasks/chat-completion#api-specification',
      fields: { '': ['model', 'messages', 'temperature', 'max_tokens', 'stream', 'top_p', 'stop', 'seed'], 'messages[]': ['role', 'content'] },
      required: ['model', 'messages'],
    },
    'gradio-upload': {
      doc: 'https://www.gradio.app/guides/querying-gradio-apps-with-curl#files',
      fields: { '': ['files'] },
      required: ['files'],
    },
    'gradio-call': {
      doc: 'https://www.gradio.app/guides/querying-gradio-apps-with-curl#step-1-make-a-post-request',
      fields: { '': ['data'] },
      required: ['data'],
    },
  },
};

/**
 * The endpoint functions of the Spaces the model table calls, parameter names in order, as in
 * each Space's app.py (`def infer(...)`; `progress` is Gradio's and not an input).
 *
 * Rests on docs alone: the stored copies are of public duplicates of these Spaces (e.g.
 * Nymbo/FLUX.1-schnell, copies of black-forest-labs/FLUX.1-Kontext-Dev), not of the two
 * official Spaces' files, and the upscaler's signature is read from public gradio_client calls
 * to tuan2308/Upscaler (keyword names, `api_name="/realesrgan"`), not from the Space itself; a Space's owner may change its signature at any time, which the
 * call would then report as an `error` event.
 */
export const GRADIO_SPACE_SIGNATURES: Readonly<Record<string, readonly string[]>> = {
  'black-forest-labs/FLUX.1-schnell/infer': ['prompt', 'seed', 'randomize_seed', 'width', 'height', 'num_inference_steps'],
  'black-forest-labs/FLUX.1-Kontext-Dev/infer': ['input_image', 'prompt', 'seed', 'randomize_seed', 'guidance_scale', 'steps'],
  // The Real-ESRGAN demo's app.py (`def inference(img, model_name, denoise_strength, face_enhance, outscale)`
  // under api_name "/realesrgan"), as gradio_client calls to this Space name its inputs.
  'tuan2308/Upscaler/realesrgan': ['img', 'model_name', 'denoise_strength', 'face_enhance', 'outscale'],
};
