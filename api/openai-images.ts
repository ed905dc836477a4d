import { z } from 'zod';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { GenflowError, type ErrorCode } from '../domain/errors';
import type { CreateGenerationBody } from '../domain/generation';
import type { ModelKind } from '../domain/models';
import { isTerminal, type GenerationStatus } from '../domain/status';
import type { GenerationsRepo } from '../db/generations-repo';
import type { GenerationRow } from '../db/schema';
import { readBody } from '../media/safe-fetch';
import type { Storage } from '../media/storage/types';
import type { ModelCatalogue } from '../providers/catalogue';
import type { OpenAiEditBody, OpenAiGenerationBody } from './openapi/openai-schemas';
import { assetUrl } from '../views/generation-views';

/**
 * The OpenAI Images API mapped onto genflow. `model` is a genflow model id, or an OpenAI model
 * name (or nothing), which selects the configured default model for the kind (text-to-image
 * for generations, image-to-image for edits; `local/image` out of the box). OpenAI's options
 * become the model's parameters where the model has them: `size` → `size`, or `width` and
 * `height`; `output_format` → `output_format` or `format`; `quality`, `background`, `style`,
 * `moderation`, `output_compression`, `input_fidelity`, `mask` by name. Options a model has
 * no equivalent for are ignored, as OpenAI's own models ignore the ones that do not apply.
 */
export const OPENAI_IMAGE_MODELS = ['gpt-image-1', 'gpt-image-1-mini', 'gpt-image-1.5', 'dall-e-2', 'dall-e-3'] as const;

type OpenAiBody = OpenAiGenerationBody | OpenAiEditBody;

const parameterKeys = new Map<string, Set<string>>();

/** The parameter names a model's schema declares (computed once per model). */
function keysOf(modelId: string, catalogue: ModelCatalogue): Set<string> {
  let keys = parameterKeys.get(modelId);
  if (!keys) {
    const entry = catalogue.findModel(modelId);
    const schema = entry ? (z.toJSONSchema(entry.model.parameters, { io: 'input', unrepresentable: 'any' }) as { properties?: object }) : {};
    keys = new Set(Object.keys(schema.properties ?? {}));
    parameterKeys.set(modelId, keys);
  }
  return keys;
}

function parametersFor(modelId: string | undefined, body: OpenAiBody, catalogue: ModelCatalogue): Record<string, unknown> {
  if (modelId === undefined) return {};
  const keys = keysOf(modelId, catalogue);
  const out: Record<string, unknown> = {};
  const put = (key: string, value: unknown) => {
    if (value !== undefined && value !== null && keys.has(key)) out[key] = value;
  };
  if (body.size && keys.has('size')) out.size = body.size;
  else if (body.size && body.size !== 'auto') {
    const [width, height] = body.size.split('x').map(Number);
    put('width', width);
    put('height', height);
  }
  if (keys.has('output_format')) put('output_format', body.output_format);
  else put('format', body.output_format);
  put('quality', body.quality);
  put('background', body.background);
  put('output_compression', body.output_compression);
  if ('style' in body) put('style', body.style);
  if ('moderation' in body) put('moderation', body.moderation);
  if ('input_fidelity' in body) put('input_fidelity', body.input_fidelity);
  if ('mask' in body) put('mask', body.mask);
  return out;
}

/** The genflow request behind an OpenAI one. */
export function toGenerationBody(body: OpenAiBody, kind: ModelKind, defaultModel: string | undefined, catalogue: ModelCatalogue): CreateGenerationBody {
  const named = body.model ?? undefined;
  const isGenflowModel = named !== undefined && !(OPENAI_IMAGE_MODELS as readonly string[]).includes(named);
  const model = isGenflowModel ? named : defaultModel;
  return {
    ...(isGenflowModel ? { model } : { kind }),
    prompt: body.prompt,
    parameters: parametersFor(model && catalogue.findModel(model) ? model : undefined, body, catalogue),
    ...('image' in body ? { inputImages: body.image } : {}),
    numberOfOutputs: body.n ?? 1,
    metadata: { api: 'openai-images', ...(body.user ? { user: body.user } : {}) },
  };
}

/** Waits for the generation's workflow to end (or the timeout), then reads the row. */
export async function waitForFinish(temporal: Client, repo: GenerationsRepo, row: GenerationRow, timeoutMs: number): Promise<GenerationRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), remaining);
    });
    // The result itself is not needed: the row is the record (and a failure is recorded there too).
    const result = temporal.workflow
      .getHandle(row.workflow_id)
      .result()
      .then(
        () => 'ended' as const,
        (err: unknown) => (err instanceof WorkflowNotFoundError ? ('not-started' as const) : ('ended' as const)),
      );
    const outcome = await Promise.race([result, timeout]).finally(() => clearTimeout(timer));
    if (outcome !== 'not-started') break;
    // Accepted but not started yet (its start waits in the workflow outbox): ask again shortly.
    await new Promise((r) => setTimeout(r, Math.min(200, remaining)));
  }
  const current = (await repo.findById(row.id)) ?? row;
  if (!isTerminal(current.status as GenerationStatus)) {
    throw new GenflowError('TASK_TIMEOUT', `generation ${row.id} did not finish within ${Math.round(timeoutMs / 1000)} s; it keeps running, see GET /v1/generations/${row.id}`, {
      details: { generationId: row.id },
    });
  }
  if (current.status !== 'succeeded') {
    const code = (current.error_code ?? 'PROVIDER_ERROR') as ErrorCode;
    throw new GenflowError(code, current.error_message ?? `generation ${current.status}`, { details: { generationId: row.id } });
  }
  return current;
}

/** `{ created, data }` in OpenAI's format: asset URLs, or the bytes inline. */
export async function imagesResponse(
  row: GenerationRow,
  deps: { repo: GenerationsRepo; storage: Storage; baseUrl: string },
  format: 'url' | 'b64_json',
): Promise<{ created: number; data: Array<{ url?: string; b64_json?: string }> }> {
  const assets = await deps.repo.listAssets(row.id);
  const data = await Promise.all(
    assets.map(async (asset) => {
      if (format === 'url') return { url: assetUrl(deps.baseUrl, asset.id) };
      const object = await deps.storage.get(asset.storage_key);
      if (!object) throw new GenflowError('STORAGE_FAILED', 'an output is recorded but its bytes are missing from storage');
      return { b64_json: (await readBody(object.stream)).toString('base64') };
    }),
  );
  return { created: Math.floor(new Date(row.created_at).getTime() / 1000), data };
}

const OPENAI_PARAM: Record<string, string> = {
  'parameters.width': 'size',
  'parameters.height': 'size',
  'parameters.size': 'size',
  'parameters.format': 'output_format',
  inputImages: 'image',
  numberOfOutputs: 'n',
  kind: 'model',
};

function openAiType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 402) return 'insufficient_quota';
  return status >= 500 ? 'server_error' : 'invalid_request_error';
}

/** A genflow error in OpenAI's shape `{ error: { message, type, param, code } }` (what the OpenAI clients parse). */
export function openAiErrorBody(error: GenflowError): { error: { message: string; type: string; param: string | null; code: string } } {
  const issues = (error.details as { issues?: Array<{ field?: string }> } | undefined)?.issues;
  const field = Array.isArray(issues) ? issues[0]?.field : undefined;
  const param = field === undefined ? null : (OPENAI_PARAM[field] ?? field.replace(/^parameters\./, ''));
  return { error: { message: error.message, type: openAiType(error.status), param, code: error.code } };
}
