import { z } from 'zod';
import { ConfigError } from '../domain/config';
import { MODEL_KINDS, type ModelKind } from '../domain/models';
import type { ModelCatalogue } from './catalogue';
import { builtInCatalogue } from './registry';

/**
 * Which model a request gets when it names only a kind, and which text model enhances
 * prompts. Read from the environment once at start and checked against the registry (custom
 * providers included), so a typo stops the process instead of failing requests later.
 */
export interface ModelSelection {
  /** The models to choose from (built-in and custom): every lookup of a request's model goes here. */
  catalogue: ModelCatalogue;
  defaults: Partial<Record<ModelKind, string>>;
  promptEnhancer: { model: string; systemPrompt: string };
  /** GENFLOW_FALLBACK_MODELS: models tried in order when a model's provider fails. */
  fallbacks?: Record<string, string[]>;
}

/** Out of the box every kind the built-in provider can do is served by it. */
export const BUILT_IN_DEFAULT_MODELS: Partial<Record<ModelKind, string>> = {
  'text-to-image': 'local/image',
  'image-to-image': 'local/image',
  'text-to-video': 'local/video',
  'image-to-video': 'local/video',
  'text-to-speech': 'local/speech',
  'text-to-text': 'local/text',
};

export const DEFAULT_ENHANCER_SYSTEM_PROMPT =
  'You rewrite prompts for image and video generation models. Keep the subject and intent of the ' +
  'prompt; add concrete details of style, lighting, composition and quality. Answer with the rewritten ' +
  'prompt only, on one line, without quotes or commentary.';

const kind = z.enum(MODEL_KINDS);

/** `text-to-image=local/image,text-to-video=acme/fast` → a map, naming the bad entry on error. */
export function parseDefaultModels(value: string | undefined): Partial<Record<ModelKind, string>> {
  const out: Partial<Record<ModelKind, string>> = {};
  if (!value?.trim()) return out;
  for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [k, model, extra] = entry.split('=').map((p) => p.trim());
    const parsed = kind.safeParse(k);
    if (!parsed.success || !model || extra !== undefined) {
      throw new ConfigError(`invalid configuration:\n  GENFLOW_DEFAULT_MODELS: '${entry}' is not <kind>=<model> with a kind among ${MODEL_KINDS.join(', ')}`);
    }
    out[parsed.data] = model;
  }
  return out;
}

/**
 * `replicate/a=kie/b|local/image,openai/x=bfl/y` → each model's fallbacks in order. Every
 * fallback must exist and share a kind with its model; requests use only those of their kind.
 */
export function parseFallbackModels(value: string | undefined, catalogue: ModelCatalogue = builtInCatalogue): { fallbacks: Record<string, string[]>; problems: string[] } {
  const fallbacks: Record<string, string[]> = {};
  const problems: string[] = [];
  if (!value?.trim()) return { fallbacks, problems };
  for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [model, list, extra] = entry.split('=').map((p) => p.trim());
    if (!model || !list || extra !== undefined) {
      problems.push(`GENFLOW_FALLBACK_MODELS: '${entry}' is not <model>=<fallback>|<fallback>...`);
      continue;
    }
    const primary = catalogue.findModel(model);
    if (!primary) problems.push(`GENFLOW_FALLBACK_MODELS: ${model}: no such model`);
    const chain = list.split('|').map((m) => m.trim()).filter(Boolean);
    for (const id of chain) {
      const fallback = catalogue.findModel(id);
      if (!fallback) problems.push(`GENFLOW_FALLBACK_MODELS: ${model}=${id}: no such model`);
      else if (primary && !fallback.model.kinds.some((k) => primary.model.kinds.includes(k))) {
        problems.push(`GENFLOW_FALLBACK_MODELS: ${model}=${id}: shares no kind with ${model}`);
      }
    }
    fallbacks[model] = chain;
  }
  return { fallbacks, problems };
}

export interface ModelSelectionEnv {
  GENFLOW_FALLBACK_MODELS?: string | undefined;
  GENFLOW_DEFAULT_MODELS?: string | undefined;
  GENFLOW_PROMPT_ENHANCER_MODEL?: string | undefined;
  GENFLOW_PROMPT_ENHANCER_SYSTEM_PROMPT?: string | undefined;
}

export function resolveModelSelection(env: ModelSelectionEnv, catalogue: ModelCatalogue = builtInCatalogue): ModelSelection {
  const defaults = { ...BUILT_IN_DEFAULT_MODELS, ...parseDefaultModels(env.GENFLOW_DEFAULT_MODELS) };
  const problems: string[] = [];
  for (const [k, id] of Object.entries(defaults)) {
    const entry = catalogue.findModel(id);
    if (!entry) problems.push(`GENFLOW_DEFAULT_MODELS: ${k}=${id}: no such model`);
    else if (!entry.model.kinds.includes(k as ModelKind)) problems.push(`GENFLOW_DEFAULT_MODELS: ${k}=${id}: the model does not do ${k}`);
  }
  const enhancer = env.GENFLOW_PROMPT_ENHANCER_MODEL?.trim() || defaults['text-to-text'] || 'local/text';
  const entry = catalogue.findModel(enhancer);
  if (!entry) problems.push(`GENFLOW_PROMPT_ENHANCER_MODEL: ${enhancer}: no such model`);
  else if (!entry.model.kinds.includes('text-to-text')) problems.push(`GENFLOW_PROMPT_ENHANCER_MODEL: ${enhancer}: not a text-to-text model`);
  // The enhancer runs as one activity before the generation; an async text job has no place there.
  else if (entry.model.async) problems.push(`GENFLOW_PROMPT_ENHANCER_MODEL: ${enhancer}: must be a sync model`);
  const fallbackModels = parseFallbackModels(env.GENFLOW_FALLBACK_MODELS, catalogue);
  problems.push(...fallbackModels.problems);
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  return {
    catalogue,
    defaults,
    fallbacks: fallbackModels.fallbacks,
    promptEnhancer: { model: enhancer, systemPrompt: env.GENFLOW_PROMPT_ENHANCER_SYSTEM_PROMPT?.trim() || DEFAULT_ENHANCER_SYSTEM_PROMPT },
  };
}
