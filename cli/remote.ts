import type { BatchView } from '../domain/batch';
import type { GenerationView } from '../domain/generation';

export interface RemoteOptions {
  url: string;
  apiKey?: string;
}

export class RemoteError extends Error {
  override readonly name = 'RemoteError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A thin client for a genflow API, local or remote. */
export function createRemote(options: RemoteOptions) {
  const base = options.url.replace(/\/+$/, '');
  const headers = (extra: Record<string, string> = {}): Record<string, string> => ({
    ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
    ...extra,
  });

  async function request<T>(method: string, path: string, body?: unknown, extraHeaders?: Record<string, string>): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: headers(body === undefined ? extraHeaders : { 'content-type': 'application/json', ...extraHeaders }),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      throw new RemoteError(0, 'UNAVAILABLE', `cannot reach genflow at ${base} (${err instanceof Error ? err.message : String(err)})`);
    }
    const text = await res.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (!res.ok) {
      const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new RemoteError(res.status, error?.code ?? 'HTTP_' + res.status, error?.message ?? `HTTP ${res.status}`);
    }
    return json as T;
  }

  return {
    base,
    createGeneration: (body: unknown, idempotencyKey?: string) =>
      request<GenerationView>('POST', '/v1/generations', body, idempotencyKey ? { 'idempotency-key': idempotencyKey } : undefined),
    getGeneration: (id: string) => request<GenerationView>('GET', `/v1/generations/${encodeURIComponent(id)}`),
    createBatch: (body: unknown) => request<{ id: string; status: string; totalTasks: number }>('POST', '/v1/batches', body),
    getBatch: (id: string, cursor = 0, limit = 1_000) => request<BatchView>('GET', `/v1/batches/${encodeURIComponent(id)}?cursor=${cursor}&limit=${limit}`),
    async download(url: string): Promise<Buffer> {
      // The key goes only to genflow itself: an output on S3 (a presigned URL) or a CDN must not
      // receive it, and S3 refuses a presigned request that also carries Authorization.
      const own = new URL(url, base).origin === new URL(base).origin;
      const res = await fetch(url, own ? { headers: headers() } : {});
      if (!res.ok) throw new RemoteError(res.status, 'DOWNLOAD_FAILED', `download of ${url} failed with HTTP ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    },
  };
}
export type Remote = ReturnType<typeof createRemote>;
