import { z } from 'zod';
import { ProviderError } from '../../domain/errors';
import type { ProviderCharge } from '../../domain/charges';
import type { PollResult } from '../types';
import { KIE_PROVIDER_ID, taskFailure, type KieApi } from './api';
import { USD_PER_CREDIT } from './models';

/** A failure code: Kie sends numbers in some families, strings in others. */
const FailCode = z.union([z.number(), z.string()]).nullish();
const Message = z.string().nullish();

/**
 * The record answers below are checked as far as genflow reads them; states stay strings so
 * that a state Kie adds later is named as such by `readRecord`, not as a schema mismatch.
 */

/** `record-info` of the 4o image API. */
export const Gpt4oRecord = z.looseObject({
  status: z.string().nullish(),
  successFlag: z.number().nullish(),
  progress: z.union([z.string(), z.number()]).nullish(),
  response: z.looseObject({ resultUrls: z.array(z.string()).nullish() }).nullish(),
  errorCode: FailCode,
  errorMessage: Message,
});
export type Gpt4oRecord = z.output<typeof Gpt4oRecord>;

/** `record-info` of Flux Kontext: successFlag 0 generating, 1 success, 2 create failed, 3 generate failed. */
export const FluxKontextRecord = z.looseObject({
  successFlag: z.number(),
  response: z.looseObject({ resultImageUrl: z.string().nullish() }).nullish(),
  errorCode: FailCode,
  errorMessage: Message,
});
export type FluxKontextRecord = z.output<typeof FluxKontextRecord>;

/** `recordInfo` of the unified jobs API; `resultJson` is a JSON string with `resultUrls`. */
export const JobsRecord = z.looseObject({
  state: z.string(),
  resultJson: z.string().nullish(),
  failCode: FailCode,
  failMsg: Message,
  progress: z.number().nullish(),
  /**
   * Credits the task consumed. Not in the reference page's example answer, but Kie's answers
   * carry it and its clients read it (README: Authentication, keys and money).
   */
  creditsConsumed: z.number().nullish(),
});
export type JobsRecord = z.output<typeof JobsRecord>;

/** `record-info` of Veo: successFlag 0 generating, 1 success, 2 failed, 3 generation failed. */
export const VeoRecord = z.looseObject({
  successFlag: z.number(),
  response: z.looseObject({ resultUrls: z.array(z.string()).nullish() }).nullish(),
  errorCode: FailCode,
  errorMessage: Message,
});
export type VeoRecord = z.output<typeof VeoRecord>;

/** `record-info` of Midjourney: successFlag as Veo; results are objects with `resultUrl`. */
export const MidjourneyRecord = z.looseObject({
  successFlag: z.number(),
  resultInfoJson: z.looseObject({ resultUrls: z.array(z.looseObject({ resultUrl: z.string() })).nullish() }).nullish(),
  errorCode: FailCode,
  errorMessage: Message,
});
export type MidjourneyRecord = z.output<typeof MidjourneyRecord>;

/** `record-detail` of Runway: states wait, queueing, generating, success, fail. */
export const RunwayRecord = z.looseObject({
  state: z.string(),
  videoInfo: z.looseObject({ videoUrl: z.string().nullish() }).nullish(),
  failCode: FailCode,
  failMsg: Message,
});
export type RunwayRecord = z.output<typeof RunwayRecord>;

/** The record schema of each API family: what `poll` checks the record answer against. */
export const KIE_RECORDS = {
  'gpt4o-image': Gpt4oRecord,
  'flux-kontext': FluxKontextRecord,
  jobs: JobsRecord,
  veo: VeoRecord,
  // Extensions are read on their family's record endpoint, in its record shape.
  'veo-extend': VeoRecord,
  runway: RunwayRecord,
  'runway-extend': RunwayRecord,
  midjourney: MidjourneyRecord,
} as const satisfies Record<KieApi, z.ZodType>;

export type KieRecord = Gpt4oRecord | FluxKontextRecord | JobsRecord | VeoRecord | RunwayRecord | MidjourneyRecord;

