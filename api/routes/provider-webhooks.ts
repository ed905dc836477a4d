import { timingSafeEqual } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { Router, type Request } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { GenflowError, ProviderError } from '../../domain/errors';
import type { ProviderUpdate } from '../../domain/generation';
import { isTerminal, type GenerationStatus } from '../../domain/status';
import { PROVIDER_UPDATE_SIGNAL } from '../../domain/webhooks';
import type { GenerationsRepo } from '../../db/generations-repo';
import type { GenerationRow } from '../../db/schema';
import { providers } from '../../providers/registry';
import type { ProviderRuntime } from '../../providers/runtime';
import { envPrefix } from '../../providers/settings';

export interface ProviderWebhookDeps {
  repo: GenerationsRepo;
  temporal: Client;
  logger: Logger;
  /** Adapters, for providers that sign their webhooks (`parseWebhook`). */
  providers?: ProviderRuntime;
  /** Where `GENFLOW_<P>_WEBHOOK_SECRET` is read; default process.env. */
  env?: Record<string, string | undefined>;
}

export const tokenQuery = z.object({ generation: z.uuid(), token: z.string().min(16).max(200) });

function forged(reason: string): GenflowError {
  return new GenflowError('AUTHENTICATION_FAILED', `webhook refused: ${reason}`);
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  // Unequal lengths compare a buffer with itself, so the time spent does not depend on the secret.
  return a.length === b.length ? timingSafeEqual(a, b) : !timingSafeEqual(b, b);
}

function lowerCaseHeaders(req: Request): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/**
 * `POST /v1/webhooks/:provider`: called by providers, not API-key holders, so it authenticates
 * by the provider's signature (adapters with `parseWebhook`, when `GENFLOW_<P>_WEBHOOK_SECRET`
 * is set) or else by the per-generation token genflow put in the callback URL. A verified
 * delivery signals the generation's workflow, which polls at once; the poll stays the source of
 * truth. Duplicate, late and unknown-task deliveries answer 200 and change nothing.
 */
export function providerWebhookRoutes(deps: ProviderWebhookDeps): Router {
  const router = Router();
  const env = deps.env ?? process.env;

  async function verified(req: Request, providerId: string): Promise<{ row: GenerationRow | undefined; taskId: string | null | undefined }> {
    const secret = env[`${envPrefix(providerId)}WEBHOOK_SECRET`]?.trim();
    const adapter = deps.providers?.adapter(providerId);
    if (adapter?.parseWebhook && secret) {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      let taskId: string;
      try {
        taskId = (await adapter.parseWebhook({ headers: lowerCaseHeaders(req), body }, secret)).taskId;
      } catch (err) {
        if (err instanceof ProviderError && err.code === 'AUTHENTICATION_FAILED') throw forged(err.message);
        throw new GenflowError('INVALID_REQUEST', err instanceof Error ? err.message : 'unreadable webhook');
      }
      return { row: await deps.repo.findByProviderTask(providerId, taskId), taskId };
    }
    const query = tokenQuery.safeParse(req.query);
    if (!query.success) throw forged('no valid signature or callback token');
    const row = await deps.repo.findById(query.data.generation);
    // One answer for an unknown generation and a wrong token: no oracle for ids.
    if (!row?.callback_token || !sameSecret(query.data.token, row.callback_token)) throw forged('the callback token does not match');
    // A token is good for the provider of the task it was handed to, not for any route.
    const taskProvider = row.provider_task_model ? row.provider_task_model.slice(0, row.provider_task_model.indexOf('/')) : row.provider;
    if (taskProvider !== providerId) throw forged('the callback token does not match');
    return { row, taskId: row.provider_task_id };
  }

  router.post('/v1/webhooks/:provider', async (req, res) => {
    const providerId = req.params.provider;
    if (!Object.hasOwn(providers, providerId)) throw new GenflowError('NOT_FOUND', `no provider '${providerId}'`);
    const { row, taskId } = await verified(req, providerId);
    if (!row || !taskId || isTerminal(row.status as GenerationStatus)) {
      res.json({ received: true, signalled: false });
      return;
    }
    const update: ProviderUpdate = { taskId };
    try {
      await deps.temporal.workflow.getHandle(row.workflow_id).signal(PROVIDER_UPDATE_SIGNAL, update);
    } catch (err) {
      // Finished in the meantime: a late delivery, nothing to do.
      if (err instanceof WorkflowNotFoundError) {
        res.json({ received: true, signalled: false });
        return;
      }
      throw err;
    }
    deps.logger.info({ generationId: row.id, provider: providerId, taskId }, 'provider webhook: workflow signalled');
    res.json({ received: true, signalled: true });
  });

  return router;
}
