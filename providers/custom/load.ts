import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { perOutput } from '../pricing';
import type { ModelSpec, Provider } from '../types';
import { createCustomAdapter } from './adapter';
import { customProvidersFile, providerDeclaration, type ProviderDeclaration } from './declaration';
import { parametersSchema } from './parameters';

export class CustomProviderError extends Error {
  override readonly name = 'CustomProviderError';
  /** Each problem as `<field>: <what is wrong>`, for callers that show them their own way (the API). */
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
  ) {
    super(message);
  }
}

/** `providers.0.models.1.task.statusPath` reads better as `providers[acme].models[fast].task.statusPath`. */
function fieldName(path: readonly PropertyKey[], doc: unknown, whole = '(file)'): string {
  let node: unknown = doc;
  const parts: string[] = [];
  for (const key of path) {
    const next = node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    const id = next !== null && typeof next === 'object' ? (next as { id?: unknown }).id : undefined;
    if (typeof key === 'number') parts[parts.length - 1] += `[${typeof id === 'string' ? id : key}]`;
    else parts.push(String(key));
    node = next;
  }
  return parts.join('.') || whole;
}

/** Validates declarations already parsed from JSON or YAML; `source` names them in errors. */
export function parseCustomProviders(doc: unknown, source: string): ProviderDeclaration[] {
  const result = customProvidersFile.safeParse(doc);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${fieldName(i.path, doc)}: ${i.message}`);
    throw new CustomProviderError(`invalid custom provider declarations in ${source}:\n${issues.map((l) => `  ${l}`).join('\n')}`, issues);
  }
  const ids = result.data.providers.map((p) => p.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) throw new CustomProviderError(`invalid custom provider declarations in ${source}:\n  providers[${twice}].id: declared twice`);
  return result.data.providers;
}

/** One declaration (the API's body, its id added), its fields named from the declaration itself. */
export function parseProviderDeclaration(doc: unknown, source: string): ProviderDeclaration {
  const result = providerDeclaration.safeParse(doc);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${fieldName(i.path, doc, '(declaration)')}: ${i.message}`);
  throw new CustomProviderError(`invalid custom provider declaration ${source}:\n${issues.map((l) => `  ${l}`).join('\n')}`, issues);
}

export function readCustomProvidersFile(path: string): ProviderDeclaration[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CustomProviderError(`GENFLOW_CUSTOM_PROVIDERS: cannot read ${path}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    // YAML is a superset of JSON, but JSON.parse gives JSON files the exact errors users expect.
    doc = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new CustomProviderError(`GENFLOW_CUSTOM_PROVIDERS: ${path} is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
  return parseCustomProviders(doc, path);
}

/** A declaration as a provider like any other: a model table and an adapter. */
export function toProvider(decl: ProviderDeclaration): Provider {
  const models: ModelSpec[] = decl.models.map((m) => {
    const id = m.id.includes('/') ? m.id : `${decl.id}/${m.id}`;
    const price = m.pricePerOutput;
    const parameters: z.ZodType<Record<string, unknown>> = parametersSchema(m.parameters);
    return {
      id,
      kinds: m.kinds,
      description: m.description || `custom model of ${decl.id}`,
      parameters,
      inputImages: m.inputImages,
      async: m.task !== undefined,
      expectedDurationSeconds: m.expectedDurationSeconds,
      maxDurationSeconds: m.maxDurationSeconds,
      ...(price !== undefined ? { price: perOutput(price, { notes: 'pricePerOutput of the custom provider declaration' }) } : {}),
    };
  });
  return {
    id: decl.id,
    displayName: decl.displayName ?? decl.id,
    models,
    requiresApiKey: decl.auth !== undefined,
    defaultBaseUrl: decl.baseUrl.replace(/\/+$/, ''),
    custom: true,
    createAdapter: (env) => createCustomAdapter(decl, env),
  };
}

/** The providers declared in the file at `GENFLOW_CUSTOM_PROVIDERS`, or none. */
export function loadCustomProviders(env: { GENFLOW_CUSTOM_PROVIDERS?: string | undefined }): Provider[] {
  const path = env.GENFLOW_CUSTOM_PROVIDERS?.trim();
  return path ? readCustomProvidersFile(path).map(toProvider) : [];
}
