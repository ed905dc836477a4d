import { readFileSync } from 'node:fs';
import { Router, type RequestHandler } from 'express';
import { ApiKeyRole } from '../../domain/accounts';
import { GenflowError } from '../../domain/errors';
import type { Authenticator } from '../auth';
import { pageHeaders, sendPage } from '../page-security';
import { signInPage } from '../session-routes';

const asset = (name: string) => readFileSync(new URL(`../admin/${name}`, import.meta.url), 'utf8');

/** The API routes the experiments page calls: the only ones its browser session reaches. */
export const ADMIN_PAGE_API_ROUTES = [/^\/v1\/models$/, /^\/v1\/experiments(\/|$)/];
export const ADMIN_PAGE_HOME = '/admin/experiments';

/** The experiments page: static HTML and a small script, for admin keys (header or browser session). */
export function adminPageRoutes(auth: Pick<Authenticator, 'browserPrincipal'>): Router {
  const router = Router();
  const html = asset('experiments.html');
  const headers = pageHeaders(html);
  const script = asset('experiments.js');
  const gate: RequestHandler = async (req, res, next) => {
    try {
      const { principal } = await auth.browserPrincipal(req);
      if (principal.role !== ApiKeyRole.admin) throw new GenflowError('FORBIDDEN', 'this page needs an admin API key');
    } catch (err) {
      if (err instanceof GenflowError && (err.code === 'AUTHENTICATION_FAILED' || err.code === 'FORBIDDEN') && req.path.endsWith('/experiments')) {
        const message = err.code === 'FORBIDDEN' ? 'This page needs an admin API key; the key you signed in with is a user key.' : 'This page needs an admin API key.';
        res.set('cache-control', 'no-store');
        sendPage(res, signInPage({ next: ADMIN_PAGE_HOME, message, title: 'genflow admin' }), err.status);
        return;
      }
      throw err;
    }
    next();
  };
  router.get('/admin', (_req, res) => res.redirect(302, ADMIN_PAGE_HOME));
  router.get(ADMIN_PAGE_HOME, gate, (_req, res) => {
    res.type('html').set('cache-control', 'no-cache').set(headers).send(html);
  });
  router.get('/admin/experiments.js', gate, (_req, res) => {
    res.type('text/javascript').set({ 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' }).send(script);
  });
  return router;
}
