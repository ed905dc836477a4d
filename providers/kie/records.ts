import { ProviderError } from '../../domain/errors';
import type { ProviderCharge } from '../../domain/charges';
import type { PollResult } from '../types';
import { KIE_PROVIDER_ID, taskFailure, type KieApi } from './api';
import { USD_PER_CREDIT } from './models';

/** `record-info` of the 4o image API. */
export interface Gpt4oRecord {
  taskId: string;
  status?: 'GENERATING' | 'SUCCESS' | 'CREATE_TASK_FAILED' | 'GENERATE_FAILED';
  successFlag?: number;
  progress?: string | null;
  response?: { resultUrls?: string[] } | null;
  errorCode?: number | null;
  errorMessage?: string | null;
}

/** `record-info` of Flux Kontext: successFlag 0 generating, 1 success, 2 create failed, 3 generate failed. */
export interface FluxKontextRecord {
  taskId: string;
  successFlag: number;
  response?: { originImageUrl?: string; resultImageUrl?: string } | null;
  errorCode?: number | null;
  errorMessage?: string | null;
}

/** `recordInfo` of the unified jobs API; `resultJson` is a JSON string with `resultUrls`. */
export interface JobsRecord {
  taskId: string;
  model?: string;
  state: 'waiting' | 'queuing' | 'generating' | 'success' | 'fail';
  resultJson?: string | null;
  failCode?: string | number | null;
  failMsg?: string | null;
  progress?: number | null;
  /**
   * Credits the task consumed. Not in the reference page's example answer, but Kie's answers
   * carry it and its clients read it (README: Authentication, keys and money).
   */
  creditsConsumed?: number | null;
}

/** `record-info` of Veo: successFlag 0 generating, 1 success, 2 failed, 3 generation failed. */
export interface VeoRecord {
  taskId: string;
  successFlag: number;
  response?: { resultUrls?: string[] | null } | null;
  errorCode?: number | null;
  errorMessage?: string | null;
}

/** `record-info` of Midjourney: successFlag as Veo; results are objects with `resultUrl`. */
export interface MidjourneyRecord {
  taskId: string;
  successFlag: number;
  resultInfoJson?: { resultUrls?: Array<{ resultUrl: string }> } | null;
  errorCode?: number | null;
  errorMessage?: string | null;
}

/** `record-detail` of Runway: states wait, queueing, generating, success, fail. */
export interface RunwayRecord {
  taskId: string;
  state: 'wait' | 'queueing' | 'generating' | 'success' | 'fail';
  videoInfo?: { videoId?: string; videoUrl?: string; imageUrl?: string } | null;
  failCode?: string | number | null;
  failMsg?: string | null;
}

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

function byFlag(flag: number, urls: () => Array<string | undefined | null> | undefined | null, code?: number | null, message?: string | null): PollResult {
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
  const credits = (record as JobsRecord).creditsConsumed;
  if (typeof credits !== 'number' || !Number.isFinite(credits) || credits <= 0) return undefined;
  return { usd: Math.round(credits * USD_PER_CREDIT * 1e6) / 1e6, basis: `${KIE_PROVIDER_ID}: ${credits} credits × $${USD_PER_CREDIT}` };
}
