import { ProviderError } from '../../domain/errors';
import type { GenerationRequest } from '../../domain/generation';
import { chatCompletionOutput } from '../core/chat-completions';
import { modelIn, parseModelParameters, requireOutputCount } from '../define-model';
import { loadInputImage, type InputImage } from '../input-images';
import type { CallContext, ProviderAdapter, ProviderEnv, ProviderOutput, SubmitResult } from '../types';
import { ChatCompletionAnswer, ImagesAnswer, ModelListAnswer, OPENAI_PROVIDER_ID, OpenAIPath, openaiCall, type ImagesResponse } from './api';
import { chatParameters, dallE2Parameters, dallE3Parameters, gptImage1Parameters, openaiModels, type OpenAIModel } from './models';

const IMAGE_TYPES: Record<string, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };
const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

function modelOf(id: string): OpenAIModel {
  return modelIn('openai', openaiModels, id);
}

function checkPrompt(model: OpenAIModel, prompt: string): void {
  if (model.maxPromptChars !== undefined && prompt.length > model.maxPromptChars) {
    throw new ProviderError('INVALID_PARAMETERS', `prompt: ${model.wireModel} accepts at most ${model.maxPromptChars} characters`);
  }
}

/** The Images API answers `url` (dall-e, valid for an hour) or `b64_json` entries. */
function imageOutputs(res: ImagesResponse, contentType: string): ProviderOutput[] {
  if (!Array.isArray(res.data) || res.data.length === 0) throw new ProviderError('PROVIDER_ERROR', 'openai: the response holds no images');
  return res.data.map((item) => {
    if (item.b64_json) return { type: 'bytes', data: Buffer.from(item.b64_json, 'base64'), contentType };
    if (item.url) return { type: 'url', url: item.url, contentType };
    throw new ProviderError('PROVIDER_ERROR', 'openai: an image entry has neither url nor b64_json');
  });
}

/** The JSON body of `POST /v1/images/generations`, per model: each takes only its own fields. */
export function generationBody(model: OpenAIModel, request: GenerationRequest): Record<string, unknown> {
  const base = { model: model.wireModel, prompt: request.prompt, n: request.numberOfOutputs };
  switch (model.wireModel) {
    case 'gpt-image-1': {
      const p = parseModelParameters(gptImage1Parameters, model.id, request.parameters);
      if (p.mask !== undefined || p.input_fidelity !== undefined) {
        throw new ProviderError('INVALID_PARAMETERS', 'parameters.mask and parameters.input_fidelity need at least one input image');
      }
      const { mask: _mask, input_fidelity: _fidelity, ...wire } = p;
      return { ...base, ...wire };
    }
    case 'dall-e-3': {
      requireOutputCount(model.id, request.numberOfOutputs, 1);
      return { ...base, ...parseModelParameters(dallE3Parameters, model.id, request.parameters) };
    }
    case 'dall-e-2': {
      const { mask, ...wire } = parseModelParameters(dallE2Parameters, model.id, request.parameters);
      if (mask !== undefined) throw new ProviderError('INVALID_PARAMETERS', 'parameters.mask needs an input image');
      return { ...base, ...wire };
    }
    default:
      throw new ProviderError('UNSUPPORTED_CAPABILITY', `openai: ${model.id} does not generate images`);
  }
}

function appendImage(form: FormData, field: string, image: InputImage, name: string): void {
  const type = image.contentType === 'application/octet-stream' ? 'image/png' : image.contentType;
  form.append(field, new Blob([new Uint8Array(image.data)], { type }), `${name}.${EXTENSIONS[type] ?? 'png'}`);
}

