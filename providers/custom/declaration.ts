import { z } from 'zod';
import { MODEL_KINDS } from '../../domain/models';
import { parseJsonPath } from './json-path';
import { parameterDeclaration } from './parameters';
import { placeholders } from './template';

/**
 * The file a user writes to add a provider without code (`GENFLOW_CUSTOM_PROVIDERS`, JSON or
 * YAML). Validated with zod at start, so a bad declaration stops the process with a message
 * naming the field instead of failing the first generation.
 */
const jsonPathString = z.string().superRefine((expr, ctx) => {
  try {
    parseJsonPath(expr);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});

const httpMethod = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

function request(defaultMethod: 'GET' | 'POST') {
  return z.strictObject({
    method: httpMethod.default(defaultMethod),
    /** Relative to the provider's base URL; may hold placeholders, which are URL-encoded. */
    path: z.string().min(1),
    headers: z.record(z.string(), z.string()).optional(),
    /** A JSON template; see providers/custom/template.ts. */
    body: z.unknown().optional(),
  });
}
export type RequestDeclaration = z.infer<ReturnType<typeof request>>;

const genflowTaskStatus = z.enum(['pending', 'running', 'succeeded', 'failed', 'canceled']);

const outputs = z
  .strictObject({
    urls: jsonPathString.optional(),
    base64: jsonPathString.optional(),
    /** For text-to-text models: the text itself, stored as a text/plain asset. */
    text: jsonPathString.optional(),
    /** Declared type for base64 outputs without a data: prefix; bytes are sniffed regardless. */
    contentType: z.string().optional(),
  })
  .refine((o) => o.urls ?? o.base64 ?? o.text, { message: 'give at least one of urls, base64 or text' });

const task = z.strictObject({
  /** Where the task id is in the submit response. */
  idPath: jsonPathString,
  /** The status request; its path takes `{{taskId}}`. */
  status: request('GET'),
  statusPath: jsonPathString,
  /** Provider status value → genflow status. A value missing here fails the generation loudly. */
  statusMap: z.record(z.string(), genflowTaskStatus).refine((m) => Object.values(m).includes('succeeded'), {
    message: 'map at least one status value to succeeded',
  }),
  /** 0..1, 0..100 or "40%". */
  progressPath: jsonPathString.optional(),
  /** Why a failed task failed, in the status response. */
  errorPath: jsonPathString.optional(),
});

const modelId = z.string().regex(/^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)?$/i, 'letters, digits, . _ - (optionally <provider>/<model>)');

const model = z.strictObject({
  id: modelId,
  kinds: z.array(z.enum(MODEL_KINDS)).min(1),
  description: z.string().default(''),
  parameters: z.record(z.string().regex(/^[A-Za-z_][\w-]*$/, 'a parameter name'), parameterDeclaration).default({}),
  inputImages: z.strictObject({ max: z.int().min(0).max(16), mode: z.enum(['url', 'base64', 'either']).default('either') }).default({ max: 0, mode: 'either' }),
  submit: request('POST'),
  /** Present for async models: how to follow the provider's task. */
  task: task.optional(),
  /** Where outputs are: in the submit response (sync) or the final status response (async). */
  outputs,
  expectedDurationSeconds: z.number().positive().default(10),
  maxDurationSeconds: z.number().positive().default(600),
  /** USD per output, for cost estimates. */
  pricePerOutput: z.number().min(0).optional(),
});
export type ModelDeclaration = z.infer<typeof model>;

export const providerDeclaration = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and -, starting with a letter'),
    displayName: z.string().optional(),
    baseUrl: z.url({ protocol: /^https?$/ }),
    /** Without it the provider needs no key. The value template takes `{{apiKey}}`. */
    auth: z
      .strictObject({
        header: z.string().regex(/^[A-Za-z0-9-]+$/, 'an HTTP header name'),
        value: z.string().includes('{{apiKey}}', { message: 'must contain {{apiKey}}' }),
      })
      .optional(),
    /** Where an error response carries its message; otherwise common shapes are tried. */
    errorMessagePath: jsonPathString.optional(),
    /** How long one HTTP call may take before it fails with PROVIDER_TIMEOUT (default 120 s). */
    timeoutSeconds: z.number().positive().max(3600).optional(),
    /** How to cancel a task (`{{taskId}}`); a task id is the provider's, not one model's. */
    cancel: request('POST').optional(),
    models: z.array(model).min(1),
  })
  .superRefine((p, ctx) => {
    p.models.forEach((m, i) => {
      if (m.id.includes('/') && !m.id.startsWith(`${p.id}/`)) {
        ctx.addIssue({ code: 'custom', path: ['models', i, 'id'], message: `must start with '${p.id}/' or have no provider prefix` });
      }
      checkPlaceholders(m, (path, message) => ctx.addIssue({ code: 'custom', path: ['models', i, ...path], message }));
    });
    for (const part of ['path', 'headers', 'body'] as const) {
      for (const name of placeholders(p.cancel?.[part])) {
        if (name !== 'taskId') ctx.addIssue({ code: 'custom', path: ['cancel', part], message: `only {{taskId}} is known here, not {{${name}}}` });
      }
    }
  });
export type ProviderDeclaration = z.infer<typeof providerDeclaration>;

export const customProvidersFile = z.strictObject({ providers: z.array(providerDeclaration).min(1) });
export type CustomProvidersFile = z.infer<typeof customProvidersFile>;

const REQUEST_VARS = ['prompt', 'numberOfOutputs', 'inputImages', 'model'];

/** A placeholder that can never be filled is a typo: say so at start, naming the field. */
function checkPlaceholders(m: ModelDeclaration, report: (path: (string | number)[], message: string) => void): void {
  const allowed = (name: string, extra: string[]): boolean =>
    REQUEST_VARS.includes(name) || extra.includes(name) || (name.startsWith('parameters.') && Object.hasOwn(m.parameters, name.slice(11)));
  const check = (value: unknown, path: (string | number)[], extra: string[] = []) => {
    for (const name of placeholders(value)) {
      if (name === 'apiKey') report(path, '{{apiKey}} belongs in the auth header only');
      else if (!allowed(name, extra)) report(path, `unknown placeholder {{${name}}}`);
    }
  };
  for (const part of ['path', 'headers', 'body'] as const) check(m.submit[part], ['submit', part]);
  if (m.task) {
    for (const part of ['path', 'headers', 'body'] as const) check(m.task.status[part], ['task', 'status', part], ['taskId']);
  }
}
