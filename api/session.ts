import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { BrowserSessionsRepo } from '../db/browser-sessions-repo';
import { GenflowError } from '../domain/errors';

/**
 * Browser sign-in for genflow's web pages, shared by every page (the experiments page now, the
 * console later). A page signs in with `POST /admin/session` (api/session-routes.ts); the
 * server answers with an opaque cookie that scripts cannot read (HttpOnly), that browsers send
 * only on requests started by genflow's own pages (SameSite=Strict) and only over TLS when the
 * request came over TLS (Secure). The cookie holds a random session id, never the key; the
 * database holds the id's hash and the key it stands for, so every API process can check it and
 * revoking the key ends the session.
 *
 * Defence against cross-site requests, beyond SameSite (which older browsers and same-site
 * subdomains do not honour): a state-changing request authenticated by the cookie must carry the
 * session's CSRF token in `X-CSRF-Token` (a synchronizer token the page reads from
 * `GET /admin/session`) and must not come from a foreign `Origin` (or `Referer`). And the cookie
 * is a credential only for the pages and the API routes they call: everything else still needs
 * a key in a header.
 */

export const SESSION_COOKIE = 'genflow_session';
export const CSRF_HEADER = 'X-CSRF-Token';
/** Sessions end this long after sign-in (absolute, not sliding): a forgotten browser does not stay signed in. */
export const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1000;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** What a session stands for: the key's row id (or the bootstrap admin id) and the key's hash. */
export interface SessionKey {
  keyId: string;
  keyHash: string;
}

export interface BrowserSession extends SessionKey {
  csrfToken: string;
  expiresAt: Date;
}

export interface BrowserSessionsOptions {
  repo: BrowserSessionsRepo;
  /**
   * The API routes the pages call: with the pages, the only paths the cookie authenticates. A
   * bare pattern admits every method; `{ path, methods }` only those (a page that only reads a
   * route must not lend the cookie to writing it).
   */
  apiRoutes: Array<RegExp | { path: RegExp; methods: readonly string[] }>;
  ttlMs?: number;
  /** GENFLOW_PUBLIC_URL: its origin counts as genflow's own, besides the request's. */
  publicUrl?: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();
/**
 * The CSRF token is derived from the session id, so it needs no storage and dies with the
 * session; knowing it reveals nothing about the id (a preimage of SHA-256).
 */
const csrfFor = (id: string) => createHash('sha256').update(`genflow-csrf:${id}`).digest('base64url');

export type OriginVerdict = 'same' | 'foreign' | 'absent';

export function createBrowserSessions(options: BrowserSessionsOptions) {
  const ttlMs = options.ttlMs ?? DEFAULT_SESSION_TTL_MS;
  const publicOrigin = options.publicUrl ? new URL(options.publicUrl).origin : undefined;

  function cookieId(req: Request): string | undefined {
    const value = req
      .get('cookie')
      ?.split(';')
      .map((c) => c.trim())
      .find((c) => c.startsWith(`${SESSION_COOKIE}=`))
      ?.slice(SESSION_COOKIE.length + 1);
    return value && SESSION_ID.test(value) ? value : undefined;
  }

  /**
   * Secure when the browser reached genflow over TLS: directly, through a trusted proxy's
   * X-Forwarded-Proto (GENFLOW_TRUST_PROXY), or by an https GENFLOW_PUBLIC_URL.
   */
  const cookieOptions = (req: Request) => ({ httpOnly: true, sameSite: 'strict' as const, path: '/', secure: req.secure || publicOrigin?.startsWith('https:') === true });

  /**
   * Where a request comes from. Browsers send `Origin` on every state-changing fetch and form
   * post; `Referer` is the fallback for the rare one without. `absent` is a client that is not a
   * browser (or strips both): it still needs the CSRF token, which a foreign page cannot read.
   */
  function origin(req: Request): OriginVerdict {
    const own = new Set([`${req.protocol}://${req.host}`, ...(publicOrigin ? [publicOrigin] : [])]);
    const declared = req.get('origin');
    if (declared !== undefined) return own.has(declared) ? 'same' : 'foreign'; // includes "null" (sandboxed frames, file:)
    const referer = req.get('referer');
    if (referer === undefined) return 'absent';
    try {
      return own.has(new URL(referer).origin) ? 'same' : 'foreign';
    } catch {
      return 'foreign';
    }
  }

  return {
    /** Whether the request carries a well-formed session cookie (checked against the database by `read`). */
    hasCookie: (req: Request): boolean => cookieId(req) !== undefined,

    async read(req: Request): Promise<BrowserSession | undefined> {
      const id = cookieId(req);
      if (!id) return undefined;
      const row = await options.repo.find(sha256(id).toString('hex'));
      return row && { keyId: row.keyId, keyHash: row.keyHash, expiresAt: row.expiresAt, csrfToken: csrfFor(id) };
    },

    /** Starts a session for a key already checked by the caller and sets its cookie. */
    async start(req: Request, res: Response, key: SessionKey): Promise<BrowserSession> {
      await options.repo.deleteExpired();
      const id = randomBytes(32).toString('base64url');
      const expiresAt = new Date(Date.now() + ttlMs);
      await options.repo.insert({ idHash: sha256(id).toString('hex'), keyId: key.keyId, keyHash: key.keyHash, expiresAt });
      res.cookie(SESSION_COOKIE, id, { ...cookieOptions(req), maxAge: ttlMs });
      return { ...key, csrfToken: csrfFor(id), expiresAt };
    },

    async end(req: Request, res: Response): Promise<void> {
      const id = cookieId(req);
      if (id) await options.repo.delete(sha256(id).toString('hex'));
      res.clearCookie(SESSION_COOKIE, cookieOptions(req));
    },

    origin,

    /**
     * Refuses a state-changing request authenticated by the cookie that comes from another site
     * or lacks the session's CSRF token. Safe methods pass: they change nothing, and the answer
     * is unreadable to another origin (no CORS).
     */
    guard(req: Request, session: BrowserSession): void {
      if (SAFE_METHODS.has(req.method)) return;
      if (origin(req) === 'foreign') {
        throw new GenflowError('FORBIDDEN', 'a request from another site with the browser session cookie is refused');
      }
      const presented = Buffer.from(req.get(CSRF_HEADER) ?? '');
      const expected = Buffer.from(session.csrfToken);
      if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
        throw new GenflowError('FORBIDDEN', `a state-changing request with the browser session cookie needs the session's ${CSRF_HEADER} header (GET /admin/session)`);
      }
    },

    /** Whether the cookie is a credential for this API request (the pages check it themselves). */
    reaches: (path: string, method: string): boolean =>
      options.apiRoutes.some((route) => (route instanceof RegExp ? route.test(path) : route.path.test(path) && route.methods.includes(method))),
  };
}
export type BrowserSessions = ReturnType<typeof createBrowserSessions>;

/**
 * GENFLOW_TRUST_PROXY as Express's `trust proxy`: `true`, a hop count, or addresses/subnets
 * (`loopback`, `10.0.0.0/8`, ...). Only a trusted proxy's X-Forwarded-Proto makes a request secure.
 */
export function trustProxySetting(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return /^\d+$/.test(value) ? Number(value) : value;
}
