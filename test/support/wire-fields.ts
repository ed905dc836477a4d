import { expect } from 'vitest';
import type { WireFamily, WireFieldTable } from '../../providers/wire-fields';
import type { FakeRequest } from '../fakes/fake-server';

/**
 * A recorded request's body as an object: JSON as is, multipart and url-encoded forms as
 * field → value (files become `'<file>'`), so both kinds are checked the same way.
 */
export async function wireBody(req: FakeRequest): Promise<Record<string, unknown>> {
  const type = String(req.headers['content-type'] ?? '');
  if (type.startsWith('multipart/form-data') || type.startsWith('application/x-www-form-urlencoded')) {
    const form = await new Response(new Uint8Array(req.body), { headers: { 'content-type': type } }).formData();
    const out: Record<string, unknown> = {};
    for (const [name, value] of form.entries()) out[name] = typeof value === 'string' ? value : '<file>';
    return out;
  }
  if (req.json && typeof req.json === 'object' && !Array.isArray(req.json)) return req.json as Record<string, unknown>;
  throw new Error(`${req.method} ${req.path}: the body is neither a JSON object nor a form`);
}

function objectsAt(value: unknown, path: string): Array<Record<string, unknown>> {
  if (path === '') return value && typeof value === 'object' && !Array.isArray(value) ? [value as Record<string, unknown>] : [];
  let current: unknown[] = [value];
  for (const step of path.split('.')) {
    const many = step.endsWith('[]');
    const key = many ? step.slice(0, -2) : step;
    const next: unknown[] = [];
    for (const item of current) {
      if (!item || typeof item !== 'object') continue;
      const child = (item as Record<string, unknown>)[key];
      if (child === undefined) continue;
      if (many && Array.isArray(child)) next.push(...(child as unknown[]));
      else if (!many) next.push(child);
    }
    current = next;
  }
  return current.filter((v): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v));
}

function hasPath(body: unknown, dotted: string): boolean {
  const parts = dotted.split('.');
  const last = parts.pop()!;
  const parents = objectsAt(body, parts.join('.'));
  return parents.length > 0 && parents.every((p) => p[last] !== undefined);
}

/** Every field the body carries is one the provider documents for the family; the required ones are there. */
export async function expectDocumentedFields(table: WireFieldTable, family: string, req: FakeRequest): Promise<Record<string, unknown>> {
  const spec: WireFamily | undefined = table.families[family];
  if (!spec) throw new Error(`${table.provider}: no wire family '${family}' in the table`);
  const body = await wireBody(req);
  const undocumented: string[] = [];
  for (const [path, documented] of Object.entries(spec.fields)) {
    for (const object of objectsAt(body, path)) {
      for (const key of Object.keys(object)) if (!documented.includes(key)) undocumented.push(path ? `${path}.${key}` : key);
    }
  }
  expect(undocumented, `${table.provider}/${family}: fields not in ${spec.doc}`).toEqual([]);
  const missing = (spec.required ?? []).filter((p) => !hasPath(body, p));
  expect(missing, `${table.provider}/${family}: required fields missing (${spec.doc})`).toEqual([]);
  return body;
}