/** The multipart body of `POST /v1/images/edits`: gpt-image-1 takes `image[]` (up to 16), dall-e-2 one `image`. */
export async function editForm(model: OpenAIModel, request: GenerationRequest, env: Pick<ProviderEnv, 'fetch'>): Promise<FormData> {
  const form = new FormData();
  form.append('model', model.wireModel);
  form.append('prompt', request.prompt);
  form.append('n', String(request.numberOfOutputs));
  const images = await Promise.all(request.inputImages.map((input) => loadInputImage(input, env)));
  let mask: string | undefined;
  if (model.wireModel === 'gpt-image-1') {
    // The edits endpoint has no `moderation` field (moderation applies to generations only).
    const { mask: m, moderation: _moderation, ...wire } = parseModelParameters(gptImage1Parameters, model.id, request.parameters);
    mask = m;
    for (const [key, value] of Object.entries(wire)) if (value !== undefined) form.append(key, String(value));
    images.forEach((image, i) => appendImage(form, 'image[]', image, `image-${i}`));
  } else if (model.wireModel === 'dall-e-2') {
    const { mask: m, ...wire } = parseModelParameters(dallE2Parameters, model.id, request.parameters);
    mask = m;
    for (const [key, value] of Object.entries(wire)) form.append(key, value);
    const [image] = images;
    if (!image || images.length > 1) throw new ProviderError('INVALID_PARAMETERS', 'inputImages: dall-e-2 edits exactly one image');
    if (image.contentType !== 'image/png') throw new ProviderError('INVALID_PARAMETERS', 'inputImages: dall-e-2 edits a square PNG only');
    appendImage(form, 'image', image, 'image');
  } else {
    throw new ProviderError('UNSUPPORTED_CAPABILITY', `openai: ${model.id} cannot edit images`);
  }
  if (mask !== undefined) appendImage(form, 'mask', await loadInputImage(mask, env), 'mask');
  return form;
}

export function chatBody(model: OpenAIModel, request: GenerationRequest): Record<string, unknown> {
  const p = parseModelParameters(chatParameters, model.id, request.parameters);
  requireOutputCount(model.id, request.numberOfOutputs, 1);
  return {
    model: model.wireModel,
    messages: [
      { role: 'system', content: p.systemPrompt },
      { role: 'user', content: request.prompt },
    ],
    temperature: p.temperature,
    max_completion_tokens: p.maxTokens,
  };
}

/** OpenAI's Images and Chat APIs are synchronous: one call, the result in its answer. */
export function createOpenAIAdapter(env: ProviderEnv): ProviderAdapter {
  async function submit(request: GenerationRequest, ctx: CallContext): Promise<SubmitResult> {
    const model = modelOf(request.model);
    const call = { signal: ctx.signal, timeoutMs: model.maxDurationSeconds * 1000 };
    if (model.api === 'chat') {
      const res = await openaiCall(env, ctx.apiKey, { ...call, path: OpenAIPath.chatCompletions, json: chatBody(model, request) }, ChatCompletionAnswer);
      return { status: 'succeeded', outputs: [chatCompletionOutput(OPENAI_PROVIDER_ID, res)] };
    }
    checkPrompt(model, request.prompt);
    const format = typeof request.parameters.output_format === 'string' ? request.parameters.output_format : 'png';
    const contentType = IMAGE_TYPES[format] ?? 'image/png';
    const res =
      request.inputImages.length > 0
        ? await openaiCall(env, ctx.apiKey, { ...call, method: 'POST', path: OpenAIPath.imageEdits, body: await editForm(model, request, env) }, ImagesAnswer)
        : await openaiCall(env, ctx.apiKey, { ...call, path: OpenAIPath.imageGenerations, json: generationBody(model, request) }, ImagesAnswer);
    return { status: 'succeeded', outputs: imageOutputs(res, contentType) };
  }

  /** `GET /v1/models`: free, fast, and it fails exactly as a generation would on a bad key or an outage. */
  async function probe(ctx: CallContext): Promise<void> {
    await openaiCall(env, ctx.apiKey, { method: 'GET', path: OpenAIPath.models, timeoutMs: 15_000, ...(ctx.signal ? { signal: ctx.signal } : {}) }, ModelListAnswer);
  }
  return { submit, probe };
}
