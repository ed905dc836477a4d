import { Router, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { GenflowError } from '../../domain/errors';
import type { Authenticator } from '../auth';
import { buildConsoleBundle, type ConsoleBundle } from '../console-bundle';
import { pageHeaders, sendPage } from '../page-security';
import { signInPage } from '../session-routes';

export const CONSOLE_HOME = '/console';

/**
 * The API routes the console calls: with the pages' own, the only routes the browser session
 * cookie authenticates (api/session.ts). Admin-only routes among them still check the role.
 */
export const CONSOLE_API_ROUTES = [
  /^\/v1\/models$/,
  /^\/v1\/generations(\/|$)/,
  /^\/v1\/batches(\/|$)/,
  /^\/v1\/experiments(\/|$)/,
  /^\/v1\/providers$/,
  /^\/v1\/alerts(\/|$)/,
  /^\/v1\/errors$/,
  /^\/v1\/usage$/,
  // The Operations view lists keys (budgets, limits); creating or revoking one needs a real key.
  { path: /^\/v1\/api-keys$/, methods: ['GET'] },
];

export interface ConsoleOptions {
  /** Where the built bundle is cached by source hash (GENFLOW_HOME/console-bundles); none: memory only. */
  cacheDir?: string;
  /** The Temporal Web UI (GENFLOW_TEMPORAL_UI_URL, or the embedded dev server's): the detail page links each workflow there. */
  temporalUiUrl?: string;
  temporalNamespace?: string;
  /** Origins besides genflow's own that outputs may load from (S3 presigned URLs): the page's CSP allows them for img/video/audio. */
  mediaOrigins?: string[];
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * `/console`: one HTML shell, its script and its stylesheet (built from console/src by
 * api/console-bundle.ts on the first request, or at start by `warmUp`). Signing in is the
 * pages' browser session (api/session-routes.ts); the shell answers the sign-in form to a
 * browser without one. Views are client-side routes (`/console#/generations/<id>`), so every
 * link into the console is the same page.
 */
export function consoleRoutes(deps: { auth: Pick<Authenticator, 'browserPrincipal'>; logger: Logger; options?: ConsoleOptions }) {
  const router = Router();
  const options = deps.options ?? {};
  let bundle: Promise<ConsoleBundle> | undefined;
  const load = (): Promise<ConsoleBundle> => {
    bundle ??= buildConsoleBundle(options.cacheDir).catch((err: unknown) => {
      bundle = undefined; // the next request tries again (a source being edited mid-build)
      throw err;
    });
    return bundle;
  };

  const shell = (b: ConsoleBundle) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>genflow console</title>
<link rel="stylesheet" href="/console/app.css?v=${b.hash}">
</head><body data-temporal-ui="${esc(options.temporalUiUrl ?? '')}" data-temporal-namespace="${esc(options.temporalNamespace ?? 'default')}">
<div id="app"><p class="boot">Loading…</p></div>
<script type="module" src="/console/app.js?v=${b.hash}"></script>
</body></html>`;
  const media = options.mediaOrigins ?? [];
  const csp = { imgSrc: ['blob:', ...media], mediaSrc: media };

  const gate: RequestHandler = async (req, res, next) => {
    try {
      await deps.auth.browserPrincipal(req);
    } catch (err) {
      if (err instanceof GenflowError && err.code === 'AUTHENTICATION_FAILED') {
        res.set('cache-control', 'no-store');
        sendPage(res, signInPage({ next: CONSOLE_HOME, title: 'genflow console', message: 'Sign in with an API key (a user key sees its own generations; the operations view needs an admin key).' }), 401);
        return;
      }
      throw err;
    }
    next();
  };

  router.get(CONSOLE_HOME, gate, async (_req, res) => {
    const html = shell(await load());
    res.status(200).type('html').set('cache-control', 'no-store').set(pageHeaders(html, csp)).send(html);
  });

  // Public: the script and stylesheet hold no data; every call they make needs the session.
  const assetRoute = (path: string, type: string, pick: (b: ConsoleBundle) => string) =>
    router.get(path, async (req, res) => {
      const b = await load();
      // Versioned URLs are immutable; an old version asked for gets the current one, uncached.
      const cache = req.query.v === b.hash ? 'public, max-age=31536000, immutable' : 'no-cache';
      res.type(type).set({ 'cache-control': cache, 'x-content-type-options': 'nosniff' }).send(pick(b));
    });
  assetRoute('/console/app.js', 'text/javascript', (b) => b.js);
  assetRoute('/console/app.css', 'text/css', (b) => b.css);

  return {
    router,
    /** Builds the bundle now, so the first visitor does not wait for it. */
    warmUp(): void {
      load().catch((err: unknown) => deps.logger.error({ err }, 'the console bundle did not build; /console answers 500 until it does'));
    },
  };
}
