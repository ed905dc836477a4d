import type { Request, RequestHandler } from 'express';
import { GenflowError } from '../domain/errors';

/** `10mb` → bytes; the same units as GENFLOW_BODY_LIMIT. */
export function bodyLimitBytes(limit: string): number {
  const match = /^(\d+)(b|kb|mb)$/i.exec(limit.trim());
  if (!match) return 10 * 1024 * 1024;
  const unit = { b: 1, kb: 1024, mb: 1024 * 1024 }[match[2]!.toLowerCase() as 'b' | 'kb' | 'mb'];
  return Number(match[1]) * unit;
}

async function readLimited(req: Request, limit: number): Promise<Buffer> {
  const tooLarge = () =>
    new GenflowError('PAYLOAD_TOO_LARGE', `request body is larger than the limit of ${limit} bytes`, { details: { limitBytes: limit } });
  if (Number(req.get('content-length') ?? 0) > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The request's multipart/form-data body, read in memory up to `limit` bytes. */
export async function readMultipartForm(req: Request, limit: number): Promise<FormData> {
  const raw = await readLimited(req, limit);
  try {
    return await new Request('http://genflow.invalid/', { method: 'POST', headers: { 'content-type': req.get('content-type') ?? '' }, body: raw }).formData();
  } catch {
    throw new GenflowError('INVALID_REQUEST', 'request body is not valid multipart/form-data');
  }
}

/** A form file as a data URL. */
export async function fileAsDataUrl(file: File): Promise<string> {
  return `data:${file.type || 'application/octet-stream'};base64,${Buffer.from(await file.arrayBuffer()).toString('base64')}`;
}

/**
 * `POST /v1/generations` as multipart/form-data: the JSON fields as form fields (`parameters`
 * as a JSON string) and input images as files (or URLs) under `inputImages`. The form becomes
 * the same body the JSON route validates, with each uploaded file as a data URL, so both
 * front doors share one validation and one pipeline. Bounded by the body limit; the parts are
 * small images, so the form is parsed in memory.
 */
export function multipartGenerationBody(bodyLimit: string): RequestHandler {
  const limit = bodyLimitBytes(bodyLimit);
  return async (req, _res, next) => {
    if (req.method !== 'POST' || req.path !== '/v1/generations' || !req.is('multipart/form-data')) return next();
    const form = await readMultipartForm(req, limit);
    const body: Record<string, unknown> = {};
    const images: string[] = [];
    for (const [name, value] of form.entries()) {
      if (name === 'inputImages') {
        images.push(typeof value === 'string' ? value : await fileAsDataUrl(value));
      } else if (typeof value !== 'string') {
        throw new GenflowError('INVALID_REQUEST', `${name}: files are accepted only as inputImages`);
      } else if (name === 'parameters') {
        try {
          body.parameters = JSON.parse(value) as unknown;
        } catch {
          throw new GenflowError('INVALID_REQUEST', 'parameters: must be a JSON object');
        }
      } else if (name === 'numberOfOutputs') {
        body.numberOfOutputs = Number(value);
      } else {
        body[name] = value;
      }
    }
    if (images.length > 0) body.inputImages = images;
    req.body = body;
    next();
  };
}
