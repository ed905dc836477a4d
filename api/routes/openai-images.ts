import { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import type { ModelCatalogue } from '../../providers/catalogue';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { GenflowError } from '../../domain/errors';
import type { ModelKind } from '../../domain/models';
import type { GenerationsRepo } from '../../db/generations-repo';
import type { Storage } from '../../media/storage/types';
import { principalOf } from '../auth';
import { knownError } from '../errors';
import type { GenerationService } from '../generation-service';
import { fileAsDataUrl, readMultipartForm } from '../multipart';
import { imagesResponse, openAiErrorBody, toGenerationBody, waitForFinish } from '../openai-images';
import { openAiEditBody, openAiGenerationBody } from '../openapi/openai-schemas';
import { idempotencyKeyOf } from '../idempotency-key';
import { callerContext } from '../request-logging';
import { parseOrThrow } from '../validate';

export interface OpenAiImagesDeps {
  repo: GenerationsRepo;
  storage: Storage;
  temporal: Client;
  service: GenerationService;
  baseUrl(req: Request): string;
  defaults: Partial<Record<ModelKind, string>>;
  /** Where a named model's parameters are looked up. */
  catalogue: ModelCatalogue;
  bodyLimitBytes: number;
  /** How long a request waits for its generation; past it the answer is 504 and the generation goes on. */
  waitMs: number;
}

const NUMERIC_FIELDS = new Set(['n', 'output_compression', 'partial_images']);

/** The edit form as a plain object: files as data URLs, `image` and `image[]` as one list. */
async function editForm(req: Request, limit: number): Promise<Record<string, unknown>> {
  if (!req.is('multipart/form-data')) throw new GenflowError('INVALID_REQUEST', 'the body must be multipart/form-data (as OpenAI\'s images/edits)');
  const form = await readMultipartForm(req, limit);
  const out: Record<string, unknown> = {};
  const images: string[] = [];
  for (const [name, value] of form.entries()) {
    if (name === 'image' || name === 'image[]') {
      if (typeof value === 'string') throw new GenflowError('INVALID_REQUEST', 'image: must be a file', { details: { issues: [{ field: 'image', message: 'must be a file' }] } });
      images.push(await fileAsDataUrl(value));
    } else if (name === 'mask') {
      out.mask = typeof value === 'string' ? value : await fileAsDataUrl(value);
    } else if (typeof value !== 'string') {
      throw new GenflowError('INVALID_REQUEST', `${name}: files are accepted only as image and mask`, { details: { issues: [{ field: name, message: 'not a file field' }] } });
    } else {
      out[name] = NUMERIC_FIELDS.has(name) && /^-?\d+$/.test(value) ? Number(value) : value;
    }
  }
  out.image = images;
  return out;
}

/**
 * `POST /v1/images/generations` and `POST /v1/images/edits` in OpenAI's format, so OpenAI
 * clients work with `baseURL` pointed at genflow. Each request is an ordinary durable
 * generation (listed by GET /v1/generations, metadata.api = openai-images); the request waits
 * for it and answers the images.
 */
export function openAiImageRoutes(deps: OpenAiImagesDeps): Router {
  const router = Router();

  // The same submission path as POST /v1/generations: the caller's owner, budget, concurrency
  // limit and per-owner Idempotency-Key scope all apply.
  async function run(req: Request, res: Response, body: Parameters<typeof toGenerationBody>[0], kind: ModelKind) {
    const { row } = await deps.service.create(
      toGenerationBody(body, kind, deps.defaults[kind], deps.catalogue),
      idempotencyKeyOf(req),
      undefined,
      principalOf(res),
      callerContext(req, res),
    );
    const done = await waitForFinish(deps.temporal, deps.repo, row, deps.waitMs);
    return { id: row.id, response: await imagesResponse(done, { repo: deps.repo, storage: deps.storage, baseUrl: deps.baseUrl(req) }, body.response_format ?? 'url') };
  }

  router.post('/v1/images/generations', async (req, res) => {
    const body = parseOrThrow(openAiGenerationBody, req.body ?? undefined);
    const { id, response } = await run(req, res, body, 'text-to-image');
    res.setHeader('X-Genflow-Generation-Id', id);
    res.json(response);
  });

  router.post('/v1/images/edits', async (req, res) => {
    const body = parseOrThrow(openAiEditBody, await editForm(req, deps.bodyLimitBytes));
    const { id, response } = await run(req, res, body, 'image-to-image');
    res.setHeader('X-Genflow-Generation-Id', id);
    res.json(response);
  });
  return router;
}

/** Errors under /v1/images in OpenAI's shape, which is what OpenAI clients parse. */
export function openAiErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const known = knownError(err);
    const error = known ?? new GenflowError('INTERNAL_ERROR', 'internal error');
    if (!known || error.status >= 500) logger.error({ err, method: req.method, path: req.originalUrl }, 'request failed');
    if (error.retryAfterMs !== undefined) res.setHeader('Retry-After', Math.ceil(error.retryAfterMs / 1000));
    res.status(error.status).json(openAiErrorBody(error));
  };
}
