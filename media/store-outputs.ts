import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { ProviderError } from '../domain/errors';
import type { StoredAsset } from '../domain/generation';
import type { ProviderOutput } from '../providers/types';
import { inspectMedia } from './inspect';
import { textInfo } from './text-output';
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

async function openOutput(output: ProviderOutput): Promise<Readable | Buffer> {
  if (output.type === 'bytes') return output.data;
  if (output.type === 'stream') return output.stream;
  // TODO(media pipeline): route through the SSRF-safe fetcher once it exists.
  const response = await fetch(output.url);
  if (!response.ok || !response.body) {
    throw new ProviderError('PROVIDER_UNAVAILABLE', `fetching the provider's output failed with HTTP ${response.status}`);
  }
  return Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
}

/** Text (a text-to-text reply) has no magic bytes; the provider's declared type is all there is. */
/**
 * Streams each provider output into storage under `generations/<id>/<index>.<ext>`. Keys are
 * fixed per output slot, so storing again after a retried activity overwrites instead of
 * leaving a second copy.
 */
export async function storeOutputs(storage: Storage, generationId: string, outputs: ProviderOutput[]): Promise<StoredAsset[]> {
  const assets: StoredAsset[] = [];
  for (const [index, output] of outputs.entries()) {
    const body = await openOutput(output);
    const { head, rest } = Buffer.isBuffer(body) ? { head: body, rest: body } : await readHead(body);
    const sniffed = await inspectMedia(head);
    const info = textInfo(output, head, sniffed) ?? sniffed;
    const storageKey = `generations/${generationId}/${index}.${info.extension}`;
    const put = await storage.put(storageKey, rest, info.contentType);
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