function succeeded(urls: Array<string | undefined | null> | undefined | null): PollResult {
  const list = (urls ?? []).filter((u): u is string => typeof u === 'string' && /^https?:\/\//i.test(u));
  if (list.length === 0) throw new ProviderError('PROVIDER_ERROR', `${KIE_PROVIDER_ID}: the task succeeded without result URLs`, { retryable: false });
  return { status: 'succeeded', outputs: list.map((url) => ({ type: 'url', url })) };
}

function parseProgress(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : typeof value === 'number' ? value : NaN;
  if (!Number.isFinite(n)) return undefined;
  // Some families report 0..1, others 0..100.
  const fraction = n > 1 ? n / 100 : n;
  return Math.max(0, Math.min(0.99, fraction));
}

function running(progress?: unknown): PollResult {
  const p = parseProgress(progress);
  return p === undefined ? { status: 'running' } : { status: 'running', progress: p };
}

function byFlag(flag: number, urls: () => Array<string | undefined | null> | undefined | null, code?: number | string | null, message?: string | null): PollResult {
  if (flag === 0) return running();
  if (flag === 1) return succeeded(urls());
  throw taskFailure(code, message);
}

function resultUrlsOf(resultJson: string | null | undefined): string[] {
  if (!resultJson) return [];
  try {
    const parsed = JSON.parse(resultJson) as { resultUrls?: unknown };
    return Array.isArray(parsed.resultUrls) ? parsed.resultUrls.filter((u): u is string => typeof u === 'string') : [];
  } catch {
    throw new ProviderError('PROVIDER_ERROR', `${KIE_PROVIDER_ID}: resultJson is not JSON`, { retryable: false });
  }
}

/** Maps a task record of any family onto genflow's poll result; a failed task throws. */
export function readRecord(api: KieApi, record: KieRecord): PollResult {
  switch (api) {
    case 'gpt4o-image': {
      const r = record as Gpt4oRecord;
      if (r.status === 'SUCCESS' || r.successFlag === 1) return succeeded(r.response?.resultUrls);
      if (r.status === 'CREATE_TASK_FAILED' || r.status === 'GENERATE_FAILED' || r.successFlag === 2) throw taskFailure(r.errorCode, r.errorMessage);
      return running(r.progress);
    }
    case 'flux-kontext': {
      const r = record as FluxKontextRecord;
      return byFlag(r.successFlag, () => [r.response?.resultImageUrl], r.errorCode, r.errorMessage);
    }
    case 'veo':
    case 'veo-extend': {
      const r = record as VeoRecord;
      return byFlag(r.successFlag, () => r.response?.resultUrls, r.errorCode, r.errorMessage);
    }
    case 'midjourney': {
      const r = record as MidjourneyRecord;
      return byFlag(r.successFlag, () => r.resultInfoJson?.resultUrls?.map((u) => u.resultUrl), r.errorCode, r.errorMessage);
    }
    case 'runway':
    case 'runway-extend': {
      const r = record as RunwayRecord;
      if (r.state === 'wait' || r.state === 'queueing') return { status: 'pending' };
      if (r.state === 'generating') return running();
      if (r.state === 'success') return succeeded([r.videoInfo?.videoUrl]);
      if (r.state === 'fail') throw taskFailure(r.failCode, r.failMsg);
      throw new ProviderError('PROVIDER_ERROR', `${KIE_PROVIDER_ID}: unknown task state ${JSON.stringify(r.state)}`, { retryable: false });
    }
    case 'jobs': {
      const r = record as JobsRecord;
      switch (r.state) {
        case 'waiting':
        case 'queuing':
          return { status: 'pending' };
        case 'generating':
          return running(r.progress);
        case 'success':
          return succeeded(resultUrlsOf(r.resultJson));
        case 'fail':
          throw taskFailure(r.failCode, r.failMsg);
        default:
          throw new ProviderError('PROVIDER_ERROR', `${KIE_PROVIDER_ID}: unknown task state ${JSON.stringify(r.state)}`, { retryable: false });
      }
    }
  }
}

/** The credits a task record says it consumed, in USD at Kie's price per credit; none when it says nothing. */
export function creditCharge(record: KieRecord): ProviderCharge | undefined {
  const credits = 'creditsConsumed' in record ? record.creditsConsumed : undefined;
  if (typeof credits !== 'number' || !Number.isFinite(credits) || credits <= 0) return undefined;
  return { usd: Math.round(credits * USD_PER_CREDIT * 1e6) / 1e6, basis: `${KIE_PROVIDER_ID}: ${credits} credits × $${USD_PER_CREDIT}` };
}
