import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, postJson, startStack, TEST_ADMIN_KEY, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

const FOREIGN = 'https://evil.example';

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: { error?: { code: string; message: string } } & Record<string, unknown>;
}

/**
 * The browser sign-in of the pages against the real stack: a key is exchanged for an opaque,
 * HttpOnly session cookie by a POST; a request authenticated by that cookie that changes state
 * must come from genflow's own origin and carry the session's CSRF token; the cookie reaches only
 * the pages and the API routes they call. What an attacker's page could send (a form POST with
 * the victim's cookies, a foreign Origin, no token) is refused and changes nothing.
 */
describe.skipIf(!temporalAddress)('browser sessions: sign-in, cookie flags, CSRF and Origin checks', () => {
  let stack: Stack;
  let url: string;

  /** A request with exactly the given headers (no key added): what a browser would send. */
  async function send(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
    const res = await fetch(`${url}${path}`, { method, headers, redirect: 'manual', ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed = {};
    try {
      parsed = text ? (JSON.parse(text) as object) : {};
    } catch {
      // HTML pages
    }
    return { status: res.status, headers: res.headers, text, body: parsed };
  }

  async function signIn(key = TEST_ADMIN_KEY): Promise<{ cookie: string; csrf: string; setCookie: string }> {
    const res = await send('POST', '/admin/session', { 'content-type': 'application/json', origin: url }, JSON.stringify({ key }));
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie') ?? '';
    const cookie = setCookie.split(';')[0]!;
    return { cookie, csrf: res.body.csrfToken as string, setCookie };
  }

  const keyCount = async () => ((await getJson<{ data: unknown[] }>(`${url}/v1/api-keys`)).body.data.length);

  async function draftExperiment(): Promise<string> {
    const res = await postJson(`${url}/v1/experiments`, {
      name: `csrf ${Math.random()}`,
      variants: [{ name: 'a', model: 'local/image' }, { name: 'b', model: 'local/image' }],
      allocation: { type: 'fixed', weights: [1, 1] },
      metrics: [{ name: 'success_rate', goal: 'maximize', primary: true }],
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }
  const experimentStatus = async (id: string) => (await getJson<{ status: string }>(`${url}/v1/experiments/${id}`)).body.status;

  beforeAll(async () => {
    stack = await startStack({ env: { GENFLOW_TRUST_PROXY: 'loopback' } });
    url = stack.baseUrl;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('the old script-set cookie holding the raw key authenticates nothing', async () => {
    const before = await keyCount();
    const legacy = { cookie: `genflow_admin_key=${encodeURIComponent(TEST_ADMIN_KEY)}`, origin: FOREIGN, 'content-type': 'application/json' };
    const created = await send('POST', '/v1/api-keys', legacy, JSON.stringify({ name: 'planted', role: 'admin' }));
    expect(created.status).toBe(401);
    expect(created.body.error?.code).toBe('AUTHENTICATION_FAILED');
    expect(await keyCount()).toBe(before);
    // The page shows its sign-in form instead of the experiments.
    const page = await send('GET', '/admin/experiments', { cookie: legacy.cookie });
    expect(page.status).toBe(401);
    expect(page.text).toContain('action="/admin/session"');
  });

  it('signs in with a POST: an opaque HttpOnly, SameSite=Strict cookie set by the server; Secure behind TLS', async () => {
    // A plain HTML form post, as the page's sign-in form sends it.
    const form = await send('POST', '/admin/session', { 'content-type': 'application/x-www-form-urlencoded', origin: url }, new URLSearchParams({ key: TEST_ADMIN_KEY, next: '/admin/experiments' }).toString());
    expect(form.status).toBe(303);
    expect(form.headers.get('location')).toBe('/admin/experiments');
    const setCookie = form.headers.get('set-cookie')!;
    const attrs = setCookie.split(';').map((a) => a.trim().toLowerCase());
    expect(attrs[0]).toMatch(/^genflow_session=[A-Za-z0-9_-]{40,}$/);
    expect(attrs).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/']));
    expect(attrs).not.toContain('secure'); // plain http to 127.0.0.1
    expect(setCookie).not.toContain(TEST_ADMIN_KEY);
    expect(setCookie).not.toContain(encodeURIComponent(TEST_ADMIN_KEY));
    // Only a hash of the session id is stored, never the id or the key.
    const id = setCookie.split(';')[0]!.split('=')[1]!;
    const { rows } = await sql<Record<string, unknown>>`select * from browser_sessions`.execute(stack.db.db);
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(id);
    expect(JSON.stringify(rows)).not.toContain(TEST_ADMIN_KEY);

    // With the page: the cookie opens it.
    const page = await send('GET', '/admin/experiments', { cookie: setCookie.split(';')[0]! });
    expect(page.status).toBe(200);
    expect(page.text).toContain('genflow · experiments');

    // Behind a TLS-terminating proxy (trusted: loopback), the cookie is Secure.
    const tls = await send('POST', '/admin/session', { 'content-type': 'application/json', origin: 'https://genflow.example', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'genflow.example' }, JSON.stringify({ key: TEST_ADMIN_KEY }));
    expect(tls.status).toBe(200);
    expect(tls.headers.get('set-cookie')!.split(';').map((a) => a.trim().toLowerCase())).toContain('secure');

    // A wrong key: no cookie, the error body; a foreign origin cannot sign a browser in.
    const wrong = await send('POST', '/admin/session', { 'content-type': 'application/json', origin: url }, JSON.stringify({ key: 'gf_wrong' }));
    expect(wrong.status).toBe(401);
    expect(wrong.body.error?.code).toBe('AUTHENTICATION_FAILED');
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const planted = await send('POST', '/admin/session', { 'content-type': 'application/json', origin: FOREIGN }, JSON.stringify({ key: TEST_ADMIN_KEY }));
    expect(planted.status).toBe(403);
    expect(planted.headers.get('set-cookie')).toBeNull();
    // An open redirect through `next` is not possible.
    const away = await send('POST', '/admin/session', { 'content-type': 'application/x-www-form-urlencoded', origin: url }, new URLSearchParams({ key: TEST_ADMIN_KEY, next: '//evil.example/x' }).toString());
    expect(away.status).toBe(303);
    expect(away.headers.get('location')).toBe('/admin/experiments');
  });

  it('a cross-site POST with the cookie cannot create a key or cancel a generation', async () => {
    const { cookie, csrf } = await signIn();
    const before = await keyCount();
    const video = await postJson(`${url}/v1/generations`, { model: 'local/video', prompt: 'a long clip', parameters: { durationSeconds: 60 } });
    expect(video.status).toBe(202);
    const genId = video.body.id as string;
    const attempts: Array<[string, string, Record<string, string>, string]> = [];
    for (const headers of [
      { cookie, origin: FOREIGN, 'x-csrf-token': csrf } as Record<string, string>, // foreign origin (even with the token)
      { cookie, origin: 'null', 'x-csrf-token': csrf }, // a sandboxed frame
      { cookie, referer: `${FOREIGN}/page`, 'x-csrf-token': csrf }, // no Origin, a foreign Referer
      { cookie, origin: FOREIGN }, // what an attacker's form sends
      { cookie, origin: url }, // same origin, no token
      { cookie, origin: url, 'x-csrf-token': 'x'.repeat(43) }, // a wrong token
    ]) {
      attempts.push(['POST', '/v1/api-keys', { ...headers, 'content-type': 'application/json' }, JSON.stringify({ name: 'planted', role: 'admin' })]);
      attempts.push(['POST', `/v1/generations/${genId}/cancel`, { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, '']);
    }
    for (const [method, path, headers, body] of attempts) {
      const res = await send(method, path, headers, body);
      expect({ path, headers, status: res.status }).toEqual({ path, headers, status: 403 });
      expect(res.body.error?.code).toBe('FORBIDDEN');
    }
    expect(await keyCount()).toBe(before);
    expect((await getJson<{ status: string }>(`${url}/v1/generations/${genId}`)).body.status).not.toBe('canceled');

    // Even same-origin with the token: the cookie is not a credential for routes no page calls
    // (the console's routes, api/routes/console.ts CONSOLE_API_ROUTES, are the pages' own).
    const own = await send('PUT', '/v1/providers/openai/config', { cookie, origin: url, 'x-csrf-token': csrf, 'content-type': 'application/json' }, JSON.stringify({ enabled: false }));
    expect(own.status).toBe(403);
    expect(own.body.error?.message).toMatch(/browser session/);
    expect((await send('GET', '/v1/providers/openai/config', { cookie })).status).toBe(403);
    // The console lists keys but never creates them: the cookie reads that route, never writes it.
    expect((await send('GET', '/v1/api-keys', { cookie })).status).toBe(200);
    const planted = await send('POST', '/v1/api-keys', { cookie, origin: url, 'x-csrf-token': csrf, 'content-type': 'application/json' }, JSON.stringify({ name: 'planted', role: 'admin' }));
    expect(planted.status).toBe(403);
    expect(await keyCount()).toBe(before);

    // Header keys are unchanged and need no token, whatever the Origin.
    const bearer = await send('POST', `/v1/generations/${genId}/cancel`, { authorization: `Bearer ${TEST_ADMIN_KEY}`, origin: FOREIGN });
    expect(bearer.status).toBe(202);
    await waitForGeneration(url, genId);
  });

  it('the experiments API the page calls: reads with the cookie alone, changes only same-origin with the token', async () => {
    const { cookie, csrf } = await signIn();
    const id = await draftExperiment();
    expect((await send('GET', `/v1/experiments/${id}`, { cookie })).status).toBe(200);
    expect((await send('GET', '/v1/models', { cookie })).status).toBe(200);
    for (const headers of [{ cookie, origin: FOREIGN, 'x-csrf-token': csrf } as Record<string, string>, { cookie, origin: url }, { cookie, origin: url, 'x-csrf-token': `${csrf.slice(0, -1)}A` }]) {
      expect((await send('POST', `/v1/experiments/${id}/start`, headers)).status).toBe(403);
    }
    expect(await experimentStatus(id)).toBe('draft');
    // The token of another session does not fit this one.
    const other = await signIn();
    expect((await send('POST', `/v1/experiments/${id}/start`, { cookie, origin: url, 'x-csrf-token': other.csrf })).status).toBe(403);
    // Same origin by Referer (no Origin header) with the token, then by Origin.
    expect((await send('POST', `/v1/experiments/${id}/start`, { cookie, referer: `${url}/admin/experiments`, 'x-csrf-token': csrf })).status).toBe(200);
    expect(await experimentStatus(id)).toBe('running');
    expect((await send('POST', `/v1/experiments/${id}/pause`, { cookie, origin: url, 'x-csrf-token': csrf })).status).toBe(200);
    // A client that is not a browser (curl with a cookie jar) sends neither header: the token suffices.
    expect((await send('POST', `/v1/experiments/${id}/resume`, { cookie, 'x-csrf-token': csrf })).status).toBe(200);
    expect(await experimentStatus(id)).toBe('running');
    // The page reads its token back from the session.
    const session = await send('GET', '/admin/session', { cookie });
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({ csrfToken: csrf, role: 'admin' });
    expect(session.headers.get('cache-control')).toContain('no-store');
  });

  it('a user key can sign in but does not open the admin page', async () => {
    const created = await postJson(`${url}/v1/api-keys`, { name: 'browser user', role: 'user' });
    const { cookie } = await signIn(created.body.key as string);
    const page = await send('GET', '/admin/experiments', { cookie });
    expect(page.status).toBe(403);
    expect((await send('GET', '/v1/experiments', { cookie })).status).toBe(403);
  });

  it('signing out, revoking the key or expiry ends the session', async () => {
    const a = await signIn();
    expect((await send('DELETE', '/admin/session', { cookie: a.cookie, origin: FOREIGN, 'x-csrf-token': a.csrf })).status).toBe(403);
    const out = await send('DELETE', '/admin/session', { cookie: a.cookie, origin: url, 'x-csrf-token': a.csrf });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^genflow_session=;.*Expires=Thu, 01 Jan 1970/i);
    expect((await send('GET', '/v1/experiments', { cookie: a.cookie })).status).toBe(401);

    const created = await postJson(`${url}/v1/api-keys`, { name: 'short-lived admin', role: 'admin' });
    const b = await signIn(created.body.key as string);
    expect((await send('GET', '/v1/experiments', { cookie: b.cookie })).status).toBe(200);
    expect((await send('DELETE', `/v1/api-keys/${created.body.id as string}`, { authorization: `Bearer ${TEST_ADMIN_KEY}` })).status).toBe(200);
    expect((await send('GET', '/v1/experiments', { cookie: b.cookie })).status).toBe(401);

    const c = await signIn();
    expect((await send('GET', '/v1/experiments', { cookie: c.cookie })).status).toBe(200);
    await sql`update browser_sessions set expires_at = now() - interval '1 second'`.execute(stack.db.db);
    const expired = await send('GET', '/v1/experiments', { cookie: c.cookie });
    expect(expired.status).toBe(401);
    expect(expired.body.error?.code).toBe('AUTHENTICATION_FAILED');
  });
});
