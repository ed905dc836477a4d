import type { ExperimentDefinition, VariantDefinition } from './experiment-types';
import { pickWeighted, stableHash } from './random';

/**
 * Picks a variant for a generation request. With a user id the choice is a stable hash of
 * (experiment, user) placed on the cumulative weights: the same user gets the same variant for
 * as long as the weights stay the same (always, under a fixed split). Without one, `random`
 * (uniform in [0, 1)) decides by weight.
 */
export function assignVariant(
  def: Pick<ExperimentDefinition, 'id' | 'variants'>,
  weights: readonly number[],
  stickyKey: string | undefined,
  random: () => number,
): VariantDefinition {
  const u = stickyKey === undefined ? random() : stableHash(`${def.id}:${stickyKey}`) / 4294967296;
  return def.variants[pickWeighted(weights, u)]!;
}
