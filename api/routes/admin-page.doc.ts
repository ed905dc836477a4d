import type { RouteDoc } from '../openapi/registry';

export const adminPageDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/admin',
    tag: 'Pages',
    access: 'public',
    summary: 'Redirects to the experiments page',
    responses: { 302: { description: 'To /admin/experiments', headers: { Location: '/admin/experiments' } } },
  },
  {
    method: 'get',
    path: '/admin/experiments',
    tag: 'Pages',
    access: 'admin',
    summary: 'The experiments page (HTML); without a key, a form asking for it (401)',
    responses: {
      200: { description: 'The page', contentType: 'text/html' },
      401: { description: 'The admin key form', contentType: 'text/html' },
    },
  },
  {
    method: 'get',
    path: '/admin/experiments.js',
    tag: 'Pages',
    access: 'admin',
    summary: 'The experiments page\'s script',
    responses: { 200: { description: 'JavaScript', contentType: 'text/javascript' } },
  },
];
