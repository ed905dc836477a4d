import { lookup as dnsLookup } from 'node:dns/promises';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Transform, type Readable } from 'node:stream';
import { checkAddress } from './ip-policy';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export interface SafeFetchOptions {
  /** Bytes accepted from the body; more fails the stream (and a larger Content-Length fails at once). */
  maxBytes: number;
  /** Until the response headers arrive, per hop. */
  headersTimeoutMs?: number;
  /** The longest pause between two body chunks; a stalled download fails instead of hanging. */
  idleTimeoutMs?: number;
  /** Redirects followed, each re-checked (default 3). */
  maxRedirects?: number;
  /** TEST ONLY: lets loopback addresses through so tests can serve from 127.0.0.1. Never set in production code. */
  allowLoopback?: boolean;
  /** Name resolution; tests inject one to map names to chosen addresses. Default: the system resolver. */
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
  signal?: AbortSignal;
  /** GET by default; POST sends `body` (client callbacks). Redirects are never followed for a POST. */
  method?: 'GET' | 'POST';
  body?: Buffer;
  /** Extra request headers (a POST's content type and signature). */
  headers?: Record<string, string>;
  /**
   * Headers sent only to hops whose host is listed (`*.example.com` covers subdomains): a
   * provider's key for its own delivery host. A redirect to any other host drops them, so a
   * credential never reaches a third host. The address checks apply to every hop as ever.
   */
  scopedHeaders?: { headers: Record<string, string>; hosts: readonly string[] };
}

/** Whether `url`'s host (with its port, if any) is one of `hosts`; `*.name` matches subdomains of name. */
export function hostListed(url: URL, hosts: readonly string[]): boolean {
  const host = url.host.toLowerCase();
  return hosts.some((h) => {
    const want = h.toLowerCase();
    return want.startsWith('*.') ? host.endsWith(want.slice(1)) && host.length > want.length - 1 : host === want;
  });
}

export interface SafeResponse {
  /** The URL finally fetched, after redirects. */
  url: string;
  status: number;
  headers: IncomingHttpHeaders;
  /** The body, failing with a SafeFetchError once it exceeds `maxBytes` or stalls. */
  body: Readable;
}

/**
 * Why a fetch was refused or failed. `refused` is a policy decision (never retry); `retryable`
 * marks transient trouble (timeouts, 5xx, connection resets).
 */
