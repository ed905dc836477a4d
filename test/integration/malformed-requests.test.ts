import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAiErrorSchema } from '../../api/openapi/openai-schemas';
import { routeDocs } from '../../api/openapi/route-docs';
import { errorBodySchema } from '../../api/openapi/view-schemas';
import { startStack, temporalAddress, withKey, type Stack } from '../support/stack';

interface Raw {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** One request with exactly these bytes: no client normalises the path or the headers. */
function send(baseUrl: string, raw: Raw): Promise<Answer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const body = raw.body === undefined ? undefined : Buffer.isBuffer(raw.body) ? raw.body : Buffer.from(raw.body, 'utf8');
    const req = request(
      { host: hostname, port, method: raw.method, path: raw.path, headers: { ...withKey(raw.headers), ...(body ? { 'content-length': String(body.length) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A request whose Content-Length promises more than is sent before the client stops writing. */
function sendShortBody(baseUrl: string, method: string, path: string): Promise<Answer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), allowHalfOpen: true });
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      const head = text.slice(0, text.indexOf('\r\n\r\n'));
      resolve({ status, contentType: /content-type: ([^\r\n]*)/i.exec(head)?.[1] ?? '', text: text.slice(head.length + 4) });
      socket.destroy();
    });
    const headers = Object.entries(withKey({ 'content-type': 'application/json', 'content-length': '100', connection: 'close' }))
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.write(`${method} ${path} HTTP/1.1\r\nhost: ${hostname}:${port}\r\n${headers}\r\n{"a":1}`);
    socket.end();
  });
}

/** Percent-encodings that decode to no valid UTF-8 (a lone surrogate, a stray byte, truncated or overlong sequences). */
const BAD_SEGMENTS = ['%ED%A0%80', '%FF', '%', '%E0%A4%A', '%C0%AF', '%ZZ'];
const PLACEHOLDER = '5f0c6c4e-9a55-4d7e-8f43-6b0f1e2d3c4b';

/** Bodies and headers that are broken in a way a careless or hostile client might send. */
const BAD_BODIES: Array<{ name: string; headers: Record<string, string>; body: string | Buffer }> = [
  { name: 'broken JSON', headers: { 'content-type': 'application/json' }, body: '{"model": "local/image", ' },
  { name: 'gzip declared, not compressed', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: '{"model":"local/image"}' },
  { name: 'deflate declared, not compressed', headers: { 'content-type': 'application/json', 'content-encoding': 'deflate' }, body: '{"model":"local/image"}' },
  { name: 'br declared, not compressed', headers: { 'content-type': 'application/json', 'content-encoding': 'br' }, body: '{"model":"local/image"}' },
  { name: 'unknown content encoding', headers: { 'content-type': 'application/json', 'content-encoding': 'compress' }, body: '{"model":"local/image"}' },
  { name: 'latin1 charset', headers: { 'content-type': 'application/json; charset=latin1' }, body: '{"prompt":"caf\u00e9"}' },
  { name: 'utf-16 charset', headers: { 'content-type': 'application/json; charset=utf-16' }, body: '{"prompt":"x"}' },
  { name: 'made-up charset', headers: { 'content-type': 'application/json; charset=no-such-charset' }, body: '{"prompt":"x"}' },
  { name: 'invalid UTF-8 bytes', headers: { 'content-type': 'application/json' }, body: Buffer.from([0x7b, 0x22, 0x70, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x22, 0x7d]) },
  { name: 'text/plain JSON', headers: { 'content-type': 'text/plain' }, body: '{"prompt":"x"}' },
  { name: 'form-urlencoded', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'prompt=x&model=local%2Fimage' },
  { name: 'multipart without boundary', headers: { 'content-type': 'multipart/form-data' }, body: '--x\r\n\r\n' },
  { name: 'multipart garbage', headers: { 'content-type': 'multipart/form-data; boundary=zz' }, body: '--zz\r\ncontent-disposition: form-data\r\n\r\n\u0000\r\n--z' },
  { name: 'bad content type', headers: { 'content-type': '/;;;=' }, body: '{}' },
  { name: 'lone surrogates', headers: { 'content-type': 'application/json' }, body: '{"model":"local/image","prompt":"\\ud800","metadata":{"k\\udc00":"\\udbff"},"mask":"\\ud800","user":"\\udfff","name":"\\ud800"}' },
  { name: 'NUL characters', headers: { 'content-type': 'application/json' }, body: '{"model":"local/image","prompt":"a\\u0000","name":"\\u0000"}' },
  { name: 'nested 5,000 deep', headers: { 'content-type': 'application/json' }, body: `{"parameters":${'['.repeat(5000)}${']'.repeat(5000)}}` },
  { name: 'a JSON string', headers: { 'content-type': 'application/json' }, body: '"just a string"' },
  { name: 'JSON null', headers: { 'content-type': 'application/json' }, body: 'null' },
  { name: 'a prototype key', headers: { 'content-type': 'application/json' }, body: '{"__proto__":{"role":"admin"},"constructor":{"prototype":{}}}' },
];

