import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer } from '../../api/server';
import { serveMetrics } from '../../runtime/metrics-server';
import { startStack, TEST_ADMIN_KEY, temporalAddress, type Stack } from '../support/stack';

const TOKEN = 'metrics-scraper-token-0123456789';

/** GENFLOW_METRICS_TOKEN closes /metrics (the API's and a worker's) to anyone without the token. */
describe.skipIf(!temporalAddress)('GET /metrics with GENFLOW_METRICS_TOKEN', () => {
  let stack: Stack;
  let worker: Server;
  let open: Server;
  const url = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;

  beforeAll(async () => {
    stack = await startStack({ env: { GENFLOW_METRICS_TOKEN: TOKEN } });
    // A worker process serves the same metrics on a port of its own.
    worker = await serveMetrics(stack.metrics, 0, '127.0.0.1', TOKEN);
    open = await serveMetrics(stack.metrics, 0, '127.0.0.1');
  });
  afterAll(async () => {
    if (worker) await closeServer(worker);
    if (open) await closeServer(open);
    await stack?.stop();
  });

  it('answers 401 with the error body without the token, with a wrong one and with an API key', async () => {
    for (const target of [`${stack.baseUrl}/metrics`, url(worker)]) {
      for (const headers of [{} as Record<string, string>, { authorization: `Bearer ${TOKEN}x` }, { authorization: `Bearer ${TEST_ADMIN_KEY}` }, { authorization: TOKEN }]) {
        const res = await fetch(target, { headers });
        expect({ target, headers, status: res.status }).toEqual({ target, headers, status: 401 });
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe('AUTHENTICATION_FAILED');
        expect(body.error.message).toContain('GENFLOW_METRICS_TOKEN');
      }
    }
  });

  it('serves the metrics with the token', async () => {
    for (const target of [`${stack.baseUrl}/metrics`, url(worker)]) {
      const res = await fetch(target, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('genflow_provider_keys');
    }
  });

  it('stays open without a token configured', async () => {
    const res = await fetch(url(open));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('genflow_provider_keys');
  });
});
