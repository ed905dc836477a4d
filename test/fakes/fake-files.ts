import { randomUUID } from 'node:crypto';
import type { FakeRequest, FakeResponse } from './fake-server';

/**
 * Output files a fake serves, as a provider's CDN would: each `put` answers a URL on the fake
 * (with a signature-like query, as real delivery URLs carry), and remembers the bytes so a test
 * can compare them with what genflow stored.
 */
export class FakeFiles {
  readonly served: Buffer[] = [];
  private readonly files = new Map<string, { data: Buffer; type: string }>();

  constructor(private readonly baseUrl: () => string) {}

  put(data: Buffer, type: string, extension: string): string {
    const name = `${randomUUID()}.${extension}`;
    this.files.set(name, { data, type });
    this.served.push(data);
    return `${this.baseUrl()}/files/${name}?expires=2099-01-01&sig=fake`;
  }

  bytesOf(url: string): Buffer | undefined {
    return this.files.get(new URL(url).pathname.split('/').pop() ?? '')?.data;
  }

  handler = (req: FakeRequest): FakeResponse => {
    const file = this.files.get(req.params.name ?? '');
    return file ? { body: file.data, headers: { 'content-type': file.type } } : { status: 404, body: 'not found' };
  };
}

export interface MultipartForm {
  fields: Record<string, string[]>;
  files: Array<{ field: string; filename: string; type: string; bytes: Buffer }>;
}

/** A multipart/form-data body, parsed the way a real server does; undefined when it is not one. */
export async function readMultipart(req: FakeRequest): Promise<MultipartForm | undefined> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('multipart/form-data')) return undefined;
  const form = await new Response(req.body, { headers: { 'content-type': type } }).formData();
  const out: MultipartForm = { fields: {}, files: [] };
  for (const [field, value] of form.entries()) {
    if (typeof value === 'string') (out.fields[field] ??= []).push(value);
    else out.files.push({ field, filename: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
  }
  return out;
}

/** The Bearer token of a request, if any. */
export function bearerOf(req: FakeRequest): string | undefined {
  const header = req.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
}

/**
 * Downloads an input image URL the way a provider does (from its own servers, with a plain
 * fetch): a URL genflow hands over must be fetchable and an image.
 */
export async function downloadInput(url: string): Promise<{ ok: true; bytes: Buffer; type: string } | { ok: false; reason: string }> {
  try {
    const res = await fetch(url);
    if (!res.ok) return { ok: false, reason: `HTTP ${res.status}` };
    const bytes = Buffer.from(await res.arrayBuffer());
    const head = bytes.subarray(0, 4).toString('hex');
    const type = head.startsWith('89504e47') ? 'image/png' : head.startsWith('ffd8') ? 'image/jpeg' : bytes.subarray(8, 12).toString('latin1') === 'WEBP' ? 'image/webp' : 'application/octet-stream';
    return { ok: true, bytes, type };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

export const newTaskId = (): string => randomUUID();
