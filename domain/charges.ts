/**
 * Money that follows the provider's bill. A generation is estimated from the price table when
 * it is submitted; when it ends it is settled at what its providers actually charged, where
 * their APIs say so, and otherwise at the price-table estimate of the model that produced the
 * result (a fallback's, after a fallback). README: Authentication, keys and money.
 */

/** What a provider reported charging for one task, in USD by a documented conversion rule. */
export interface ProviderCharge {
  usd: number;
  /** How the amount was read, for people: `kie: 12 credits × $0.005`. */
  basis: string;
}

/** Where a generation's cost came from. */
export type CostSource = 'estimate' | 'provider';

/**
 * The money facts a generation collects while it runs (the `billing` column), keyed by model
 * id: the price-table estimate of each model submitted, and each charge a provider reported.
 */
export interface Billing {
  estimates?: Record<string, number>;
  charges?: Record<string, ProviderCharge>;
  settled?: Settlement;
}

/** What a finished generation costs, and why. */
export interface Settlement {
  costUsd: number;
  /** The price-table estimate of the model that produced the result; 0 when nothing was produced. */
  estimateUsd: number;
  /** The model the money went to: the one that produced the result, or the one that charged for a failure. */
  model: string | null;
  source: CostSource;
  /** Set when the cost is not simply the producing model's price: a charge for a failed attempt. */
  reason?: string;
}

export interface SettleInput {
  status: 'succeeded' | 'failed' | 'canceled';
  /** The model the caller asked for, and its estimate when submitted. */
  requestedModel: string;
  requestedEstimateUsd: number;
  /** The model that produced the outputs (a fallback's after a fallback); absent: the requested one. */
  resultModel?: string;
  billing: Billing;
}

/** Whole micro-USD, the ledger's unit, so sums stay exact. */
function roundUsd(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}

/**
 * Settles a finished generation. Succeeded: the producing model's reported charge, else its
 * estimate; plus any charge another (failed) attempt reported. Failed or canceled: nothing,
 * unless a provider reported a charge for it, which is then the cost and the reason says so.
 */
export function settle(input: SettleInput): Settlement {
  const reports = Object.entries(input.billing.charges ?? {}).filter(([, c]) => Number.isFinite(c.usd) && c.usd >= 0);
  const charges = reports.filter(([, c]) => c.usd > 0);
  if (input.status === 'succeeded') {
    const model = input.resultModel ?? input.requestedModel;
    // A run that began before estimates were recorded per model falls back to the request's.
    const estimate = input.billing.estimates?.[model] ?? input.requestedEstimateUsd;
    // A reported zero is a report too (the provider did not charge).
    const reported = reports.find(([m]) => m === model)?.[1];
    const others = charges.filter(([m]) => m !== model);
    const extra = others.reduce((sum, [, c]) => sum + c.usd, 0);
    return {
      costUsd: roundUsd((reported?.usd ?? estimate) + extra),
      estimateUsd: roundUsd(estimate),
      model,
      source: reported ? 'provider' : 'estimate',
      ...(others.length > 0 ? { reason: others.map(([m, c]) => `${m} charged $${roundUsd(c.usd)} for a failed attempt (${c.basis})`).join('; ') } : {}),
    };
  }
  if (charges.length === 0) return { costUsd: 0, estimateUsd: 0, model: null, source: 'estimate' };
  const outcome = input.status === 'canceled' ? 'was canceled' : 'failed';
  return {
    costUsd: roundUsd(charges.reduce((sum, [, c]) => sum + c.usd, 0)),
    estimateUsd: 0,
    model: charges.at(-1)![0],
    source: 'provider',
    reason: charges.map(([m, c]) => `the provider charged $${roundUsd(c.usd)} for ${m} (${c.basis}) although the generation ${outcome}`).join('; '),
  };
}
