import express, { Router } from 'express';
import { z } from 'zod';
import { GenflowError } from '../domain/errors';
import { hashKey, type Authenticator } from './auth';
import { sendPage } from './page-security';
import { CSRF_HEADER, type BrowserSessions } from './session';
import { parseOrThrow } from './validate';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * Where a form sign-in lands: a path on genflow itself. `//host` and `/\host` are other sites to
 * a browser, so only plain paths pass.
 */
export function safeNext(next: unknown, fallback: string): string {
  return typeof next === 'string' && /^\/(?![/\\])[A-Za-z0-9/_.~#-]*$/.test(next) ? next : fallback;
}

/**
 * The sign-in form of every page: a plain HTML form posting the key to `POST /admin/session`
 * (no script, so it works under the pages' CSP; the key never lands in a URL or in storage
 * that scripts can read).
 */
export function signInPage(options: { next: string; message?: string; title?: string }): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · genflow</title>
<style>body{font:14px system-ui,sans-serif;margin:15vh auto;max-width:360px;padding:0 16px}h1{font-size:17px}input{width:100%;padding:6px;box-sizing:border-box}button{margin-top:8px}.error{color:#c4320a}</style>
</head><body><h1>${esc(options.title ?? 'genflow')}</h1>
<p>${esc(options.message ?? 'Sign in with an API key.')}</p>
<form method="post" action="/admin/session">
<input type="hidden" name="next" value="${esc(options.next)}">
<input name="key" type="password" autocomplete="current-password" autofocus required aria-label="API key">
<button>Sign in</button></form></body></html>`;
}

const signInBody = z.object({ key: z.string().min(1).max(1024), next: z.string().max(2048).optional() }).strict();

/**
 * `POST /admin/session` (sign in: JSON `{ "key" }` answers the session, a form post redirects
 * to `next`), `GET /admin/session` (the session and its CSRF token, for the page's script),
 * `DELETE /admin/session` (sign out). Cookie-authenticated requests go through the session's
 * CSRF and Origin checks like every other.
 */
export function sessionRoutes(deps: { sessions: BrowserSessions; auth: Pick<Authenticator, 'principalForKey' | 'browserPrincipal'>; home: string }): Router {
  const router = Router();
  const view = (p: { keyId: string; role: string; owner: string }, s: { csrfToken: string; expiresAt: Date }) => ({
    keyId: p.keyId,
    role: p.role,
    owner: p.owner,
    csrfToken: s.csrfToken,
    csrfHeader: CSRF_HEADER,
    expiresAt: s.expiresAt.toISOString(),
  });

  router.post('/admin/session', express.urlencoded({ extended: false, limit: '8kb' }), async (req, res) => {
    const form = Boolean(req.is('application/x-www-form-urlencoded'));
    const raw = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNext(raw.next, deps.home);
    // A foreign page could otherwise sign a visitor in under the attacker's key (login CSRF).
    if (deps.sessions.origin(req) === 'foreign') throw new GenflowError('FORBIDDEN', 'signing in from another site is refused');
    try {
      const body = form ? { key: typeof raw.key === 'string' ? raw.key : '' } : parseOrThrow(signInBody, raw);
      const principal = await deps.auth.principalForKey(body.key);
      const session = await deps.sessions.start(req, res, { keyId: principal.keyId, keyHash: hashKey(body.key) });
      res.set('cache-control', 'no-store');
      if (form) res.redirect(303, next);
      else res.json(view(principal, session));
    } catch (err) {
      if (form && err instanceof GenflowError && err.code === 'AUTHENTICATION_FAILED') {
        sendPage(res, signInPage({ next, message: 'That key is not valid or has been revoked. Try again.' }), 401);
        return;
      }
      throw err;
    }
  });

  router.get('/admin/session', async (req, res) => {
    const { principal, session } = await deps.auth.browserPrincipal(req);
    if (!session) throw new GenflowError('AUTHENTICATION_FAILED', 'no browser session: sign in with POST /admin/session');
    res.set('cache-control', 'no-store').json(view(principal, session));
  });

  router.delete('/admin/session', async (req, res) => {
    await deps.auth.browserPrincipal(req).catch((err: unknown) => {
      // An ended session may still clear its cookie; a cross-site request may not.
      if (!(err instanceof GenflowError && err.code === 'AUTHENTICATION_FAILED')) throw err;
    });
    await deps.sessions.end(req, res);
    res.status(204).end();
  });
  return router;
}
