import { z } from 'zod';
import { GenflowError } from './errors';

/**
 * The normalised video parameters every video model takes — `durationSeconds`, `aspectRatio`,
 * `resolution` — and the values one model allows. Providers name these differently ("5" vs 5,
 * "720p" vs "1280x720"); the adapter maps the normalised value onto its wire name. A value the
 * model cannot honour is refused with the allowed values, never rounded to a near one (the S3
 * note's 5 s → 10 s silent change is exactly what this prevents).
 */
export interface VideoOptions {
  durationsSeconds: readonly number[];
  aspectRatios?: readonly string[];
  resolutions?: readonly string[];
}

export interface VideoDefaults {
  durationSeconds: number;
  aspectRatio?: string;
  resolution?: string;
}

const FIELDS = [
  ['durationSeconds', 'durationsSeconds'],
  ['aspectRatio', 'aspectRatios'],
  ['resolution', 'resolutions'],
] as const;

/**
 * Zod fields for a model's parameter schema: enums of the allowed values with the model's
 * defaults. Spread them into the model's `z.object({...})` next to its own parameters.
 */
export function videoParameterFields(options: VideoOptions, defaults: VideoDefaults) {
  const durations = options.durationsSeconds.map((d) => z.literal(d));
  const oneOf = (values: readonly string[]) => z.enum(values as [string, ...string[]]);
  return {
    durationSeconds: (durations.length === 1 ? durations[0]! : z.union(durations as unknown as [z.ZodLiteral<number>, z.ZodLiteral<number>]))
      .default(defaults.durationSeconds)
      .describe(`Clip length in seconds: ${options.durationsSeconds.join(', ')}`),
    ...(options.aspectRatios
      ? { aspectRatio: oneOf(options.aspectRatios).default(defaults.aspectRatio ?? options.aspectRatios[0]!) }
      : {}),
    ...(options.resolutions ? { resolution: oneOf(options.resolutions).default(defaults.resolution ?? options.resolutions[0]!) } : {}),
  };
}

/**
 * Refuses a normalised video parameter the model cannot honour, naming what it allows. Runs
 * before the parameter schema, so the caller gets UNSUPPORTED_CAPABILITY (422) with the allowed
 * values rather than a generic schema error.
 */
export function checkVideoOptions(model: string, options: VideoOptions | undefined, parameters: unknown): void {
  if (!options || typeof parameters !== 'object' || parameters === null) return;
  const given = parameters as Record<string, unknown>;
  for (const [field, key] of FIELDS) {
    const allowed = options[key] as readonly (string | number)[] | undefined;
    const value = given[field];
    if (value === undefined) continue;
    if (!allowed) {
      throw new GenflowError('UNSUPPORTED_CAPABILITY', `${model} does not take ${field}`, {
        details: { parameter: field, requested: value, allowed: [] },
      });
    }
    if (!allowed.includes(value as string | number)) {
      throw new GenflowError(
        'UNSUPPORTED_CAPABILITY',
        `${model} cannot make ${field} ${JSON.stringify(value)}; allowed: ${allowed.join(', ')}`,
        { details: { parameter: field, requested: value, allowed } },
      );
    }
  }
}