export class SafeFetchError extends Error {
  override readonly name = 'SafeFetchError';
  constructor(
    message: string,
    readonly kind: 'refused' | 'http' | 'too-large' | 'timeout' | 'network',
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

async function systemResolve(hostname: string): Promise<ResolvedAddress[]> {
  const answers = await dnsLookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
}

/**
 * Checks the URL's form and every address its host resolves to; answers the address to connect
 * to. Also the address policy of provider calls (providers/http.ts).
 */
export async function vetUrl(url: URL, options: Pick<SafeFetchOptions, 'allowLoopback' | 'resolve'>): Promise<ResolvedAddress> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SafeFetchError(`refused ${url.protocol}// URL: only http and https are fetched`, 'refused', false);
  }
  if (url.username || url.password) throw new SafeFetchError('refused a URL with embedded credentials', 'refused', false);
  // The WHATWG parser already turned decimal/octal/hex IPv4 spellings (2130706433, 0x7f.1, 0177.0.0.1) into dotted quads.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: ResolvedAddress[];
  if (isIP(host)) {
    addresses = [{ address: host, family: isIP(host) === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await (options.resolve ?? systemResolve)(host);
    } catch (err) {
      throw new SafeFetchError(`could not resolve ${host}: ${err instanceof Error ? err.message : String(err)}`, 'network', true, { cause: err });
    }
    if (addresses.length === 0) throw new SafeFetchError(`could not resolve ${host}: no addresses`, 'network', true);
  }
  // Every answer is checked, not only the first: otherwise a name with one public and one
  // private record could still steer a later connection inside.
  for (const { address } of addresses) {
    const verdict = checkAddress(address, { allowLoopback: options.allowLoopback === true });
    if (!verdict.allowed) {
      const via = isIP(host) ? '' : ` (${host} resolves to it)`;
      throw new SafeFetchError(`refused ${url.origin}: ${verdict.reason}${via}`, 'refused', false);
    }
  }
  return addresses[0]!;
}

function request(url: URL, target: ResolvedAddress, options: SafeFetchOptions): Promise<IncomingMessage> {
  // The socket connects to the address that was vetted, never to a second DNS answer (no
  // rebinding); Host header and TLS SNI still carry the URL's name.
  const lookup: LookupFunction = (_hostname, opts, callback) => {
    if ((opts as { all?: boolean }).all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, {
      method: options.method ?? 'GET',
      agent: false,
      lookup,
      headers: {
        'user-agent': 'genflow-media-fetch',
        accept: '*/*',
        ...options.headers,
        ...(options.scopedHeaders && hostListed(url, options.scopedHeaders.hosts) ? options.scopedHeaders.headers : {}),
        ...(options.body ? { 'content-length': String(options.body.length) } : {}),
      },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const timer = setTimeout(() => {
      req.destroy(new SafeFetchError(`${url.origin} did not answer within ${options.headersTimeoutMs ?? 30_000} ms`, 'timeout', true));
    }, options.headersTimeoutMs ?? 30_000);
    req.once('response', (res) => {
      clearTimeout(timer);
      resolve(res);
    });
    req.once('error', (err) => {
      clearTimeout(timer);
      reject(err instanceof SafeFetchError ? err : new SafeFetchError(`fetching ${url.origin} failed: ${err.message}`, 'network', true, { cause: err }));
    });
    req.end(options.body);
  });
}

/** Counts bytes and fails past the cap; fails when no chunk arrives for `idleMs`. */
function capped(res: IncomingMessage, url: URL, maxBytes: number, idleMs: number): Readable {
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > maxBytes) done(new SafeFetchError(`${url.origin} sent more than ${maxBytes} bytes`, 'too-large', false));
      else done(null, chunk);
    },
  });
  res.socket?.setTimeout(idleMs, () => {
    res.destroy(new SafeFetchError(`${url.origin} stalled for ${idleMs} ms while sending the body`, 'timeout', true));
  });
  res.once('error', (err) => meter.destroy(err));
  meter.once('close', () => res.destroy());
  return res.pipe(meter);
}

/**
 * GETs a URL that came from outside (a user's input image, a provider's output URL) without
 * letting it reach inside the network: http(s) only, every resolved address checked, the
 * connection pinned to the checked address, each redirect hop checked again, the body capped
 * while it streams, and timeouts on the headers and on stalls.
 */
export async function safeFetch(input: string, options: SafeFetchOptions): Promise<SafeResponse> {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new SafeFetchError('refused: not a valid URL', 'refused', false);
  }
  // A redirected POST would resend the body somewhere the caller never chose.
  const maxRedirects = options.method === 'POST' ? 0 : (options.maxRedirects ?? 3);
  for (let hop = 0; ; hop++) {
    const target = await vetUrl(url, options);
    const res = await request(url, target, options);
    const status = res.statusCode ?? 0;
    if (REDIRECTS.has(status) && res.headers.location) {
      res.resume();
      if (hop >= maxRedirects) throw new SafeFetchError(`refused: more than ${maxRedirects} redirects`, 'refused', false);
      url = new URL(res.headers.location, url);
      continue;
    }
    if (status < 200 || status > 299) {
      res.resume();
      throw new SafeFetchError(`${url.origin} answered HTTP ${status}`, 'http', status >= 500 || status === 429);
    }
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      res.destroy();
      throw new SafeFetchError(`${url.origin} declares ${declared} bytes, more than the ${options.maxBytes} allowed`, 'too-large', false);
    }
    return { url: url.toString(), status, headers: res.headers, body: capped(res, url, options.maxBytes, options.idleTimeoutMs ?? 30_000) };
  }
}

/** Reads a whole (small, capped) body into memory: for input images, never for outputs. */
export async function readBody(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
