import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { AccountsRepo } from '../db/accounts-repo';
import type { ApiKeyRow } from '../db/schema';
import { ApiKeyRole, type Admission, type Principal } from '../domain/accounts';
import { GenflowError } from '../domain/errors';
import type { BrowserSession, BrowserSessions } from './session';

/** The key id the bootstrap admin key (GENFLOW_ADMIN_API_KEY) acts as; it has no row. */
export const BOOTSTRAP_ADMIN_ID = 'bootstrap-admin';

/**
 * Keys are 256 random bits, so a plain SHA-256 is enough to store them: a slow password hash
 * protects low-entropy secrets from guessing, and nobody can guess 2^256 values. Lookup is by
 * the hash (an index probe that reveals nothing about the key's characters); the bootstrap key
 * is compared with timingSafeEqual.
 */
export const hashKey = (key: string): string => createHash('sha256').update(key).digest('hex');

export function newApiKey(): { key: string; hash: string; prefix: string } {
  const key = `gf_${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashKey(key), prefix: key.slice(0, 7) };
}

/** Requests that need no key: the health checks, stored assets (their URLs are random, 122-bit ids) and provider webhooks (checked by signature or callback token). */
const PUBLIC = [/^\/health(\/|$)/, /^\/v1\/assets\/[^/]+\/(content|thumbnail)$/, /^\/admin(\/|$)/, /^\/console(\/|$)/, /^\/openapi\.json$/, /^\/docs(\/|$)/, /^\/v1\/webhooks\/[^/]+$/];

/**
 * The key in a header. Never from a cookie: a cookie rides along on requests other sites
 * start, so browsers authenticate with a session (api/session.ts) that needs a CSRF token.
 */
export function presentedKey(req: Request): string | undefined {
  const bearer = req.get('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  if (bearer) return bearer;
  const header = req.get('x-api-key')?.trim();
  return header || undefined;
}

export interface AuthDeps {
  accounts: AccountsRepo;
  /** GENFLOW_ADMIN_API_KEY: accepted as an admin key without a row. */
  adminApiKey?: string;
  /** Limits of user keys without overrides (admin keys are unlimited unless overridden). */
  defaults: { requestsPerMinute: number; maxConcurrentGenerations: number };
  /** Browser sign-in of the pages; without it only header keys authenticate. */
  sessions?: BrowserSessions;
}

const KEY_REQUIRED = 'an API key is required (Authorization: Bearer <key> or X-API-Key)';

function principalFromRow(row: ApiKeyRow, defaults: AuthDeps['defaults']): Principal {
  const admin = row.role === ApiKeyRole.admin;
  return {
    keyId: row.id,
    role: admin ? ApiKeyRole.admin : ApiKeyRole.user,
    owner: row.owner,
    requestsPerMinute: row.requests_per_minute ?? (admin ? null : defaults.requestsPerMinute),
    maxConcurrentGenerations: row.max_concurrent_generations ?? (admin ? null : defaults.maxConcurrentGenerations),
    budgeted: row.budget_daily_micros !== null || row.budget_monthly_micros !== null || row.budget_total_micros !== null,
  };
}

/** Resolves the caller of a request, or throws 401. Never puts the presented key in an error. */
export function createAuthenticator(deps: AuthDeps) {
  const bootstrapHash = deps.adminApiKey ? Buffer.from(hashKey(deps.adminApiKey), 'hex') : undefined;

  /** The caller a key hash stands for (a presented key's, or a browser session's), or 401. */
  async function principalForHash(hash: string): Promise<Principal> {
    if (bootstrapHash && timingSafeEqual(Buffer.from(hash, 'hex'), bootstrapHash)) {
      return { keyId: BOOTSTRAP_ADMIN_ID, role: ApiKeyRole.admin, owner: 'admin', requestsPerMinute: null, maxConcurrentGenerations: null, budgeted: false };
    }
    const row = await deps.accounts.findByHash(hash);
    if (!row || row.revoked_at !== null) throw new GenflowError('AUTHENTICATION_FAILED', 'the API key is not valid or has been revoked');
    return principalFromRow(row, deps.defaults);
  }

  /** The caller of a request by its header key (Bearer or X-API-Key), or 401. */
  async function principal(req: Request): Promise<Principal> {
    const key = presentedKey(req);
    if (!key) throw new GenflowError('AUTHENTICATION_FAILED', KEY_REQUIRED);
    return principalForHash(hashKey(key));
  }

  /**
   * The caller of a page request: the header key when there is one (scripts, curl), else the
   * browser session, with its cross-site checks for state-changing methods.
   */
  async function browserPrincipal(req: Request): Promise<{ principal: Principal; session?: BrowserSession }> {
    if (presentedKey(req) || !deps.sessions?.hasCookie(req)) return { principal: await principal(req) };
    const session = await deps.sessions.read(req);
    if (!session) throw new GenflowError('AUTHENTICATION_FAILED', 'the browser session has ended or expired: sign in again');
    deps.sessions.guard(req, session);
    return { principal: await principalForHash(session.keyHash), session };
  }

  /** An API request: header keys everywhere; the browser session only on the routes the pages call. */
  async function apiPrincipal(req: Request): Promise<Principal> {
    const { principal: p, session } = await browserPrincipal(req);
    if (session && !deps.sessions!.reaches(req.path, req.method)) {
      throw new GenflowError('FORBIDDEN', 'the browser session cookie reaches only the pages and the routes they call: send an API key in a header');
    }
    return p;
  }

  async function enforceRate(p: Principal): Promise<void> {
    if (p.requestsPerMinute === null) return;
    const { count, windowEndsAt } = await deps.accounts.countRequest(p.keyId);
    if (count > p.requestsPerMinute) {
      throw new GenflowError('RATE_LIMITED', `this API key is limited to ${p.requestsPerMinute} requests per minute`, {
        details: { limit: 'requestsPerMinute', requestsPerMinute: p.requestsPerMinute },
        retryAfterMs: Math.max(1_000, windowEndsAt.getTime() - Date.now()),
      });
    }
  }

  /** Every request except the public ones needs a valid key; the caller lands in res.locals. */
  const middleware: RequestHandler = async (req, res, next) => {
    if (PUBLIC.some((re) => re.test(req.path))) return next();
    const p = await apiPrincipal(req);
    await enforceRate(p);
    res.locals.principal = p;
    next();
  };

  const principalForKey = (key: string): Promise<Principal> => principalForHash(hashKey(key));
  return { principal, principalForKey, browserPrincipal, middleware };
}
export type Authenticator = ReturnType<typeof createAuthenticator>;

export function principalOf(res: Response): Principal {
  const p = res.locals.principal as Principal | undefined;
  // Routes behind the middleware always have one; reaching here without is a wiring bug.
  if (!p) throw new GenflowError('AUTHENTICATION_FAILED', KEY_REQUIRED);
  return p;
}

/** 403 for a user key on an admin route (the caller is known, just not allowed). */
export const adminOnly: RequestHandler = (_req, res, next) => {
  if (principalOf(res).role !== ApiKeyRole.admin) throw new GenflowError('FORBIDDEN', 'this route needs an admin API key');
  next();
};

/** Admins see everything; a user key sees rows of its owner only (older rows without one: admins). */
export function canSee(p: Principal, owner: string | null | undefined): boolean {
  return p.role === ApiKeyRole.admin || (owner != null && owner === p.owner);
}

/** The owner filter for lists: none for admins, the caller's owner for users. */
export function ownerScope(p: Principal): string | undefined {
  return p.role === ApiKeyRole.admin ? undefined : p.owner;
}

export function admissionOf(p: Principal): Admission {
  return { keyId: p.keyId, owner: p.owner, maxConcurrentGenerations: p.maxConcurrentGenerations, ...(p.budgeted !== undefined ? { budgeted: p.budgeted } : {}) };
}
