import { ProviderError } from '../../domain/errors';
import type { GenerationRequest } from '../../domain/generation';
import { providerFetch } from '../http';
import { loadInputImage } from '../input-images';
import { z } from 'zod';
import { providerCall } from '../core/call';
import { MODERATION, providerErrorFrom } from '../json-call';
import type { CallContext, ProviderEnv, ProviderOutput } from '../types';
import { HUGGINGFACE_PROVIDER_ID, HuggingFacePath, readHuggingFaceError, spaceUrl } from './api';
import type { GradioCall } from './models';

const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

/** A file as Gradio passes it in `data`: the server path an upload answered, tagged as FileData. */
interface FileData {
  path: string;
  url?: string;
  orig_name?: string;
  mime_type?: string | null;
  meta: { _type: 'gradio.FileData' };
}

export interface SseEvent {
  event: string;
  data: string;
}

/** Server-sent events from a stream, one at a time (`event:` and `data:` lines, blank-line separated). */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  const parse = (block: string): SseEvent | undefined => {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    return data.length || event !== 'message' ? { event, data: data.join('\n') } : undefined;
  };
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let at: number;
    while ((at = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffer.slice(0, at);
      buffer = buffer.slice(at).replace(/^\r?\n\r?\n/, '');
      const event = parse(block);
      if (event) yield event;
    }
  }
  const last = parse(buffer);
  if (last) yield last;
}

function authHeaders(ctx: CallContext): Record<string, string> {
  // Public Spaces need no token; with one, private Spaces work and ZeroGPU counts the account's quota.
  return ctx.apiKey ? { authorization: `Bearer ${ctx.apiKey}` } : {};
}

/** A Space's upload answers the uploaded files' server paths, one per file sent. */
const UploadAnswer = z.tuple([z.string()], z.unknown());
/** A Gradio call answers the event id its result stream is read under. */
const CallStarted = z.looseObject({ event_id: z.string().min(1) });

async function upload(env: ProviderEnv, base: string, ctx: CallContext, input: string, index: number): Promise<FileData> {
  const image = await loadInputImage(input);
  const name = `input-${index}.${EXTENSIONS[image.contentType] ?? 'png'}`;
  const form = new FormData();
  form.append('files', new Blob([new Uint8Array(image.data)], { type: image.contentType }), name);
  const [path] = await providerCall(env, HUGGINGFACE_PROVIDER_ID, { method: 'POST', path: `${base}${HuggingFacePath.upload}`, headers: authHeaders(ctx), body: form, timeoutMs: 120_000, ...(ctx.signal ? { signal: ctx.signal } : {}) }, UploadAnswer, { errors: readHuggingFaceError });
  return { path, orig_name: name, mime_type: image.contentType, meta: { _type: 'gradio.FileData' } };
}

/** The endpoint's positional `data`, built from the model table's slots. */
export async function gradioData(env: ProviderEnv, base: string, ctx: CallContext, call: GradioCall, request: GenerationRequest, parameters: Record<string, unknown>): Promise<unknown[]> {
  const files = new Map<number, FileData>();
  for (const slot of call.inputs) {
    if ('from' in slot && slot.from === 'image' && !files.has(slot.index)) {
      const input = request.inputImages[slot.index];
      if (input === undefined) throw new ProviderError('INVALID_PARAMETERS', `inputImages: ${request.model} needs image ${slot.index + 1}`);
      files.set(slot.index, await upload(env, base, ctx, input, slot.index));
    }
  }
  return call.inputs.map((slot) => {
    if (!('from' in slot)) return slot.value;
    if (slot.from === 'prompt') return request.prompt;
    if (slot.from === 'image') return files.get(slot.index);
    return parameters[slot.name] ?? null;
  });
}

