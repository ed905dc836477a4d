import { ProviderError } from '../../domain/errors';
import type { GenerationRequest } from '../../domain/generation';
import { codeForStatus, excerpt, MESSAGE_CHARS, messageFromBody, parseRetryAfter, ProviderResponseBody, providerFetch } from '../http';
import type { CallContext, PollResult, ProviderAdapter, ProviderEnv, ProviderOutput, SubmitResult } from '../types';
import type { ModelDeclaration, ProviderDeclaration, RequestDeclaration } from './declaration';
import { jsonPath, type JsonPath } from './json-path';
import { renderJson, renderPath, renderString, UnsafePathValueError, type TemplateVars } from './template';

/** A model declaration with its JSON paths compiled once. */
interface CompiledModel {
  decl: ModelDeclaration;
  /** The name without the provider prefix, for `{{model}}`. */
  name: string;
  outputs: { urls?: JsonPath; base64?: JsonPath; text?: JsonPath; contentType?: string };
  task?: { id: JsonPath; status: JsonPath; progress?: JsonPath; error?: JsonPath };
}

const opt = (expr: string | undefined): JsonPath | undefined => (expr ? jsonPath(expr) : undefined);

function compile(decl: ModelDeclaration, providerId: string): CompiledModel {
  const t = decl.task;
  return {
    decl,
    name: decl.id.startsWith(`${providerId}/`) ? decl.id.slice(providerId.length + 1) : decl.id,
    outputs: {
      ...(decl.outputs.urls ? { urls: jsonPath(decl.outputs.urls) } : {}),
      ...(decl.outputs.base64 ? { base64: jsonPath(decl.outputs.base64) } : {}),
      ...(decl.outputs.text ? { text: jsonPath(decl.outputs.text) } : {}),
      ...(decl.outputs.contentType ? { contentType: decl.outputs.contentType } : {}),
    },
    ...(t
      ? {
          task: {
            id: jsonPath(t.idPath),
            status: jsonPath(t.statusPath),
            ...(t.progressPath ? { progress: jsonPath(t.progressPath) } : {}),
            ...(t.errorPath ? { error: jsonPath(t.errorPath) } : {}),
          },
        }
      : {}),
  };
}

/** Progress as a fraction from 0.4, 40 or "40%". */
export function parseProgress(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value.trim().replace(/%$/, '')) : typeof value === 'number' ? value : NaN;
  if (!Number.isFinite(n) || n < 0) return undefined;
  const fraction = (typeof value === 'string' && value.trim().endsWith('%')) || n > 1 ? n / 100 : n;
  return Math.min(1, fraction);
}

function base64Output(value: unknown, declaredType: string | undefined): ProviderOutput | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const dataUrl = /^data:([^;,]+)?(?:;[^,]*)?,(.*)$/s.exec(value);
  const payload = dataUrl ? dataUrl[2]! : value;
  return { type: 'bytes', data: Buffer.from(payload, 'base64'), contentType: dataUrl?.[1] ?? declaredType ?? 'application/octet-stream' };
}