interface Operation {
  method: string;
  template: string;
  shape: 'genflow' | 'openai';
}

/**
 * Malformed requests against every route of the running app's own /openapi.json: none may
 * answer 5xx, and every error keeps the route's documented error body.
 */
describe.skipIf(!temporalAddress)('malformed requests to every route answer 4xx with the error body', () => {
  let stack: Stack;
  let operations: Operation[] = [];
  beforeAll(async () => {
    stack = await startStack({ ownDatabase: true });
    const doc = (await (await fetch(`${stack.baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    operations = Object.entries(doc.paths).flatMap(([template, methods]) =>
      Object.keys(methods).map((method) => {
        const express = template.replace(/\{(\w+)\}/g, ':$1');
        const shape = routeDocs.find((r) => r.method === method && r.path === express)?.errorShape ?? 'genflow';
        return { method: method.toUpperCase(), template, shape };
      }),
    );
  });
  afterAll(async () => {
    await stack?.stop();
  });

  function check(op: Operation, what: string, answer: Answer): string | undefined {
    const label = `${op.method} ${op.template} (${what}) → ${answer.status} ${answer.text.slice(0, 200)}`;
    if (answer.status === 0 || answer.status >= 500) return label;
    if (answer.status >= 400) {
      if (!answer.contentType.includes('application/json')) return `${label}: not JSON`;
      const schema = op.shape === 'openai' ? openAiErrorSchema : errorBodySchema;
      if (!schema.safeParse(JSON.parse(answer.text)).success) return `${label}: not the error body`;
    }
    return undefined;
  }

  const fill = (template: string, bad?: { name: string; segment: string }) =>
    template.replace(/\{(\w+)\}/g, (_m, name: string) => (bad?.name === name ? bad.segment : PLACEHOLDER));
  const hasBody = (method: string) => method !== 'GET' && method !== 'HEAD';

  it('reads the operations from /openapi.json', () => {
    expect(operations.length).toBeGreaterThan(30);
    expect(operations.some((o) => o.template.includes('{'))).toBe(true);
  });

  it('bad percent-encoding in every path parameter', async () => {
    const failures: string[] = [];
    let sent = 0;
    for (const op of operations) {
      for (const name of [...op.template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)) {
        for (const segment of BAD_SEGMENTS) {
          const path = fill(op.template, { name, segment });
          const answer = await send(stack.baseUrl, { method: op.method, path, ...(hasBody(op.method) ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}) });
          sent++;
          const failure = check(op, `${name}=${segment}`, answer);
          if (failure) failures.push(failure);
        }
      }
    }
    expect(sent).toBeGreaterThan(50);
    expect(failures).toEqual([]);
  }, 120_000);

  it('bad bodies, encodings and content types on every route that takes a body', async () => {
    const failures: string[] = [];
    for (const op of operations.filter((o) => hasBody(o.method))) {
      for (const bad of BAD_BODIES) {
        const answer = await send(stack.baseUrl, { method: op.method, path: fill(op.template), headers: bad.headers, body: bad.body });
        const failure = check(op, bad.name, answer);
        if (failure) failures.push(failure);
      }
      const short = await sendShortBody(stack.baseUrl, op.method, fill(op.template));
      const failure = check(op, 'Content-Length larger than the body', short);
      if (failure) failures.push(failure);
    }
    expect(failures).toEqual([]);
  }, 180_000);

  it('bad percent-encoding and lone surrogates in query strings', async () => {
    const failures: string[] = [];
    for (const op of operations.filter((o) => o.method === 'GET')) {
      for (const query of ['?limit=%FF', '?q=%ED%A0%80&owner=%', '?metadata.k=%C0%AF&cursor=%ZZ', '?from=%00']) {
        const answer = await send(stack.baseUrl, { method: op.method, path: `${fill(op.template)}${query}` });
        const failure = check(op, query, answer);
        if (failure) failures.push(failure);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
