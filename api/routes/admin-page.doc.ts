import { z } from 'zod';
import type { RouteDoc } from '../openapi/registry';

const sessionSchema = z.object({
  keyId: z.string().describe('The API key the session stands for (`bootstrap-admin` for GENFLOW_ADMIN_API_KEY)'),
  role: z.enum(['admin', 'user']),
  owner: z.string(),
  csrfToken: z.string().describe('Send it as `X-CSRF-Token` on every state-changing request authenticated by the session cookie'),
  csrfHeader: z.literal('X-CSRF-Token'),
  expiresAt: z.string().describe('ISO time the session ends (12 hours after sign-in)'),
});

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
    summary: 'The experiments page (HTML); without a session or key, the sign-in form (401)',
    description: 'Opens with a browser session (sign in with `POST /admin/session`) or a header key.',
    responses: {
      200: { description: 'The page', contentType: 'text/html' },
      401: { description: 'The sign-in form', contentType: 'text/html' },
      403: { description: 'The sign-in form: the session\'s key is a user key', contentType: 'text/html' },
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
  {
    method: 'post',
    path: '/admin/session',
    tag: 'Pages',
    access: 'public',
    summary: 'Browser sign-in: exchanges an API key for a session cookie',
    description:
      'JSON `{ "key" }` answers the session with its CSRF token; a form post (`key`, `next`) redirects to `next` (a path on genflow). ' +
      'The `genflow_session` cookie is opaque, `HttpOnly`, `SameSite=Strict`, `Path=/`, `Secure` over TLS, and never holds the key. ' +
      'It authenticates only the pages and the API routes they call; state-changing requests with it need `X-CSRF-Token` and must not come from another origin. ' +
      'A sign-in from another origin is refused (403).',
    body: { json: z.object({ key: z.string().describe('An API key'), next: z.string().optional() }) },
    responses: {
      200: { description: 'Signed in', schema: sessionSchema, headers: { 'Set-Cookie': 'genflow_session=…; Path=/; HttpOnly; SameSite=Strict' } },
      303: { description: 'Signed in (form post): to `next`', headers: { Location: '/admin/experiments' } },
    },
    errors: ['AUTHENTICATION_FAILED', 'FORBIDDEN'],
  },
  {
    method: 'get',
    path: '/admin/session',
    tag: 'Pages',
    access: 'key',
    summary: 'The browser session and its CSRF token (for the pages\' scripts)',
    responses: { 200: { description: 'The session', schema: sessionSchema, headers: { 'Cache-Control': 'no-store' } } },
  },
  {
    method: 'delete',
    path: '/admin/session',
    tag: 'Pages',
    access: 'public',
    summary: 'Browser sign-out: ends the session and clears its cookie',
    description: 'With the session cookie it needs `X-CSRF-Token` from genflow\'s own origin.',
    responses: { 204: { description: 'Signed out' } },
    errors: ['FORBIDDEN'],
  },
];
