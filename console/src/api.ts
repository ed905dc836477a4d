/**
 * Every call the console makes to genflow. The browser session (api/session.ts) authenticates
 * them: its cookie is HttpOnly, so this script never sees a key or the session id; the CSRF
 * token it needs for state-changing requests comes from `GET /admin/session` and lives in
 * this module's memory only (not in localStorage, where other scripts could read it).
 */

export interface Session {
  keyId: string;
  role: 'admin' | 'user';
  owner: string;
  csrfToken: string;
  csrfHeader: string;
  expiresAt: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

let session: Session | undefined;

/** The signed-in session, or undefined (the page then shows the sign-in form). */
export async function loadSession(): Promise<Session | undefined> {
  const res = await fetch('/admin/session', { credentials: 'same-origin' });
  session = res.ok ? ((await res.json()) as Session) : undefined;
  return session;
}

export const currentSession = (): Session | undefined => session;

export async function signOut(): Promise<void> {
  await api('/admin/session', { method: 'DELETE' });
  session = undefined;
}

const SAFE = new Set(['GET', 'HEAD']);

/** JSON in, JSON out; an error answer becomes an ApiError with genflow's stable code. */
export async function api<T = unknown>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (!SAFE.has(method) && session) headers[session.csrfHeader] = session.csrfToken;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const body: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? res.statusText, err?.details);
  }
  return body as T;
}

/** A query string from the defined values of `params`. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