export function createCustomAdapter(decl: ProviderDeclaration, env: ProviderEnv): ProviderAdapter {
  const models = new Map(decl.models.map((m) => [`${decl.id}/${m.id.replace(`${decl.id}/`, '')}`, compile(m, decl.id)]));
  const errorMessage = opt(decl.errorMessagePath);

  function modelOf(request: GenerationRequest): CompiledModel {
    const m = models.get(request.model);
    if (!m) throw new ProviderError('UNSUPPORTED_CAPABILITY', `${decl.id}: no model ${JSON.stringify(request.model)}`);
    return m;
  }

  function vars(request: GenerationRequest, m: CompiledModel, extra: TemplateVars = {}): TemplateVars {
    return {
      prompt: request.prompt,
      parameters: request.parameters,
      numberOfOutputs: request.numberOfOutputs,
      inputImages: request.inputImages,
      model: m.name,
      ...extra,
    };
  }

  async function send(req: RequestDeclaration, v: TemplateVars, ctx: CallContext): Promise<unknown> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers ?? {})) headers[name] = renderString(value, v);
    if (decl.auth) {
      if (!ctx.apiKey) throw new ProviderError('AUTHENTICATION_FAILED', `${decl.id}: no API key`);
      headers[decl.auth.header] = renderString(decl.auth.value, { apiKey: ctx.apiKey });
    }
    headers.accept ??= 'application/json';
    const json = req.body !== undefined && req.method !== 'GET' ? renderJson(req.body, v) : undefined;
    let path: string;
    try {
      path = renderPath(req.path, v);
    } catch (err) {
      if (!(err instanceof UnsafePathValueError)) throw err;
      throw new ProviderError('INVALID_PARAMETERS', `${decl.id}: ${err.message}`, { retryable: false });
    }
    const res = await providerFetch(env, decl.id, {
      method: req.method,
      path,
      headers,
      ...(json !== undefined ? { json } : {}),
      ...(decl.timeoutSeconds ? { timeoutMs: decl.timeoutSeconds * 1000 } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    const text = await res.text().catch(() => '');
    let body: unknown = text;
    try {
      body = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      // Not JSON: an error page, or a success the declaration cannot read (reported below).
    }
    if (!res.ok) {
      const declared = errorMessage?.first(body);
      const message = typeof declared === 'string' && declared ? excerpt(declared, MESSAGE_CHARS) : messageFromBody(body, `HTTP ${res.status}`);
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
      throw new ProviderError(codeForStatus(res.status), `${decl.id}: ${message || `HTTP ${res.status}`}`, {
        details: { status: res.status },
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        ...(text ? { cause: new ProviderResponseBody(text, res.status) } : {}),
      });
    }
    if (typeof body === 'string') {
      throw new ProviderError('PROVIDER_ERROR', `${decl.id}: expected a JSON response, got ${excerpt(text, 100)}`, { cause: new ProviderResponseBody(text, res.status) });
    }
    return body;
  }

  function outputsOf(m: CompiledModel, body: unknown): ProviderOutput[] {
    const { urls, base64, text, contentType } = m.outputs;
    const outputs: ProviderOutput[] = [];
    for (const url of urls?.all(body) ?? []) {
      if (typeof url !== 'string' || url === '') continue;
      // Relative URLs are the provider's own: resolve them against its base URL.
      const absolute = new URL(url, `${env.baseUrl}/`).toString();
      outputs.push({ type: 'url', url: absolute, ...(contentType ? { contentType } : {}) });
    }
    for (const value of base64?.all(body) ?? []) {
      const output = base64Output(value, contentType);
      if (output) outputs.push(output);
    }
    for (const value of text?.all(body) ?? []) {
      if (typeof value === 'string') outputs.push({ type: 'bytes', data: Buffer.from(value, 'utf8'), contentType: 'text/plain; charset=utf-8' });
    }
    if (outputs.length === 0) {
      const where = [urls?.expr, base64?.expr, text?.expr].filter(Boolean).join(', ');
      throw new ProviderError('PROVIDER_ERROR', `${decl.id}: the response has no outputs at ${where}`);
    }
    return outputs;
  }

  return {
    async submit(request, ctx): Promise<SubmitResult> {
      const m = modelOf(request);
      const body = await send(m.decl.submit, vars(request, m), ctx);
      if (!m.task) return { status: 'succeeded', outputs: outputsOf(m, body) };
      const id = m.task.id.first(body);
      if (typeof id !== 'string' && typeof id !== 'number') {
        throw new ProviderError('PROVIDER_ERROR', `${decl.id}: no task id at ${m.task.id.expr} in the submit response`);
      }
      return { status: 'pending', taskId: String(id) };
    },

    async poll(taskId, request, ctx): Promise<PollResult> {
      const m = modelOf(request);
      if (!m.task || !m.decl.task) throw new ProviderError('INTERNAL_ERROR', `${decl.id}: ${request.model} is not async`);
      const body = await send(m.decl.task.status, vars(request, m, { taskId }), ctx);
      const raw = m.task.status.first(body);
      const status = m.decl.task.statusMap[String(raw)];
      if (!status) {
        throw new ProviderError('PROVIDER_ERROR', `${decl.id}: unknown task status ${JSON.stringify(raw)} at ${m.task.status.expr} (add it to statusMap)`);
      }
      if (status === 'succeeded') return { status, outputs: outputsOf(m, body) };
      if (status === 'canceled') return { status };
      if (status === 'failed') {
        const reason = m.task.error?.first(body);
        throw new ProviderError('PROVIDER_ERROR', `${decl.id}: the task failed${typeof reason === 'string' && reason ? `: ${excerpt(reason, MESSAGE_CHARS)}` : ''}`, {
          details: { providerStatus: raw },
        });
      }
      const progress = m.task.progress ? parseProgress(m.task.progress.first(body)) : undefined;
      return progress === undefined ? { status } : { status, progress };
    },

    async cancel(taskId, ctx) {
      if (decl.cancel) await send(decl.cancel, { taskId }, ctx);
    },
  };
}
