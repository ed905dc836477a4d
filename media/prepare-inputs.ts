import { createHash } from 'node:crypto';
import { GenflowError } from '../domain/errors';
import type { PreparedInput } from '../domain/media';
import type { InputImageMode } from '../domain/models';
import { DEFAULT_IMAGE_LIMITS, ImageRejected, validateImage, type ImageLimits } from './image-validate';
import { preprocessImage } from './preprocess';
import type { PreprocessPreset } from './preprocess-presets';
import type { FetchPolicy } from './fetch-policy';
import { readBody, safeFetch, SafeFetchError } from './safe-fetch';
import type { Storage } from './storage/types';
import { UPLOAD_REF, uploadKey } from './uploads';

export type { PreparedInput };

const DATA_URL = /^data:([\w.+-]+\/[\w.+-]+)?((?:;[\w-]+=[^;,]*)*)(;base64)?,(.*)$/s;

function inputError(index: number, reason: string, retryable = false, cause?: unknown): GenflowError {
  return new GenflowError('INPUT_FETCH_FAILED', `input image ${index + 1}: ${reason}`, {
    retryable,
    details: { index, reason },
    ...(cause === undefined ? {} : { cause }),
  });
}

/** The bytes of one input (a data URL, or an http(s) URL fetched through the safe fetcher). */
export async function loadInputBytes(
  input: string,
  index: number,
  policy: FetchPolicy,
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
  uploads?: { storage: Storage; generationId: string },
): Promise<{ data: Buffer; declaredType?: string }> {
  if (input.startsWith(UPLOAD_REF)) {
    const key = uploads ? uploadKey(input, uploads.generationId) : undefined;
    if (!key || !uploads) throw inputError(index, 'refused: not an upload of this generation');
    const object = await uploads.storage.get(key);
    if (!object) throw inputError(index, 'the uploaded image is missing from storage');
    if (object.bytes > limits.maxBytes) throw inputError(index, `the upload has ${object.bytes} bytes, more than the ${limits.maxBytes} allowed`);
    return { data: await readBody(object.stream) };
  }
  const match = DATA_URL.exec(input);
  if (input.startsWith('data:')) {
    if (!match) throw inputError(index, 'malformed data URL');
    const payload = match[4] ?? '';
    const data = match[3] ? Buffer.from(payload, 'base64') : Buffer.from(decodeURIComponent(payload), 'latin1');
    return { data, ...(match[1] ? { declaredType: match[1] } : {}) };
  }
  try {
    const res = await safeFetch(input, { ...policy, maxBytes: limits.maxBytes, headersTimeoutMs: policy.headersTimeoutMs ?? 15_000 });
    const type = res.headers['content-type'];
    return { data: await readBody(res.body), ...(type ? { declaredType: type.split(';')[0]!.trim() } : {}) };
  } catch (err) {
    if (err instanceof SafeFetchError) throw inputError(index, err.message, err.retryable, err);
    throw err;
  }
}

/**
 * Fetches, validates and preprocesses every input image and stores the results under
 * `inputs/<generationId>/<n>.<ext>` (fixed keys: a retried activity overwrites).
 */
export async function prepareInputImages(options: {
  storage: Storage;
  generationId: string;
  inputs: readonly string[];
  preset: PreprocessPreset;
  policy: FetchPolicy;
  limits?: ImageLimits;
}): Promise<PreparedInput[]> {
  const limits = options.limits ?? DEFAULT_IMAGE_LIMITS;
  const prepared: PreparedInput[] = [];
  for (const [index, input] of options.inputs.entries()) {
    const { data, declaredType } = await loadInputBytes(input, index, options.policy, limits, { storage: options.storage, generationId: options.generationId });
    let image;
    try {
      const source = await validateImage(data, limits, declaredType);
      image = await preprocessImage(data, source, options.preset, limits);
    } catch (err) {
      if (err instanceof ImageRejected) throw inputError(index, err.message, false, err);
      throw err;
    }
    const storageKey = `inputs/${options.generationId}/${index}.${image.extension}`;
    try {
      await options.storage.put(storageKey, image.data, image.contentType);
    } catch (err) {
      throw new GenflowError('STORAGE_FAILED', `storing input image ${index + 1} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    prepared.push({
      storageKey,
      contentType: image.contentType,
      bytes: image.data.length,
      sha256: createHash('sha256').update(image.data).digest('hex'),
      width: image.width,
      height: image.height,
    });
  }
  return prepared;
}

/**
 * Turns prepared inputs into what the model's adapter takes: data URLs for `base64` and
 * `either` (no extra hop, nothing exposed), presigned storage URLs for `url`. Local disk cannot
 * hand a provider a URL, so a `url` model there gets the user's original https URL (already
 * checked and fetched once) and fails clearly for an uploaded or inline image.
 */
export async function inputsForAdapter(
  storage: Storage,
  prepared: readonly PreparedInput[],
  mode: InputImageMode,
  originals: readonly string[],
): Promise<string[]> {
  const out: string[] = [];
  for (const [index, input] of prepared.entries()) {
    if (mode === 'url') {
      if (storage.presignGet) out.push(await storage.presignGet(input.storageKey, { contentType: input.contentType }));
      else if (/^https?:\/\//i.test(originals[index] ?? '')) out.push(originals[index]!);
      else {
        throw new GenflowError(
          'UNSUPPORTED_CAPABILITY',
          `input image ${index + 1}: this model takes images by URL only; pass an https URL or configure S3 storage (GENFLOW_STORAGE=s3)`,
        );
      }
      continue;
    }
    const object = await storage.get(input.storageKey);
    if (!object) throw new GenflowError('STORAGE_FAILED', `the prepared input image ${index + 1} is missing from storage`);
    out.push(`data:${input.contentType};base64,${(await readBody(object.stream)).toString('base64')}`);
  }
  return out;
}
