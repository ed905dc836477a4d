/**
 * Templates of custom provider declarations: `{{prompt}}`, `{{parameters.width}}`,
 * `{{numberOfOutputs}}`, `{{taskId}}`, `{{apiKey}}`.
 *
 * In a JSON body, a string that is exactly one placeholder takes the value's own type (a
 * number stays a number, a list stays a list) and is left out when the value is absent, so an
 * optional parameter the caller did not give is not sent. Anywhere else placeholders are
 * replaced by their text; in URL paths that text is URL-encoded as one path segment.
 */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w-]*)*)\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w-]*)*)\s*\}\}$/;

export type TemplateVars = Record<string, unknown>;

function lookup(vars: TemplateVars, path: string): unknown {
  let value: unknown = vars;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '';
}

/** Every placeholder name in a template value (strings, lists and objects, recursively). */
export function placeholders(template: unknown): string[] {
  if (typeof template === 'string') return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
  if (Array.isArray(template)) return template.flatMap(placeholders);
  if (template !== null && typeof template === 'object') return Object.values(template).flatMap(placeholders);
  return [];
}

export function renderString(template: string, vars: TemplateVars, encode: (s: string) => string = (s) => s): string {
  return template.replace(PLACEHOLDER, (_m, name: string) => encode(asText(lookup(vars, name))));
}

const OMIT = Symbol('omit');

function render(template: unknown, vars: TemplateVars): unknown {
  if (typeof template === 'string') {
    const whole = WHOLE.exec(template);
    if (whole) {
      const value = lookup(vars, whole[1]!);
      return value === undefined ? OMIT : value;
    }
    return renderString(template, vars);
  }
  if (Array.isArray(template)) return template.map((t) => render(t, vars)).filter((v) => v !== OMIT);
  if (template !== null && typeof template === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, t] of Object.entries(template)) {
      const value = render(t, vars);
      if (value !== OMIT) out[key] = value;
    }
    return out;
  }
  return template;
}

/** Renders a JSON body template (see the module comment for the typing rules). */
export function renderJson(template: unknown, vars: TemplateVars): unknown {
  const value = render(template, vars);
  return value === OMIT ? undefined : value;
}

/** A path template value that would change which endpoint a request reaches. */
export class UnsafePathValueError extends Error {
  override readonly name = 'UnsafePathValueError';
}

/**
 * Renders a URL path, each substituted value encoded as (part of) one segment. A segment made
 * from values that comes out as `.`, `..` or empty is refused: `/api/v1/{{variant}}/render`
 * with `variant=".."` would otherwise reach `/api/render` with the operator's key. (Encoding
 * alone cannot prevent it: `encodeURIComponent` leaves dots alone, and `%2e` counts as a dot
 * to URL parsers; an encoded `%` becomes `%25`, so values cannot spell it either.)
 */
export function renderPath(template: string, vars: TemplateVars): string {
  const queryAt = template.indexOf('?');
  const path = queryAt === -1 ? template : template.slice(0, queryAt);
  const query = queryAt === -1 ? '' : renderString(template.slice(queryAt), vars, encodeURIComponent);
  const segments = path.split('/').map((segment) => {
    if (placeholders(segment).length === 0) return segment;
    const rendered = renderString(segment, vars, encodeURIComponent);
    if (rendered === '' || /^(\.|%2e){1,2}$/i.test(rendered)) {
      const names = placeholders(segment).join(', ');
      throw new UnsafePathValueError(`${names} in the path ${JSON.stringify(template)} may not be ${JSON.stringify(rendered)}: it would change the path`);
    }
    return rendered;
  });
  return segments.join('/') + query;
}
