import { seededRandom } from './random';

export const PROMPT_STYLES = ['photographic', 'cinematic', 'illustration', 'minimal'] as const;
export type PromptStyle = (typeof PROMPT_STYLES)[number];

/** Descriptors per style; a prompt gets its style's lead term and a few picked by its hash. */
const DESCRIPTORS: Record<PromptStyle, { lead: string; pool: readonly string[] }> = {
  photographic: {
    lead: 'professional photograph',
    pool: ['natural light', 'sharp focus', 'shallow depth of field', 'rich detail', 'true-to-life colours', '50mm lens', 'balanced composition'],
  },
  cinematic: {
    lead: 'cinematic film still',
    pool: ['dramatic lighting', 'anamorphic lens', 'volumetric haze', 'wide establishing shot', 'colour graded', 'high dynamic range', 'epic scale'],
  },
  illustration: {
    lead: 'detailed digital illustration',
    pool: ['clean line work', 'vibrant palette', 'soft shading', 'storybook mood', 'painterly texture', 'bold shapes', 'whimsical detail'],
  },
  minimal: {
    lead: 'minimalist composition',
    pool: ['negative space', 'muted palette', 'simple geometry', 'soft even light', 'clean background', 'centered subject', 'calm mood'],
  },
};

export interface RewriteOptions {
  style: PromptStyle;
  seed: number;
  /** A style named in the system prompt wins over `style`: the model "follows" its instructions. */
  systemPrompt?: string;
  descriptors: number;
}

/**
 * The built-in prompt rewriter: deterministic (same prompt, options → same text) and useful
 * enough to show prompt enhancement end to end without a network model.
 */
export function rewritePrompt(prompt: string, options: RewriteOptions): string {
  const clean = prompt.replace(/\s+/g, ' ').trim().replace(/[\s.,;:!]+$/, '');
  const lowerSystem = options.systemPrompt?.toLowerCase() ?? '';
  const style = PROMPT_STYLES.find((s) => lowerSystem.includes(s)) ?? options.style;
  const { lead, pool } = DESCRIPTORS[style];
  const random = seededRandom('rewrite', clean.toLowerCase(), options.seed, style);
  const remaining = [...pool];
  const picked: string[] = [];
  while (picked.length < options.descriptors && remaining.length > 0) {
    picked.push(...remaining.splice(Math.floor(random() * remaining.length), 1));
  }
  const already = clean.toLowerCase();
  const extra = [lead, ...picked].filter((d) => !already.includes(d));
  return [clean, ...extra].join(', ');
}
