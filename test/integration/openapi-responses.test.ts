import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorCodesByStatus, type RouteDoc } from '../../api/openapi/registry';
import { routeDocs } from '../../api/openapi/route-docs';
import { openAiErrorSchema } from '../../api/openapi/openai-schemas';
import { errorBodySchema } from '../../api/openapi/view-schemas';
import { apiRequest, startStack, TEST_ADMIN_KEY, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

/** Real answers of a running stack, each checked against what /openapi.json promises for its route and status. */
describe.skipIf(!temporalAddress)('API answers match the documented response schemas', () => {
  let stack: Stack;
  const checked = new Set<string>();
  beforeAll(async () => {
    // Its own database: it sets provider configs, which every stack on a shared database would obey.
    stack = await startStack({ ownDatabase: true });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  function docFor(method: string, template: string): RouteDoc {
    const doc = routeDocs.find((r) => r.method === method.toLowerCase() && r.path === template);
    if (!doc) throw new Error(`no doc entry for ${method} ${template}`);
    return doc;
  }

  /** Calls the route and validates the answer; returns the body for the next step. */
  async function call(method: string, template: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: unknown }> {
    const doc = docFor(method, template);
    const res = await apiRequest(stack.baseUrl, method, path, body, headers);
    const success = doc.responses[res.status];
    if (success) {
      if (success.schema) {
        const parsed = success.schema.safeParse(res.body);
        expect(parsed.success, `${method} ${path} → ${res.status}: ${parsed.error ? z.prettifyError(parsed.error) : ''}`).toBe(true);
      }
      if (success.contentType && success.contentType !== '*/*') expect(res.contentType).toContain(success.contentType);
    } else {
      const codes = errorCodesByStatus(doc).get(res.status);
      expect(codes, `${method} ${path} answered ${res.status}, which is not documented: ${JSON.stringify(res.body)}`).toBeDefined();
      const schema = doc.errorShape === 'openai' ? openAiErrorSchema : errorBodySchema;
      const parsed = schema.safeParse(res.body);
      expect(parsed.success, `${method} ${path} → ${res.status}: ${JSON.stringify(res.body)}`).toBe(true);
      const code = (res.body as { error: { code: string } }).error.code;
      expect(codes).toContain(code);
    }
    checked.add(`${method} ${template} ${res.status}`);
    return res;
  }

  it('generations, ratings, assets and their errors', async () => {
    const created = await call('POST', '/v1/generations', '/v1/generations', { model: 'local/image', prompt: 'a stone bridge', parameters: { width: 64, height: 64 }, metadata: { shot: 'a1' } });
    expect(created.status).toBe(202);
    const dryRun = await call('POST', '/v1/generations', '/v1/generations?dryRun=true', { model: 'local/image', prompt: 'a stone bridge' });
    expect(dryRun.status).toBe(200);
    const id = (created.body as { id: string }).id;
    const done = await waitForGeneration(stack.baseUrl, id);
    expect(done.status).toBe('succeeded');
    await call('GET', '/v1/generations/:id', `/v1/generations/${id}`);
    await call('GET', '/v1/generations', '/v1/generations?limit=5&metadata.shot=a1');
    await call('GET', '/v1/generations', '/v1/generations?limit=1000');
    await call('GET', '/v1/generations/:id', '/v1/generations/not-an-id');
    await call('POST', '/v1/generations/:id/cancel', `/v1/generations/${id}/cancel`);
    await call('POST', '/v1/generations/:id/rating', `/v1/generations/${id}/rating`, { rating: 4 });
    await call('POST', '/v1/generations/:id/rating', `/v1/generations/${id}/rating`, { rating: 9 });
    const asset = await call('GET', '/v1/assets/:id/content', new URL(done.outputs[0]!.url).pathname);
    const assetId = done.outputs[0]!.id;
    expect((await call('GET', '/v1/assets/:id/thumbnail', `/v1/assets/${assetId}/thumbnail?size=128`)).status).toBe(200);
    expect((await call('GET', '/v1/assets/:id/thumbnail', `/v1/assets/${assetId}/thumbnail?size=7`)).status).toBe(400);
    expect((await call('GET', '/v1/assets/:id/thumbnail', '/v1/assets/00000000-0000-4000-8000-000000000000/thumbnail')).status).toBe(404);
    expect(asset.status).toBe(200);
    await call('GET', '/v1/generations/:id/events', `/v1/generations/${id}/events`);
    await call('POST', '/v1/generations', '/v1/generations', { model: 'local/image', prompt: 'x', parameters: { width: 1 } });
    await call('POST', '/v1/generations', '/v1/generations', '{"not json');
    await call('DELETE', '/v1/generations/:id', `/v1/generations/${id}`);
    expect((await call('GET', '/v1/generations/:id', `/v1/generations/${id}`)).status).toBe(404);
  });

  it('batches', async () => {
    const created = await call('POST', '/v1/batches', '/v1/batches', { requests: [{ model: 'local/image', prompt: 'one', parameters: { width: 64, height: 64 } }] });
    expect(created.status).toBe(202);
    const id = (created.body as { id: string }).id;
    await expect.poll(async () => ((await call('GET', '/v1/batches/:id', `/v1/batches/${id}`)).body as { status: string }).status, { timeout: 30_000 }).toBe('succeeded');
    await call('POST', '/v1/batches/:id/cancel', `/v1/batches/${id}/cancel`);
    await call('GET', '/v1/batches/:id', `/v1/batches/${id}?limit=0`);
    expect(((await call('GET', '/v1/batches', '/v1/batches?limit=5')).body as { data: Array<{ id: string }> }).data.map((b) => b.id)).toContain(id);
    expect((await call('GET', '/v1/batches', '/v1/batches?cursor=garbage')).status).toBe(400);
    await call('POST', '/v1/batches', '/v1/batches', { requests: [] });
  });

  it('experiments', async () => {
    const created = await call('POST', '/v1/experiments', '/v1/experiments', {
      name: 'docs check',
      variants: [
        { name: 'a', model: 'local/image', parameters: { width: 64, height: 64 } },
        { name: 'b', model: 'local/image', parameters: { width: 96, height: 64 } },
      ],
      allocation: { type: 'fixed', weights: [1, 1] },
      metrics: [{ name: 'success_rate', goal: 'maximize', primary: true }],
    });
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    await call('GET', '/v1/experiments', '/v1/experiments');
    await call('GET', '/v1/experiments/:id', `/v1/experiments/${id}`);
    await call('POST', '/v1/experiments/:id/start', `/v1/experiments/${id}/start`);
    await call('POST', '/v1/experiments/:id/pause', `/v1/experiments/${id}/pause`);
    await call('POST', '/v1/experiments/:id/resume', `/v1/experiments/${id}/resume`);
    await call('GET', '/v1/experiments/:id/results', `/v1/experiments/${id}/results`);
    await call('POST', '/v1/experiments/:id/complete', `/v1/experiments/${id}/complete`);
    await call('POST', '/v1/experiments/:id/start', `/v1/experiments/${id}/start`);
  });

  it('catalog, health, OpenAI images, documentation and pages', async () => {
    await call('GET', '/health', '/health');
    await call('GET', '/v1/models', '/v1/models');
    await call('GET', '/v1/models/*id', '/v1/models/replicate/black-forest-labs/flux-schnell');
    await call('GET', '/v1/models/*id', '/v1/models/nobody/nothing');
    await call('GET', '/v1/providers', '/v1/providers');
    await call('POST', '/v1/images/generations', '/v1/images/generations', { prompt: 'a kite', size: '64x64' });
    await call('POST', '/v1/images/generations', '/v1/images/generations', { prompt: 'a kite', size: 'big' });
    await call('POST', '/v1/images/edits', '/v1/images/edits', { prompt: 'a kite' });
    await call('GET', '/openapi.json', '/openapi.json');
    await call('GET', '/docs', '/docs');
    await call('GET', '/admin', '/admin');
    await call('GET', '/admin/experiments', '/admin/experiments');
    await call('GET', '/admin/experiments.js', '/admin/experiments.js');
    expect((await call('GET', '/console', '/console', undefined, { authorization: '' })).status).toBe(401);
    expect((await call('GET', '/console', '/console')).status).toBe(200);
    await call('GET', '/console/app.js', '/console/app.js');
    await call('GET', '/console/app.css', '/console/app.css');
    expect((await call('POST', '/admin/session', '/admin/session', { key: 'gf_wrong' })).status).toBe(401);
    const session = await call('POST', '/admin/session', '/admin/session', { key: TEST_ADMIN_KEY });
    expect(session.status).toBe(200);
    expect((await call('GET', '/admin/session', '/admin/session')).status).toBe(401); // a header key is no session
    expect((await call('DELETE', '/admin/session', '/admin/session')).status).toBe(204);
  });

  it('API keys, usage, provider settings, errors, alerts, readiness, metrics and webhooks', async () => {
    const created = await call('POST', '/v1/api-keys', '/v1/api-keys', { name: 'docs user', budget: { daily: 5 }, rateLimit: { requestsPerMinute: 100 } });
    expect(created.status).toBe(201);
    const user = created.body as { id: string; key: string };
    const asUser = { authorization: `Bearer ${user.key}` };
    await call('POST', '/v1/api-keys', '/v1/api-keys', { name: '' });
    await call('GET', '/v1/api-keys', '/v1/api-keys');
    expect((await call('GET', '/v1/api-keys', '/v1/api-keys', undefined, asUser)).status).toBe(403);
    expect((await call('GET', '/v1/usage', '/v1/usage', undefined, asUser)).status).toBe(200);
    expect((await call('GET', '/v1/usage', '/v1/usage?owner=someone-else', undefined, asUser)).status).toBe(403);
    await call('GET', '/v1/usage', '/v1/usage?from=2026-01-01&to=2026-01-31');
    await call('GET', '/v1/usage', '/v1/usage?from=yesterday');
    expect((await call('DELETE', '/v1/api-keys/:id', `/v1/api-keys/${user.id}`)).status).toBe(200);
    expect((await call('GET', '/v1/usage', '/v1/usage', undefined, asUser)).status).toBe(401);
    await call('DELETE', '/v1/api-keys/:id', '/v1/api-keys/00000000-0000-4000-8000-000000000000');

    expect((await call('GET', '/v1/providers/:id/config', '/v1/providers/openai/config')).status).toBe(404);
    expect((await call('PUT', '/v1/providers/:id/config', '/v1/providers/openai/config', { apiKeys: ['sk-docs-check-1234'], timeoutMs: 30_000 })).status).toBe(200);
    await call('PUT', '/v1/providers/:id/config', '/v1/providers/openai/config', { timeoutMs: 5 });
    await call('PUT', '/v1/providers/:id/config', '/v1/providers/nope/config', { enabled: true });
    expect((await call('GET', '/v1/providers/:id/config', '/v1/providers/openai/config')).status).toBe(200);
    expect((await call('DELETE', '/v1/providers/:id/config', '/v1/providers/openai/config')).status).toBe(204);
    await call('DELETE', '/v1/providers/:id/config', '/v1/providers/openai/config');

    const declaration = {
      baseUrl: 'https://media.example/v1',
      models: [{ id: 'image', kinds: ['text-to-image'], submit: { path: '/images', body: { prompt: '{{prompt}}' } }, outputs: { urls: '$.data[*].url' } }],
    };
    expect((await call('PUT', '/v1/custom-providers/:id', '/v1/custom-providers/docs-check', declaration)).status).toBe(201);
    expect((await call('PUT', '/v1/custom-providers/:id', '/v1/custom-providers/docs-check', declaration)).status).toBe(200);
    expect((await call('PUT', '/v1/custom-providers/:id', '/v1/custom-providers/openai', declaration)).status).toBe(409);
    await call('PUT', '/v1/custom-providers/:id', '/v1/custom-providers/docs-check', { ...declaration, models: [] });
    expect((await call('GET', '/v1/custom-providers', '/v1/custom-providers')).status).toBe(200);
    expect((await call('GET', '/v1/custom-providers/:id', '/v1/custom-providers/docs-check')).status).toBe(200);
    expect((await call('DELETE', '/v1/custom-providers/:id', '/v1/custom-providers/docs-check')).status).toBe(204);
    expect((await call('GET', '/v1/custom-providers/:id', '/v1/custom-providers/docs-check')).status).toBe(404);
    await call('DELETE', '/v1/custom-providers/:id', '/v1/custom-providers/docs-check');

    await call('GET', '/v1/errors', '/v1/errors?limit=5');
    await call('GET', '/v1/errors', '/v1/errors?limit=0');
    await call('GET', '/v1/alerts', '/v1/alerts?status=open');
    await call('GET', '/v1/alerts', '/v1/alerts?cursor=garbage');
    await call('POST', '/v1/alerts/:id/acknowledge', '/v1/alerts/00000000-0000-4000-8000-000000000000/acknowledge', { by: 'docs' });

    // Values the database cannot hold are refused as bad requests, not failed as 500s.
    for (const [method, template, path, body] of [
      ['GET', '/v1/errors', '/v1/errors?cursor=9999999999999999999', undefined],
      ['GET', '/v1/errors', '/v1/errors?from=0000-01-01T00:00:00Z', undefined],
      ['GET', '/v1/generations', '/v1/generations?from=0000-01-01T00:00:00Z', undefined],
      ['GET', '/v1/usage', '/v1/usage?to=9999-12-31', undefined],
      ['GET', '/v1/alerts', '/v1/alerts?subject=%00', undefined],
      ['GET', '/v1/generations', '/v1/generations?q=a%00b', undefined],
      ['GET', '/v1/generations', '/v1/generations?metadata.shot=%00', undefined],
      ['POST', '/v1/api-keys', '/v1/api-keys', { name: 'a\u0000b' }],
      ['POST', '/v1/generations', '/v1/generations', { model: 'local/image', prompt: 'x', metadata: { 'a\u0000': 'b' } }],
    ] as const) {
      expect((await call(method, template, path, body)).status, path).toBe(400);
    }

    expect((await call('GET', '/health/ready', '/health/ready')).status).toBe(200);
    expect((await call('GET', '/metrics', '/metrics')).status).toBe(200);
    // Providers send no API key: the route is reached without one and checks its own token.
    const noKey = { authorization: '' };
    expect((await call('POST', '/v1/webhooks/:provider', '/v1/webhooks/nope', { id: 'x' }, noKey)).status).toBe(404);
    const unsigned = await call('POST', '/v1/webhooks/:provider', '/v1/webhooks/replicate', { id: 'x' }, noKey);
    expect(unsigned.status).toBe(401);
    expect((unsigned.body as { error: { message: string } }).error.message).toContain('webhook refused');
  });

  it('the studio: projects, episodes, shots, frames and attached generations', async () => {
    const none = '00000000-0000-4000-8000-000000000000';
    const project = await call('POST', '/v1/projects', '/v1/projects', { name: 'docs', defaults: { model: 'local/image', parameters: { width: 64, height: 64 } } });
    expect(project.status).toBe(201);
    const projectId = (project.body as { id: string }).id;
    await call('POST', '/v1/projects', '/v1/projects', { name: '' });
    await call('GET', '/v1/projects', '/v1/projects?limit=5');
    await call('GET', '/v1/projects', '/v1/projects?cursor=garbage');
    await call('GET', '/v1/projects/:id', `/v1/projects/${projectId}`);
    await call('GET', '/v1/projects/:id', `/v1/projects/${none}`);
    await call('PATCH', '/v1/projects/:id', `/v1/projects/${projectId}`, { notes: 'checked' });
    await call('PATCH', '/v1/projects/:id', `/v1/projects/${projectId}`, { defaults: { model: 'nobody/nothing' } });
    const ids: Record<string, string> = { projects: projectId };
    for (const [parent, self] of [['projects', 'episodes'], ['episodes', 'shots'], ['shots', 'frames']] as const) {
      const created = await call('POST', `/v1/${parent}/:id/${self}`, `/v1/${parent}/${ids[parent]}/${self}`, { name: `a ${self}` });
      expect(created.status).toBe(201);
      ids[self] = (created.body as { id: string }).id;
      await call('POST', `/v1/${parent}/:id/${self}`, `/v1/${parent}/${none}/${self}`, { name: 'x' });
      await call('GET', `/v1/${parent}/:id/${self}`, `/v1/${parent}/${ids[parent]}/${self}?limit=2`);
      await call('GET', `/v1/${parent}/:id/${self}`, `/v1/${parent}/${ids[parent]}/${self}?cursor=garbage`);
      await call('PATCH', `/v1/${self}/:id`, `/v1/${self}/${ids[self]}`, { order: 3 });
      await call('PATCH', `/v1/${self}/:id`, `/v1/${self}/${ids[self]}`, { order: -1 });
    }
    const generation = await call('POST', '/v1/generations', '/v1/generations', { prompt: 'a studio still', frameId: ids.frames });
    expect(generation.status).toBe(202);
    const generationId = (generation.body as { id: string }).id;
    await waitForGeneration(stack.baseUrl, generationId);
    for (const self of ['episodes', 'shots', 'frames']) {
      expect((await call('GET', `/v1/${self}/:id`, `/v1/${self}/${ids[self]}`)).status).toBe(200);
      await call('GET', `/v1/${self}/:id`, `/v1/${self}/${none}`);
    }
    for (const self of ['shots', 'frames']) {
      await call('GET', `/v1/${self}/:id/generations`, `/v1/${self}/${ids[self]}/generations?limit=1`);
      await call('GET', `/v1/${self}/:id/generations`, `/v1/${self}/${ids[self]}/generations?limit=0`);
      expect((await call('POST', `/v1/${self}/:id/generations`, `/v1/${self}/${ids[self]}/generations`, { generationId })).status).toBe(200);
      await call('POST', `/v1/${self}/:id/generations`, `/v1/${self}/${ids[self]}/generations`, { generationId: none });
      expect((await call('DELETE', `/v1/${self}/:id/generations/:generationId`, `/v1/${self}/${ids[self]}/generations/${generationId}`)).status).toBe(204);
      await call('DELETE', `/v1/${self}/:id/generations/:generationId`, `/v1/${self}/${ids[self]}/generations/${generationId}`);
    }
    for (const self of ['frames', 'shots', 'episodes']) {
      expect((await call('DELETE', `/v1/${self}/:id`, `/v1/${self}/${ids[self]}`)).status).toBe(204);
      await call('DELETE', `/v1/${self}/:id`, `/v1/${self}/${ids[self]}`);
    }
    expect((await call('DELETE', '/v1/projects/:id', `/v1/projects/${projectId}`)).status).toBe(204);
    await call('DELETE', '/v1/projects/:id', `/v1/projects/${projectId}`);
  });

  it('exercised every documented route', () => {
    const missing = routeDocs.filter((r) => ![...checked].some((c) => c.startsWith(`${r.method.toUpperCase()} ${r.path} `)));
    expect(missing.map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });
});
