import type { z } from 'zod';
import type { GenerationRequest } from '../domain/generation';
import type { ModelEntry } from './catalogue';

/**
 * Price rules of the model tables. A rule is both the estimate (a function of the request, as
 * the provider bills it) and its description for `GET /v1/models`, so the two cannot drift
 * apart. Every built-in model has one: a paid model its documented price, a free one an
 * explicit `free('why')` (test/unit/model-prices.test.ts holds every model to it).
 */

/** What one `usd` buys: an output image, a second of video, a character of text, a request. */
export type PriceUnit = 'image' | 'output' | 'second' | 'character' | 'request' | 'token' | 'free';

/** A price that applies when some parameters have given values (`when` says which, readably). */
export interface PriceTier {
  when: string;
  usd: number;
}

/** The machine-readable part of a rule, as `GET /v1/models` shows it. */
export interface PriceDescription {
  unit: PriceUnit;
  /** USD per unit with the model's default parameters; 0 for a free model. */
  usd: number;
  /** Other prices per unit, when parameters change it. */
  tiers?: PriceTier[];
  /** Where the price comes from, and what it leaves out. */
  notes?: string;
}

/** What a rule may read besides the parameters: per-character prices read the text. */
export interface PriceContext {
  prompt: string;
}

/** Estimated cost in USD of one request (parameters already parsed by the model's schema). */
export type PriceRule = PriceDescription & {
  (parameters: Record<string, unknown>, outputs: number, context?: PriceContext): number;
};

/** USD rounded to `digits` decimals; by default to the micro-dollar, the unit of the usage ledger. */
export function usd(value: number, digits = 6): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function rule(description: PriceDescription, estimate: (p: Record<string, unknown>, outputs: number, context?: PriceContext) => number): PriceRule {
  const fn = (p: Record<string, unknown>, outputs: number, context?: PriceContext) => estimate(p, outputs, context);
  return Object.assign(fn, description);
}

/**
 * A rule whose estimate reads its model's parameters typed. The parameters are parsed again
 * (cheap) so a rule called with raw values (a test, a dry run) still sees the defaults.
 */
export function priced<S extends z.ZodType<Record<string, unknown>>>(
  schema: S,
  description: PriceDescription,
  estimate: (p: z.infer<S>, outputs: number, context?: PriceContext) => number,
): PriceRule {
  return rule(description, (p, outputs, context) => estimate(schema.parse(p), outputs, context));
}

/** The same price for every output image. */
export function perImage(price: number, extra: Omit<PriceDescription, 'unit' | 'usd'> = {}): PriceRule {
  return rule({ unit: 'image', usd: price, ...extra }, (_p, outputs) => usd(price * outputs));
}

/** The same price for every output, whatever its kind (custom providers' `pricePerOutput`). */
export function perOutput(price: number, extra: Omit<PriceDescription, 'unit' | 'usd'> = {}): PriceRule {
  return rule({ unit: 'output', usd: price, ...extra }, (_p, outputs) => usd(price * outputs));
}

/** One price per request, whatever it asks for. */
export function perRequest(price: number, extra: Omit<PriceDescription, 'unit' | 'usd'> = {}): PriceRule {
  return rule({ unit: 'request', usd: price, ...extra }, () => price);
}

/** Billed per character of the text (text-to-speech): the prompt's length times the price. */
export function perCharacter(price: number, extra: Omit<PriceDescription, 'unit' | 'usd'> = {}): PriceRule {
  return rule({ unit: 'character', usd: price, ...extra }, (_p, _outputs, context) => usd(price * [...(context?.prompt ?? '')].length));
}

/** A model that costs nothing to call, and why: the reason is shown with it. */
export function free(why: string): PriceRule {
  return rule({ unit: 'free', usd: 0, notes: why }, () => 0);
}

/** The description alone (a rule is a function, which JSON would drop). */
export function describePrice(price: PriceRule): PriceDescription {
  return {
    unit: price.unit,
    usd: price.usd,
    ...(price.tiers ? { tiers: price.tiers } : {}),
    ...(price.notes ? { notes: price.notes } : {}),
  };
}

/** USD estimate of one request from the model's price rule (below); a model without one costs 0. */
export function estimateCost(entry: ModelEntry, request: GenerationRequest): number {
  const price = entry.model.price;
  if (!price) return 0;
  const value = price(request.parameters, request.numberOfOutputs, { prompt: request.prompt });
  return Number.isFinite(value) && value > 0 ? value : 0;
}
