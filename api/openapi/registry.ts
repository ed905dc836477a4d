import type { z } from 'zod';
import { ERROR_SPECS, type ErrorCode } from '../../domain/errors';

/**
 * How a route is documented: one declarative entry per route, kept next to the route in a
 * `<resource>.doc.ts` file and listed in route-docs.ts. The OpenAPI document, the /docs page
 * and the coverage test (every Express route documented, every documented route served) are
 * all built from these entries, so a route cannot drift from its documentation unnoticed.
 */
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who may call the route: anyone, any API key, or an admin key. */
export type Access = 'public' | 'key' | 'admin';

export interface ResponseDoc {
  description: string;
  /** JSON body schema; for other content types give `contentType` (and optionally a schema). */
  schema?: z.ZodType;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface RequestBodyDoc {
  /** `application/json` body. */
  json?: z.ZodType;
  /** `multipart/form-data` body (a zod object describing the form fields; files as strings with format binary). */
  multipart?: z.ZodType;
  required?: boolean;
}

export interface RouteDoc {
  method: HttpMethod;
  /** Express path, e.g. `/v1/generations/:id`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  access: Access;
  /** Path parameters (a zod object keyed by parameter name). */
  params?: z.ZodObject;
  query?: z.ZodObject;
  headers?: z.ZodObject;
  body?: RequestBodyDoc;
  /** Successful (and other non-error) answers by status. */
  responses: Record<number, ResponseDoc>;
  /**
   * Error codes the route answers besides the ones every route may answer (INTERNAL_ERROR;
   * unless public AUTHENTICATION_FAILED, RATE_LIMITED and UNAVAILABLE; FORBIDDEN on admin routes;
   * INVALID_REQUEST and PAYLOAD_TOO_LARGE with a body).
   */
  errors?: ErrorCode[];
  /** Which error body the route answers: genflow's, or OpenAI's on the OpenAI-compatible routes. */
  errorShape?: 'genflow' | 'openai';
}

/** The codes a route may answer, grouped by HTTP status. */
export function errorCodesByStatus(route: RouteDoc): Map<number, ErrorCode[]> {
  const codes = new Set<ErrorCode>(route.errors ?? []);
  codes.add('INTERNAL_ERROR');
  if (route.access !== 'public') {
    // The key check reads the database and counts the key's requests (api/auth.ts).
    codes.add('AUTHENTICATION_FAILED');
    codes.add('RATE_LIMITED');
    codes.add('UNAVAILABLE');
  }
  if (route.access === 'admin') codes.add('FORBIDDEN');
  if (route.body) {
    codes.add('INVALID_REQUEST');
    codes.add('PAYLOAD_TOO_LARGE');
  }
  if (route.query) codes.add('INVALID_REQUEST');
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERROR_SPECS[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return byStatus;
}

/** `/v1/generations/:id` → `/v1/generations/{id}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/[:*]([A-Za-z0-9_]+)/g, '{$1}');
}
