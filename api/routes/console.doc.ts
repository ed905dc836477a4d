import type { RouteDoc } from '../openapi/registry';

export const consoleDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/console',
    tag: 'Pages',
    access: 'key',
    summary: 'The web console (HTML): playground, generations, compare, batches, operations; without a session, the sign-in form (401)',
    description:
      'Opens with a browser session (sign in with `POST /admin/session`, which the form does) or a header key. ' +
      'A user key sees its own generations and batches; the operations view needs an admin key. Views are client-side routes (`/console#/generations/<id>`).',
    responses: {
      200: { description: 'The page', contentType: 'text/html' },
      401: { description: 'The sign-in form', contentType: 'text/html' },
    },
  },
  {
    method: 'get',
    path: '/console/app.js',
    tag: 'Pages',
    access: 'public',
    summary: "The console's script, built from console/src by esbuild (immutable when asked for with the current `?v=` hash)",
    responses: { 200: { description: 'JavaScript', contentType: 'text/javascript' } },
  },
  {
    method: 'get',
    path: '/console/app.css',
    tag: 'Pages',
    access: 'public',
    summary: "The console's stylesheet",
    responses: { 200: { description: 'CSS', contentType: 'text/css' } },
  },
];
