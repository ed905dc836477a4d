import { z } from 'zod';
import { errorBodySchema } from './view-schemas';
import { openAiErrorSchema } from './openai-schemas';
import { errorCodesByStatus, openApiPath, type RouteDoc } from './registry';

type JsonSchema = Record<string, unknown>;

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect) of a zod schema, without the `$schema` marker. */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function parameters(route: RouteDoc): JsonSchema[] {
  const out: JsonSchema[] = [];
  const add = (where: 'path' | 'query' | 'header', shape: z.ZodObject | undefined) => {
    if (!shape) return;
    const schema = jsonSchema(shape, 'input');
    const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((schema.required ?? []) as string[]);
    for (const [name, prop] of Object.entries(props)) {
      const { description, ...propSchema } = prop;
      out.push({
        name,
        in: where,
        required: where === 'path' || required.has(name),
        ...(description !== undefined ? { description } : {}),
        schema: propSchema,
      });
    }
  };
  add('path', route.params);
  // Path parameters without a schema are still parameters: plain strings.
  for (const [, name] of route.path.matchAll(/:([A-Za-z0-9_]+)/g)) {
    if (!out.some((p) => p.in === 'path' && p.name === name)) out.push({ name, in: 'path', required: true, schema: { type: 'string' } });
  }
  add('query', route.query);
  add('header', route.headers);
  return out;
}

function responses(route: RouteDoc): JsonSchema {
  const out: JsonSchema = {};
  for (const [status, doc] of Object.entries(route.responses)) {
    const headers = doc.headers
      ? Object.fromEntries(Object.entries(doc.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }]))
      : undefined;
    const contentType = doc.contentType ?? (doc.schema ? 'application/json' : undefined);
    out[status] = {
      description: doc.description,
      ...(headers ? { headers } : {}),
      ...(contentType ? { content: { [contentType]: doc.schema ? { schema: jsonSchema(doc.schema, 'output') } : {} } } : {}),
    };
  }
  const errorSchema = jsonSchema(route.errorShape === 'openai' ? openAiErrorSchema : errorBodySchema, 'output');
  for (const [status, codes] of [...errorCodesByStatus(route)].sort(([a], [b]) => a - b)) {
    if (out[status]) continue;
    out[status] = {
      description: `Error: ${codes.join(', ')}`,
      ...(status === 429 || status === 503 ? { headers: { 'Retry-After': { description: 'Seconds to wait before retrying, when known', schema: { type: 'string' } } } } : {}),
      content: { 'application/json': { schema: errorSchema } },
    };
  }
  return out;
}

function operation(route: RouteDoc): JsonSchema {
  const body = route.body;
  const content: JsonSchema = {};
  if (body?.json) content['application/json'] = { schema: jsonSchema(body.json, 'input') };
  if (body?.multipart) content['multipart/form-data'] = { schema: jsonSchema(body.multipart, 'input') };
  const params = parameters(route);
  return {
    operationId: `${route.method}${openApiPath(route.path).replace(/[{}]/g, '').replace(/(^|[/_.-])([a-z0-9])/gi, (_m, _s: string, c: string) => c.toUpperCase())}`,
    tags: [route.tag],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    ...(route.access === 'public' ? { security: [] } : {}),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(body ? { requestBody: { required: body.required ?? true, content } } : {}),
    responses: responses(route),
  };
}

export interface DocumentOptions {
  version: string;
}

/** The OpenAPI 3.1 document of the given routes. */
export function buildOpenApiDocument(routes: readonly RouteDoc[], options: DocumentOptions): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] ??= {};
    paths[path][route.method] = operation(route);
  }
  const tags = [...new Set(routes.map((r) => r.tag))].map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'genflow',
      version: options.version,
      description:
        'AI media generation (image, video, speech, text) against many providers as durable Temporal workflows. ' +
        'Errors answer `{ "error": { "code", "message", "details" } }` with the status fixed by the code; ' +
        'the OpenAI-compatible routes under /v1/images answer OpenAI\'s error shape instead.',
    },
    tags,
    security: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key as `Authorization: Bearer <key>`' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key in the X-API-Key header' },
      },
    },
    paths,
  };
}
