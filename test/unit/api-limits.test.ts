import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app';
import { buildOpenApiDocument } from '../../api/openapi/document';
import { routeDocs } from '../../api/openapi/route-docs';
import { closeServer, listen } from '../../api/server';
import { apiRequest, postForm, TEST_ADMIN_KEY } from '../support/stack';

/**
 * Body-size and page-size limits are checked before any dependency is touched, so an app whose
 * dependencies throw when used is enough: a limit that failed to apply would surface as a 500.
 */
const messageOf = (body: unknown): string => (body as { error: { message: string } }).error.message;

describe('request limits', () => {
  let server: Server;
  let baseUrl: string;
  beforeAll(async () => {
    const unused = <T>() => new Proxy({}, { get: () => { throw new Error('a dependency was used before the limits were checked'); } }) as T;
    const app = createApp({
      repo: unused(),
      batches: unused(),
      storage: unused(),
      temporal: unused<Client>(),
      outbox: unused(),
      logger: pino({ level: 'silent' }),
      bodyLimit: '64kb',
      experiments: unused(),
      studio: unused(),
      accounts: unused(),
      monitoring: { errorLogs: unused(), alerts: unused() },
      // The bootstrap admin key is checked without the database, so limits still meet no dependency.
      adminApiKey: TEST_ADMIN_KEY,
    });
    server = await listen(app, 0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await closeServer(server);
  });

  const doc = buildOpenApiDocument(routeDocs, { version: 'test' }) as {
    paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string; schema: { maximum?: number } }> }>>;
  };
  const lists = Object.entries(doc.paths).flatMap(([path, ops]) => {
    const limit = ops.get?.parameters?.find((p) => p.name === 'limit' && p.in === 'query');
    return limit ? [{ path: path.replace('{id}', '00000000-0000-4000-8000-000000000000'), max: limit.schema.maximum }] : [];
  });

  it('every list documents a page-size maximum', () => {
    expect(lists.map((l) => l.path)).toEqual(expect.arrayContaining(['/v1/generations', '/v1/experiments']));
    for (const list of lists) expect(list.max, list.path).toBeGreaterThan(0);
  });

  it('every list refuses a page larger than its maximum, or not a positive integer, with a 400 naming the range', async () => {
    for (const { path, max } of lists) {
      for (const bad of [String(max! + 1), '0', '-1', '2.5', 'ten']) {
        const res = await apiRequest(baseUrl, 'GET', `${path}?limit=${bad}`);
        expect(res.status, `${path}?limit=${bad}`).toBe(400);
        expect(res.body).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
        expect(messageOf(res.body)).toContain(`limit: must be an integer from 1 to ${max}`);
      }
    }
  });

  it('refuses a JSON body over the limit with 413 PAYLOAD_TOO_LARGE naming the limit', async () => {
    const res = await apiRequest(baseUrl, 'POST', '/v1/generations', { model: 'local/image', prompt: 'x'.repeat(70 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE', details: { limitBytes: 64 * 1024 } } });
    expect(messageOf(res.body)).toContain(`limit of ${64 * 1024} bytes`);
  });

  it('refuses multipart bodies over the limit too, in OpenAI\'s shape on the OpenAI routes', async () => {
    const form = () => {
      const f = new FormData();
      f.append('prompt', 'x');
      f.append('image', new Blob([Buffer.alloc(80 * 1024)], { type: 'image/png' }), 'big.png');
      return f;
    };
    const generations = await postForm(`${baseUrl}/v1/generations`, form());
    expect(generations.status).toBe(413);
    expect(generations.body).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    const edits = await postForm(`${baseUrl}/v1/images/edits`, form());
    expect(edits.status).toBe(413);
    expect(edits.body).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE', type: 'invalid_request_error' } });
    expect(messageOf(edits.body)).toContain(`limit of ${64 * 1024} bytes`);
  });

  it('gives batches their larger body limit', async () => {
    const res = await apiRequest(baseUrl, 'POST', '/v1/batches', { requests: [], padding: 'x'.repeat(200 * 1024) });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
  });
});
