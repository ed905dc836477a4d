import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { GenflowError } from '../domain/errors';

export const ADMIN_COOKIE = 'genflow_admin_key';

function presentedKey(authorization: string | undefined, apiKey: string | undefined, cookie: string | undefined): string | undefined {
  const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  if (bearer) return bearer;
  if (apiKey) return apiKey.trim();
  const fromCookie = cookie
    ?.split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${ADMIN_COOKIE}=`))
    ?.slice(ADMIN_COOKIE.length + 1);
  return fromCookie ? decodeURIComponent(fromCookie) : undefined;
}

function sameKey(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The one gate in front of the admin API and the admin page. A no-op until an admin key is
 * configured (GENFLOW_ADMIN_API_KEY); then the key must come as `Authorization: Bearer`,
 * `X-API-Key`, or (for the page in a browser) the `genflow_admin_key` cookie.
 * API-key management replaces this function, and only this function.
 */
export function requireAdmin(adminApiKey: string | undefined): RequestHandler {
  return (req, _res, next) => {
    if (!adminApiKey) return next();
    const key = presentedKey(req.get('authorization'), req.get('x-api-key'), req.get('cookie'));
    if (key && sameKey(key, adminApiKey)) return next();
    throw new GenflowError('AUTHENTICATION_FAILED', key ? 'the admin API key is not valid' : 'an admin API key is required (Authorization: Bearer <key> or X-API-Key)');
  };
}
