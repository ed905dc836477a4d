import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { GenflowError, ProviderError } from '../domain/errors';
import type { StoredAsset } from '../domain/generation';
import type { ProviderOutput } from './provider-output';
import { inspectMedia } from './inspect';
import { textInfo } from './text-output';
import type { FetchPolicy } from './fetch-policy';
import { safeFetch, SafeFetchError } from './safe-fetch';
import type { Storage } from './storage/types';

/** Enough of a file's head to sniff its type and, for most formats, its dimensions. */
const SNIFF_BYTES = 256 * 1024;

async function readHead(stream: Readable): Promise<{ head: Buffer; rest: Readable }> {
  const chunks: Buffer[] = [];
  let size = 0;
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  while (size < SNIFF_BYTES) {
    const next = await iterator.next();
    if (next.done) break;
    chunks.push(next.value);
    size += next.value.length;
  }
  const head = Buffer.concat(chunks);
  async function* replay(): AsyncGenerator<Buffer> {
    yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { head, rest: Readable.from(replay()) };
}

export interface StoreOutputsOptions {
  /** How provider output URLs may be fetched (loopback only in tests). */
  policy?: FetchPolicy;
  /** Largest output accepted, in bytes. */
  maxBytes?: number;
}

/** Generous: a long 4K video is a few GiB; past this a provider's URL is not trusted. */
export const MAX_OUTPUT_BYTES = 8 * 1024 ** 3;

/** A provider-side failure to hand over the output, classified for Temporal's retry policy. */
function outputFetchError(err: SafeFetchError): ProviderError {
  if (err.kind === 'refused') return new ProviderError('PROVIDER_ERROR', `the provider's output URL was refused: ${err.message}`, { retryable: false, cause: err });
  if (err.kind === 'too-large') return new ProviderError('PROVIDER_ERROR', `the provider's output is too large: ${err.message}`, { retryable: false, cause: err });
  if (err.kind === 'timeout') return new ProviderError('PROVIDER_TIMEOUT', `fetching the provider's output: ${err.message}`, { cause: err });
  if (err.kind === 'http' && !err.retryable) return new ProviderError('PROVIDER_ERROR', `fetching the provider's output: ${err.message}`, { retryable: false, cause: err });
  return new ProviderError('PROVIDER_UNAVAILABLE', `fetching the provider's output: ${err.message}`, { cause: err });
}

async function openOutput(output: ProviderOutput, options: StoreOutputsOptions): Promise<Readable | Buffer> {
  if (output.type === 'bytes') return output.data;
  if (output.type === 'stream') return output.stream;
  // Provider URLs are untrusted too (and may expire, e.g. Replicate's after an hour): copied
  // at once, through the same SSRF-safe fetcher as user inputs, streamed and never buffered.
  const res = await safeFetch(output.url, {
    ...options.policy,
    ...(output.auth ? { scopedHeaders: output.auth } : {}),
    maxBytes: options.maxBytes ?? MAX_OUTPUT_BYTES,
    headersTimeoutMs: options.policy?.headersTimeoutMs ?? 60_000,
    idleTimeoutMs: options.policy?.idleTimeoutMs ?? 60_000,
  });
  return res.body;
}

function classify(err: unknown): unknown {
  if (err instanceof SafeFetchError) return outputFetchError(err);
  if (err instanceof GenflowError) return err;
  return new GenflowError('STORAGE_FAILED', `storing an output failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

/** Text (a text-to-text reply) has no magic bytes; the provider's declared type is all there is. */
/**
 * Streams each provider output into storage under `generations/<id>/<index>.<ext>`. Keys are
 * fixed per output slot, so storing again after a retried activity overwrites instead of
 * leaving a second copy.
 */
export async function storeOutputs(
  storage: Storage,
  generationId: string,
  outputs: ProviderOutput[],
  options: StoreOutputsOptions = {},
): Promise<StoredAsset[]> {
  const assets: StoredAsset[] = [];
  for (const [index, output] of outputs.entries()) {
    let info: Awaited<ReturnType<typeof inspectMedia>>;
    let storageKey: string;
    let put: Awaited<ReturnType<Storage['put']>>;
    try {
      const body = await openOutput(output, options);
      const { head, rest } = Buffer.isBuffer(body) ? { head: body, rest: body } : await readHead(body);
      const sniffed = await inspectMedia(head);
      info = textInfo(output, head, sniffed) ?? sniffed;
      storageKey = `generations/${generationId}/${index}.${info.extension}`;
      put = await storage.put(storageKey, rest, info.contentType);
    } catch (err) {
      throw classify(err);
    }
    assets.push({
      id: randomUUID(),
      index,
      storageKey,
      contentType: info.contentType,
      bytes: put.bytes,
      sha256: put.sha256,
      ...(info.width !== undefined ? { width: info.width } : {}),
      ...(info.height !== undefined ? { height: info.height } : {}),
      ...(info.durationSeconds !== undefined ? { durationSeconds: info.durationSeconds } : {}),
    });
  }
  return assets;
}
