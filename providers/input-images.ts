import { ProviderError } from '../domain/errors';
import { DEFAULT_IMAGE_LIMITS, ImageRejected, validateImage } from '../media/image-validate';
import { loadInputBytes } from '../media/prepare-inputs';
import type { ProviderEnv } from './types';

export interface InputImage {
  data: Buffer;
  contentType: string;
}

/** Input images larger than this are refused before any provider sees them. */
export const MAX_INPUT_IMAGE_BYTES = DEFAULT_IMAGE_LIMITS.maxBytes;

/**
 * Reads an input image given as a data URL or an http(s) URL into memory, for adapters that
 * need the bytes. By the time an adapter runs, the workflow's prepareInputs step has already
 * fetched, validated and preprocessed the user's images (and handed data URLs to base64
 * models), so this is mostly a decode; a URL is fetched through the SSRF-safe fetcher, never
 * with a plain fetch, and the type comes from the bytes.
 */
// `_env` is kept so existing adapters compile unchanged; its fetch is deliberately not used.
export async function loadInputImage(input: string, _env?: Pick<ProviderEnv, 'fetch'>): Promise<InputImage> {
  let data: Buffer;
  try {
    ({ data } = await loadInputBytes(input, 0, {}));
  } catch (err) {
    const message = err instanceof Error ? err.message.replace(/^input image 1: /, '') : String(err);
    throw new ProviderError('INPUT_FETCH_FAILED', `input image: ${message}`, { cause: err });
  }
  try {
    const image = await validateImage(data);
    return { data, contentType: image.contentType };
  } catch (err) {
    if (err instanceof ImageRejected) throw new ProviderError('INPUT_FETCH_FAILED', `input image: ${err.message}`, { cause: err });
    throw err;
  }
}

/** An input image as a data URL (for providers that take inline base64 in JSON). */
export async function inputImageAsDataUrl(input: string, _env?: Pick<ProviderEnv, 'fetch'>): Promise<string> {
  if (input.startsWith('data:')) return input;
  const image = await loadInputImage(input);
  return `data:${image.contentType};base64,${image.data.toString('base64')}`;
}
