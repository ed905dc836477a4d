import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBody, safeFetch, SafeFetchError, type SafeFetchOptions } from '../../media/safe-fetch';

let server: Server;
let port = 0;
const seen: Array<{ url: string; host: string }> = [];
let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end('ok');

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', host: req.headers.host ?? '' });
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const base: SafeFetchOptions = { maxBytes: 1_000_000, headersTimeoutMs: 2_000 };
async function refusal(url: string, options: Partial<SafeFetchOptions> = {}): Promise<SafeFetchError> {
  const err = await safeFetch(url, { ...base, ...options }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SafeFetchError);
  return err as SafeFetchError;
}

describe('safe fetch: refused before any connection', () => {
  const cases: Array<[string, string | (() => string), RegExp]> = [
    ['ftp scheme', 'ftp://example.com/a.png', /only http and https/],
    ['file scheme', 'file:///etc/passwd', /only http and https/],
    ['loopback literal (a real server listens there)', () => `http://127.0.0.1:${port}/a.png`, /127\.0\.0\.1 is a loopback address/],
    ['localhost by name', () => `http://localhost:${port}/a.png`, /loopback address \(localhost resolves to it\)/],
    ['decimal IPv4 spelling', 'http://2130706433/', /127\.0\.0\.1 is a loopback/],
    ['hex IPv4 spelling', 'http://0x7f.0.0.1/', /127\.0\.0\.1 is a loopback/],
    ['octal IPv4 spelling', 'http://0177.0.0.1/', /127\.0\.0\.1 is a loopback/],
    ['short hex spelling', 'http://0x7f000001/', /127\.0\.0\.1 is a loopback/],
    ['IPv6 loopback', 'http://[::1]/', /::1 is a loopback/],
    ['IPv4-mapped IPv6', 'http://[::ffff:127.0.0.1]/', /127\.0\.0\.1 is a loopback address \(embedded in the IPv6 address/],
    ['IPv4-mapped IPv6, private', 'http://[::ffff:10.1.2.3]/', /10\.1\.2\.3 is a private address \(embedded/],
    ['NAT64 to private', 'http://[64:ff9b::c0a8:0101]/', /192\.168\.1\.1 is a private address/],
    ['private 10/8', 'http://10.0.0.1/', /10\.0\.0\.1 is a private address/],
    ['private 172.16/12', 'http://172.16.5.4/', /private address/],
    ['private 192.168/16', 'https://192.168.1.1/', /private address/],
    ['cloud metadata', 'http://169.254.169.254/latest/meta-data/', /link-local address \(cloud metadata/],
    ['CGNAT', 'http://100.64.0.1/', /carrier-grade NAT/],
    ['multicast', 'http://224.0.0.251/', /multicast/],
    ['unspecified', 'http://0.0.0.0/', /unspecified/],
    ['IPv6 unique-local', 'http://[fd12:3456::1]/', /unique-local/],
    ['IPv6 link-local', 'http://[fe80::1]/', /link-local IPv6/],
    ['IPv6 multicast', 'http://[ff02::1]/', /multicast/],
    ['embedded credentials', 'https://user:secret@example.com/a.png', /embedded credentials/],
    ['not a URL', 'not a url', /not a valid URL/],
  ];
  it.each(cases)('%s', async (_name, url, reason) => {
    const before = seen.length;
    const err = await refusal(typeof url === 'string' ? url : url());
    expect(err.kind).toBe('refused');
    expect(err.message).toMatch(reason);
    expect(seen.length).toBe(before); // nothing reached the server
  });

  it('refuses a name that resolves to a private address, and one with any private answer among public ones', async () => {
    const err = await refusal('https://cdn.example/a.png', { resolve: async () => [{ address: '10.0.0.5', family: 4 }] });
    expect(err.message).toMatch(/10\.0\.0\.5 is a private address \(cdn\.example resolves to it\)/);
    const mixed = await refusal('https://cdn.example/a.png', {
      resolve: async () => [
        { address: '93.184.216.34', family: 4 },
        { address: 'fd00::7', family: 6 },
      ],
    });
    expect(mixed.message).toMatch(/fd00::7 is a unique-local/);
  });
});

describe('safe fetch: connections, redirects, caps and timeouts (loopback allowed for the test server only)', () => {
  const loop = { ...base, allowLoopback: true };

  it('connects to the vetted address while Host carries the name, resolving once (no DNS rebinding)', async () => {
    handler = (_req, res) => res.end('image bytes');
    let resolutions = 0;
    const res = await safeFetch(`http://images.example:${port}/a.png`, {
      ...loop,
      resolve: async () => {
        resolutions += 1;
        // A rebinding resolver would answer differently the second time; it is never asked again.
        return resolutions === 1 ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '10.0.0.1', family: 4 }];
      },
    });
    expect((await readBody(res.body)).toString()).toBe('image bytes');
    expect(resolutions).toBe(1);
    expect(seen.at(-1)).toEqual({ url: '/a.png', host: `images.example:${port}` });
  });

  it('sends scoped headers only to the listed hosts: a redirect to another host drops the key', async () => {
    const auths: Array<{ host: string; auth: string | undefined }> = [];
    handler = (req, res) => {
      auths.push({ host: req.headers.host ?? '', auth: req.headers.authorization });
      if (req.url === '/out.png') {
        res.writeHead(302, { location: `http://third.example:${port}/copy.png` });
        res.end();
      } else res.end('bytes');
    };
    const resolve = async () => [{ address: '127.0.0.1', family: 4 as const }];
    const res = await safeFetch(`http://delivery.example:${port}/out.png`, {
      ...loop,
      resolve,
      scopedHeaders: { headers: { authorization: 'Bearer secret' }, hosts: ['*.example-cdn.test', `delivery.example:${port}`] },
    });
    expect((await readBody(res.body)).toString()).toBe('bytes');
    expect(auths).toEqual([
      { host: `delivery.example:${port}`, auth: 'Bearer secret' },
      { host: `third.example:${port}`, auth: undefined },
    ]);
  });

  it('re-checks every redirect hop and refuses one into the private network', async () => {
    handler = (req, res) => {
      if (req.url === '/hop') res.writeHead(302, { location: `http://127.0.0.1:${port}/to-metadata` }).end();
      else res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    };
    const err = await refusal(`http://127.0.0.1:${port}/hop`, loop);
    expect(err.message).toMatch(/169\.254\.169\.254 is a link-local address/);
  });

  it('follows at most 3 redirects', async () => {
    handler = (req, res) => {
      const n = Number(req.url?.slice(1) || 0);
      if (n < 10) res.writeHead(302, { location: `/${n + 1}` }).end();
      else res.end('done');
    };
    expect((await refusal(`http://127.0.0.1:${port}/0`, loop)).message).toMatch(/more than 3 redirects/);
    handler = (req, res) => (req.url === '/3' ? res.end('landed') : res.writeHead(302, { location: `/${Number(req.url?.slice(1)) + 1}` }).end());
    const ok = await safeFetch(`http://127.0.0.1:${port}/0`, loop);
    expect((await readBody(ok.body)).toString()).toBe('landed');
  });

  it('caps the body while streaming (no Content-Length) and at once when the length is declared', async () => {
    handler = (_req, res) => {
      res.write(Buffer.alloc(600));
      res.end(Buffer.alloc(600));
    };
    const streamed = await safeFetch(`http://127.0.0.1:${port}/big`, { ...loop, maxBytes: 1000 });
    await expect(readBody(streamed.body)).rejects.toThrow(/sent more than 1000 bytes/);
    handler = (_req, res) => res.writeHead(200, { 'content-length': '5000' }).end(Buffer.alloc(5000));
    const declared = await refusal(`http://127.0.0.1:${port}/big`, { ...loop, maxBytes: 1000 });
    expect(declared.kind).toBe('too-large');
    expect(declared.message).toMatch(/declares 5000 bytes/);
  });

  it('times out when no answer comes, and when the body stalls', async () => {
    handler = () => undefined; // never answers
    const silent = await refusal(`http://127.0.0.1:${port}/slow`, { ...loop, headersTimeoutMs: 200 });
    expect(silent.kind).toBe('timeout');
    expect(silent.message).toMatch(/did not answer within 200 ms/);
    handler = (_req, res) => res.write('partial');
    const stalled = await safeFetch(`http://127.0.0.1:${port}/stall`, { ...loop, idleTimeoutMs: 200 });
    await expect(readBody(stalled.body)).rejects.toThrow(/stalled for 200 ms/);
  });

  it('reports an HTTP error status with the status', async () => {
    handler = (_req, res) => res.writeHead(404).end('nope');
    const err = await refusal(`http://127.0.0.1:${port}/missing`, loop);
    expect(err).toMatchObject({ kind: 'http', retryable: false });
    expect(err.message).toMatch(/HTTP 404/);
  });
});
