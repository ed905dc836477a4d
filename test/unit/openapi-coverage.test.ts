import type { Client } from '@temporalio/client';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from '../../api/app';
import { buildOpenApiDocument } from '../../api/openapi/document';
import { openApiPath } from '../../api/openapi/registry';
import { routeDocs } from '../../api/openapi/route-docs';
import { renderDocsPage } from '../../api/openapi/docs-page';
import { listExpressRoutes } from '../support/express-routes';

/** The app with every optional part switched on, so every route it can serve is registered. */
function fullApp() {
  const unused = <T>(name: string) =>
    new Proxy({}, { get: () => { throw new Error(`${name} is not used while routes are listed`); } }) as T;
  const deps: AppDeps = {
    repo: unused('repo'),
    batches: unused('batches'),
    storage: unused('storage'),
    temporal: unused<Client>('temporal'),
    outbox: unused('outbox'),
    logger: pino({ level: 'silent' }),
    bodyLimit: '1mb',
    providers: unused('providers'),
    experiments: unused('experiments'),
    accounts: unused('accounts'),
    browserSessions: unused('browserSessions'),
    providerConfigs: unused('providerConfigs'),
    customProviders: { repo: unused('customProviders'), refresh: unused('refresh') },
    monitoring: { errorLogs: unused('errorLogs'), alerts: unused('alerts') },
    metrics: unused('metrics'),
    studio: unused('studio'),
  };
  return createApp(deps);
}

describe('OpenAPI coverage', () => {
  const served = listExpressRoutes(fullApp());
  const documented = routeDocs.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort();

  it('finds the routes the app serves', () => {
    expect(served).toContain('POST /v1/generations');
    expect(served).toContain('GET /v1/generations/:id');
    expect(served.length).toBeGreaterThan(20);
  });

  it('documents every route the app serves', () => {
    expect(served.filter((r) => !documented.includes(r)), 'routes without an entry in a *.doc.ts file').toEqual([]);
  });

  it('documents no route the app does not serve', () => {
    expect(documented.filter((r) => !served.includes(r)), 'documented routes that do not exist').toEqual([]);
  });

  it('documents each route once', () => {
    expect(documented.filter((r, i) => documented.indexOf(r) !== i)).toEqual([]);
  });

  it('builds an OpenAPI 3.1 document with parameters, bodies, responses and error statuses', () => {
    const doc = buildOpenApiDocument(routeDocs, { version: 'test' }) as {
      openapi: string;
      paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }>; requestBody?: { content: Record<string, unknown> }; responses: Record<string, { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> }>; security?: unknown[] }>>;
      components: { securitySchemes: Record<string, { type: string }> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['apiKeyHeader', 'bearerAuth']);
    const get = doc.paths['/v1/generations/{id}']!.get!;
    expect(get.parameters).toContainEqual(expect.objectContaining({ name: 'id', in: 'path' }));
    // 429 and 503 come from the key check (per-key rate limit, database down), on every keyed route.
    expect(Object.keys(get.responses).sort()).toEqual(['200', '401', '404', '429', '500', '503']);
    expect(get.responses['429']).toHaveProperty('headers.Retry-After');
    // Admin routes answer 403 to a user key.
    expect(doc.paths['/v1/api-keys']!.get!.responses).toHaveProperty('403');
    expect(get.responses['404']!.content!['application/json']!.schema!.properties).toHaveProperty('error');
    const post = doc.paths['/v1/generations']!.post!;
    expect(Object.keys(post.requestBody!.content).sort()).toEqual(['application/json', 'multipart/form-data']);
    expect(post.responses).toHaveProperty('413');
    expect(doc.paths['/health']!.get!.security).toEqual([]);
    const list = doc.paths['/v1/generations']!.get!;
    expect(list.parameters?.find((p) => p.name === 'limit')).toMatchObject({ in: 'query', schema: { maximum: 100 } });
    // The OpenAI-compatible routes document OpenAI's error shape.
    const openAiError = doc.paths['/v1/images/generations']!.post!.responses['400']!.content!['application/json']!.schema!;
    expect(Object.keys((openAiError.properties!.error as { properties: object }).properties).sort()).toEqual(['code', 'message', 'param', 'type']);
  });

  it('renders the docs page self-contained: every operation, nothing loaded from elsewhere', () => {
    const html = renderDocsPage(buildOpenApiDocument(routeDocs, { version: 'test' }));
    for (const route of routeDocs) expect(html).toContain(openApiPath(route.path));
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']?https?:/i);
    expect(html).not.toMatch(/@import|url\(\s*["']?https?:/i);
  });
});
