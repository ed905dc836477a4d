import { z } from 'zod';
import { ProviderError } from '../../domain/errors';
import type { GenerationRequest } from '../../domain/generation';
import { modelIn } from '../define-model';
import type { ProviderAdapter, ProviderEnv } from '../types';
import { KIE_ENDPOINTS, KIE_PROVIDER_ID, kieCall } from './api';

/** What a create call's `data` holds: the task id that `record-info` is asked about. */
const KieCreated = z.looseObject({ taskId: z.string().min(1) });
import { kieModels, type KieModel } from './models';
import { creditCharge, KIE_RECORDS, readRecord } from './records';
import { buildCreateRequest } from './requests';

export interface KieAdapterOptions {
  /**
   * Sent as `callBackUrl` when the call has none of its own (`ctx.callbackUrl`, set from
   * GENFLOW_PUBLIC_URL); polling stays the source of truth.
   */
  callbackUrl?: string;
}

function modelOf(request: GenerationRequest): KieModel {
  return modelIn(KIE_PROVIDER_ID, kieModels, request.model);
}

/**
 * Kie.ai: every model is an async task. Submit creates it on the family's endpoint, poll reads
 * its record. Kie has no cancel endpoint, so a canceled generation simply stops polling.
 */
export function createKieAdapter(env: ProviderEnv, options: KieAdapterOptions = {}): ProviderAdapter {
  return {
    async submit(request, ctx) {
      const model = modelOf(request);
      const { api, body } = buildCreateRequest(request, model, ctx.callbackUrl ?? options.callbackUrl);
      const data = await kieCall(env, ctx, { method: 'POST', path: KIE_ENDPOINTS[api].create, json: body }, KieCreated);
      return { status: 'pending', taskId: data.taskId };
    },

    async poll(taskId, request, ctx) {
      const api = modelOf(request).route.api;
      const record = await kieCall(
        env,
        ctx,
        { method: 'GET', path: `${KIE_ENDPOINTS[api].record}?taskId=${encodeURIComponent(taskId)}` },
        KIE_RECORDS[api],
      );
      // Credits consumed are money spent, for a failed task too: the failure carries them.
      const charge = creditCharge(record);
      try {
        const result = readRecord(api, record);
        return result.status === 'succeeded' && charge ? { ...result, charge } : result;
      } catch (err) {
        if (!charge || !(err instanceof ProviderError)) throw err;
        throw new ProviderError(err.code, err.message, { retryable: err.retryable, details: err.details, charge });
      }
    },
  };
}
