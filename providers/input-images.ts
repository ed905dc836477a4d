import { ProviderError } from '../domain/errors';
import type { ProviderEnv } from './types';

export interface InputImage {
  data: Buffer;
  contentType: string;
}

/** Input images larger than this are refused before any provider sees them. */
export const MAX_INPUT_IMAGE_BYTES = 20 * 1024 * 1024;

const DATA_URL = /^data:([\w.+-]+\/[\w.+-]+)?(;[\w-]+=[^;,]*)*;base64,(.*)$/s;

/**
 * Reads an input image given as a data URL or an http(s) URL into memory (images are small;
 * the byte cap bounds them). Adapters call this when a provider wants bytes or base64.
 * TODO(media pipeline, issue 6): fetch through the SSRF-safe fetcher and preprocess per preset.
 */
export async function loadInputImage(input: string, env: Pick<ProviderEnv, 'fetch'>): Promise<InputImage> {
  const match = DATA_URL.exec(input);
  if (match) {
    const data = Buffer.from(match[3] ?? '', 'base64');
    if (data.length === 0) throw new ProviderError('INPUT_FETCH_FAILED', 'input image: empty data URL');
    if (data.length > MAX_INPUT_IMAGE_BYTES) throw new ProviderError('INPUT_FETCH_FAILED', 'input image: larger than 20 MiB');
    return { data, contentType: match[1] ?? 'application/octet-stream' };
  }
  if (!/^https?:\/\//i.test(input)) {
    throw new ProviderError('INPUT_FETCH_FAILED', 'input image: expected an http(s) URL or a data: URL');
  }
  let res: Response;
  try {
    res = await env.fetch(input, { signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    throw new ProviderError('INPUT_FETCH_FAILED', `input image: fetch failed (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  if (!res.ok) throw new ProviderError('INPUT_FETCH_FAILED', `input image: HTTP ${res.status}`);
  const data = Buffer.from(await res.arrayBuffer());
  if (data.length > MAX_INPUT_IMAGE_BYTES) throw new ProviderError('INPUT_FETCH_FAILED', 'input image: larger than 20 MiB');
  return { data, contentType: res.headers.get('content-type') ?? 'application/octet-stream' };
}

/** An input image as a data URL (for providers that take inline base64 in JSON). */
export async function inputImageAsDataUrl(input: string, env: Pick<ProviderEnv, 'fetch'>): Promise<string> {
  if (input.startsWith('data:')) return input;
  const image = await loadInputImage(input, env);
  return `data:${image.contentType};base64,${image.data.toString('base64')}`;
}
