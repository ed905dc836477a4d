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
 * official Spaces' files; a Space's owner may change its signature at any time, which the
 * call would then report as an `error` event.
 */
export const GRADIO_SPACE_SIGNATURES: Readonly<Record<string, readonly string[]>> = {
  'black-forest-labs/FLUX.1-schnell/infer': ['prompt', 'seed', 'randomize_seed', 'width', 'height', 'num_inference_steps'],
  'black-forest-labs/FLUX.1-Kontext-Dev/infer': ['input_image', 'prompt', 'seed', 'randomize_seed', 'guidance_scale', 'steps'],
};
