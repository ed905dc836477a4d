import { z } from 'zod';
import { ConfigError } from '../domain/config';
import { MODEL_KINDS, type ModelKind } from '../domain/models';
import { findModel } from './registry';

/**
 * Which model a request gets when it names only a kind, and which text model enhances
 * prompts. Read from the environment once at start and checked against the registry (custom
 * providers included), so a typo stops the process instead of failing requests later.
 */
export interface ModelSelection {
  defaults: Partial<Record<ModelKind, string>>;
  promptEnhancer: { model: string; systemPrompt: string };
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

export interface ModelSelectionEnv {
  GENFLOW_DEFAULT_MODELS?: string | undefined;
  GENFLOW_PROMPT_ENHANCER_MODEL?: string | undefined;
  GENFLOW_PROMPT_ENHANCER_SYSTEM_PROMPT?: string | undefined;
}

export function resolveModelSelection(env: ModelSelectionEnv): ModelSelection {
  const defaults = { ...BUILT_IN_DEFAULT_MODELS, ...parseDefaultModels(env.GENFLOW_DEFAULT_MODELS) };
  const problems: string[] = [];
  for (const [k, id] of Object.entries(defaults)) {
    const entry = findModel(id);
    if (!entry) problems.push(`GENFLOW_DEFAULT_MODELS: ${k}=${id}: no such model`);
    else if (!entry.model.kinds.includes(k as ModelKind)) problems.push(`GENFLOW_DEFAULT_MODELS: ${k}=${id}: the model does not do ${k}`);
  }
  const enhancer = env.GENFLOW_PROMPT_ENHANCER_MODEL?.trim() || defaults['text-to-text'] || 'local/text';
  const entry = findModel(enhancer);
  if (!entry) problems.push(`GENFLOW_PROMPT_ENHANCER_MODEL: ${enhancer}: no such model`);
  else if (!entry.model.kinds.includes('text-to-text')) problems.push(`GENFLOW_PROMPT_ENHANCER_MODEL: ${enhancer}: not a text-to-text model`);
  // The enhancer runs as one activity before the generation; an async text job has no place there.
  else if (entry.model.async) problems.push(`GENFLOW_PROMPT_ENHANCER_MODEL: ${enhancer}: must be a sync model`);
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  return {
    defaults,
    promptEnhancer: { model: enhancer, systemPrompt: env.GENFLOW_PROMPT_ENHANCER_SYSTEM_PROMPT?.trim() || DEFAULT_ENHANCER_SYSTEM_PROMPT },
  };
}
