import type { Readable } from 'node:stream';

/**
 * An output as the provider hands it over: bytes (buffered or streamed) or a URL to fetch.
 * It lives in media/ because storing outputs is media's job; providers/types.ts re-exports it so
 * adapters keep one import, and media/ never imports providers/.
 */
export type ProviderOutput =
  | { type: 'bytes'; data: Buffer; contentType: string }
  | { type: 'stream'; stream: Readable; contentType: string }
  | {
      type: 'url';
      url: string;
      contentType?: string;
      /**
       * Headers the download needs (a provider's own delivery host asking for its key), sent
       * by the SSRF-safe fetcher only to the listed hosts — never to a redirect elsewhere.
       */
      auth?: { headers: Record<string, string>; hosts: readonly string[] };
    };
