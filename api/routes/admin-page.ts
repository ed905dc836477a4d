import { readFileSync } from 'node:fs';
import { Router, type RequestHandler } from 'express';
import { ApiKeyRole } from '../../domain/accounts';
import { GenflowError } from '../../domain/errors';
import { ADMIN_COOKIE, type Authenticator } from '../auth';

const asset = (name: string) => readFileSync(new URL(`../admin/${name}`, import.meta.url), 'utf8');

/** Shown instead of the page when the browser has no admin key. */
const keyForm = `<!doctype html><meta charset="utf-8"><title>genflow admin</title>
<body style="font:14px system-ui;margin:15vh auto;max-width:360px">
<h1 style="font-size:17px">genflow admin</h1><p>This page needs an admin API key.</p>
<form onsubmit="document.cookie='${ADMIN_COOKIE}='+encodeURIComponent(this.k.value)+';path=/;SameSite=Strict';location.reload();return false">
<input name="k" type="password" autofocus style="width:100%;padding:6px" aria-label="admin API key"> <button style="margin-top:8px">Continue</button></form>`;

/** The experiments page: static HTML and a small script, for admin keys (header or cookie). */
export function adminPageRoutes(auth: Pick<Authenticator, 'principal'>): Router {
  const router = Router();
  const html = asset('experiments.html');
  const script = asset('experiments.js');
  const gate: RequestHandler = async (req, res, next) => {
    try {
      const p = await auth.principal(req);
      if (p.role !== ApiKeyRole.admin) throw new GenflowError('FORBIDDEN', 'this page needs an admin API key');
    } catch (err) {
      if (err instanceof GenflowError && (err.code === 'AUTHENTICATION_FAILED' || err.code === 'FORBIDDEN') && req.path.endsWith('/experiments')) {
        res.status(err.status).type('html').send(keyForm);
        return;
      }
      throw err;
    }
    next();
  };
  router.get('/admin', (_req, res) => res.redirect(302, '/admin/experiments'));
  router.get('/admin/experiments', gate, (_req, res) => {
    res.type('html').set('cache-control', 'no-cache').send(html);
  });
  router.get('/admin/experiments.js', gate, (_req, res) => {
    res.type('text/javascript').set('cache-control', 'no-cache').send(script);
  });
  return router;
}
