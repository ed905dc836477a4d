import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: unknown;
}

export interface FakeResponse {
  status?: number;
  json?: unknown;
  body?: Buffer | string;
  headers?: Record<string, string>;
  /** Delay before answering, to exercise time-outs. */
  delayMs?: number;
}

export type FakeHandler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: FakeHandler;
}

/**
 * A small HTTP server on 127.0.0.1 for provider fakes: routes with `:params`, a log of every
 * request, and a queue of injected responses that pre-empt the routes (outages, 429s).
 */
export class FakeServer {
  readonly requests: FakeRequest[] = [];
  private readonly routes: Route[] = [];
  private readonly injected: FakeResponse[] = [];
  /** Seen before the routes (after injected responses): an answer pre-empts the route, undefined lets it through. */
  intercept: ((req: FakeRequest) => FakeResponse | undefined) | undefined;
  /**
   * The malformed-answer switch: rewrites the JSON of a route's answer (a provider that changed
   * its API, or answers a broken body with a 2xx). Return the JSON to send; `undefined` for a
   * request it leaves alone.
   */
  malform: ((req: FakeRequest, json: unknown) => unknown) | undefined;
  private server: Server | undefined;
  url = '';

  route(method: string, path: string, handler: FakeHandler): this {
    const names: string[] = [];
    const source = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), names, handler });
    return this;
  }

  /** The next `times` requests get `response` instead of their route's answer. */
  inject(response: FakeResponse, times = 1): this {
    for (let i = 0; i < times; i++) this.injected.push(response);
    return this;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://fake');
    let json: unknown;
    try {
      json = body.length ? JSON.parse(body.toString('utf8')) : undefined;
    } catch {
      json = undefined;
    }
    const request: FakeRequest = { method: req.method ?? 'GET', path: url.pathname, params: {}, query: url.searchParams, headers: req.headers, body, json };
    this.requests.push(request);

    let response: FakeResponse;
    try {
      response = this.injected.shift() ?? this.intercept?.(request) ?? (await this.dispatch(request));
    } catch (err) {
      response = { status: 500, json: { error: { message: err instanceof Error ? err.message : String(err) } } };
    }
    if (this.malform && response.json !== undefined) {
      const rewritten = this.malform(request, response.json);
      if (rewritten !== undefined) response = { ...response, json: rewritten };
    }
    if (response.delayMs) await new Promise((r) => setTimeout(r, response.delayMs));
    const headers: Record<string, string> = { ...response.headers };
    let payload: Buffer | string = '';
    if (response.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      payload = JSON.stringify(response.json);
    } else if (response.body !== undefined) {
      payload = response.body;
    }
    if (res.destroyed) return;
    res.writeHead(response.status ?? 200, headers);
    res.end(payload);
  }

  private dispatch(request: FakeRequest): FakeResponse | Promise<FakeResponse> {
    for (const route of this.routes) {
      if (route.method !== request.method) continue;
      const match = route.pattern.exec(request.path);
      if (!match) continue;
      route.names.forEach((name, i) => (request.params[name] = decodeURIComponent(match[i + 1]!)));
      return route.handler(request);
    }
    return { status: 404, json: { error: { message: `fake: no route for ${request.method} ${request.path}` } } };
  }
}
