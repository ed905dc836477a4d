import type { ProviderOutput } from './provider-output';
import type { MediaInfo } from './inspect';
import type { FetchPolicy } from './fetch-policy';
import { readBody, safeFetch } from './safe-fetch';

const TEXT: MediaInfo = { contentType: 'text/plain; charset=utf-8', extension: 'txt' };

/**
 * Text has no magic bytes, so a text output (a `text-to-text` model's answer) is recognised by
 * the provider's declared type, and only when the bytes really are UTF-8 without NULs: a
 * mislabelled binary stays application/octet-stream.
 */
export function textInfo(output: ProviderOutput, head: Buffer, sniffed: MediaInfo): MediaInfo | undefined {
  if (sniffed.contentType !== 'application/octet-stream') return undefined;
  if (!output.contentType?.toLowerCase().startsWith('text/plain')) return undefined;
  if (head.includes(0)) return undefined;
  try {
    // The head may end inside a multi-byte character: decode in streaming mode.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return TEXT;
  } catch {
    return undefined;
  }
}

/** The text of an output (a prompt enhancer's answer); capped so a runaway model cannot flood memory. */
export async function readText(output: ProviderOutput, policy: FetchPolicy = {}, maxBytes = 1_000_000): Promise<string> {
  let data: Buffer;
  if (output.type === 'bytes') {
    data = output.data;
  } else if (output.type === 'stream') {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of output.stream) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size > maxBytes) break;
    }
    output.stream.destroy();
    data = Buffer.concat(chunks);
  } else {
    // A provider's URL is untrusted like any other: the same SSRF-safe fetcher as outputs.
    const res = await safeFetch(output.url, { maxBytes, ...policy });
    data = await readBody(res.body);
  }
  return data.subarray(0, maxBytes).toString('utf8');
}
