import { readFileSync } from 'node:fs';
import { Router } from 'express';
import { buildOpenApiDocument } from '../openapi/document';
import { pageHeaders } from '../page-security';
import { renderDocsPage } from '../openapi/docs-page';
import { routeDocs } from '../openapi/route-docs';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** `GET /openapi.json` and `GET /docs`, built once from the route docs on first use. */
export function openApiRoutes(): Router {
  const router = Router();
  let document: Record<string, unknown> | undefined;
  let page: { html: string; headers: Record<string, string> } | undefined;
  const doc = () => (document ??= buildOpenApiDocument(routeDocs, { version }));
  router.get('/openapi.json', (_req, res) => {
    res.json(doc());
  });
  router.get('/docs', (_req, res) => {
    if (!page) {
      const html = renderDocsPage(doc());
      // Its inline filter script and styles are allowed by hash; nothing else runs.
      page = { html, headers: pageHeaders(html) };
    }
    res.type('html').set(page.headers).send(page.html);
  });
  return router;
}