function errorFromEvent(data: string): ProviderError {
  let message = 'the Space reported an error';
  try {
    const parsed = JSON.parse(data) as unknown;
    if (typeof parsed === 'string' && parsed) message = parsed;
    else if (parsed && typeof parsed === 'object' && typeof (parsed as { message?: unknown }).message === 'string') message = (parsed as { message: string }).message;
  } catch {
    if (data.trim()) message = data.trim();
  }
  message = message.slice(0, 500);
  if (/GPU quota|quota exceeded/i.test(message)) return new ProviderError('QUOTA_EXCEEDED', `${HUGGINGFACE_PROVIDER_ID}: ${message}`);
  if (MODERATION.test(message)) return new ProviderError('CONTENT_REJECTED', `${HUGGINGFACE_PROVIDER_ID}: ${message}`);
  return new ProviderError('PROVIDER_ERROR', `${HUGGINGFACE_PROVIDER_ID}: ${message}`, { retryable: false });
}

/** The output file of a `complete` event: its URL (absolute, or the Space's `/gradio_api/file=` path). */
export function outputFromComplete(base: string, data: string, index: number): ProviderOutput {
  let values: unknown;
  try {
    values = JSON.parse(data);
  } catch {
    throw new ProviderError('PROVIDER_ERROR', `${HUGGINGFACE_PROVIDER_ID}: the completion is not JSON`);
  }
  const file = Array.isArray(values) ? (values[index] as Partial<FileData> | string | null | undefined) : undefined;
  const ref = typeof file === 'string' ? file : file?.url ?? (file?.path ? `${base}/gradio_api/file=${file.path}` : undefined);
  if (!ref) throw new ProviderError('PROVIDER_ERROR', `${HUGGINGFACE_PROVIDER_ID}: the completion has no file at position ${index}`);
  const url = /^https?:\/\//.test(ref) ? ref : `${base}/gradio_api/file=${ref}`;
  return { type: 'url', url, ...(typeof file === 'object' && file?.mime_type ? { contentType: file.mime_type } : {}) };
}

/**
 * One Gradio call: upload the input files, `POST /gradio_api/call/<api>` for an event id, then
 * read `GET /gradio_api/call/<api>/<event_id>` (SSE) until `complete` or `error`.
 */
export async function callSpace(env: ProviderEnv, ctx: CallContext, call: GradioCall, request: GenerationRequest, parameters: Record<string, unknown>, timeoutMs: number): Promise<ProviderOutput> {
  const base = spaceUrl(env.baseUrl, call.space);
  const data = await gradioData(env, base, ctx, call, request, parameters);
  const signal = ctx.signal ? { signal: ctx.signal } : {};
  const started = await providerCall(env, HUGGINGFACE_PROVIDER_ID, { method: 'POST', path: `${base}${HuggingFacePath.call(call.apiName)}`, headers: authHeaders(ctx), json: { data }, timeoutMs: 60_000, ...signal }, CallStarted, { errors: readHuggingFaceError });
  const res = await providerFetch(env, HUGGINGFACE_PROVIDER_ID, { path: `${base}${HuggingFacePath.events(call.apiName, started.event_id)}`, headers: { ...authHeaders(ctx), accept: 'text/event-stream' }, timeoutMs, ...signal });
  if (!res.ok) throw await providerErrorFrom(HUGGINGFACE_PROVIDER_ID, res, readHuggingFaceError);
  if (!res.body) throw new ProviderError('PROVIDER_ERROR', `${HUGGINGFACE_PROVIDER_ID}: the event stream is empty`);
  try {
    for await (const event of readSse(res.body)) {
      if (event.event === 'complete') return outputFromComplete(base, event.data, call.output);
      if (event.event === 'error') throw errorFromEvent(event.data);
    }
  } catch (err) {
    if (err instanceof ProviderError) throw err;
    throw new ProviderError('PROVIDER_UNAVAILABLE', `${HUGGINGFACE_PROVIDER_ID}: the event stream broke: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  // The stream ended without a verdict (the Space restarted): worth another attempt.
  throw new ProviderError('PROVIDER_UNAVAILABLE', `${HUGGINGFACE_PROVIDER_ID}: the event stream ended without a result`);
}
