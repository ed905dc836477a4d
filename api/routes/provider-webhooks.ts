import { createHash, timingSafeEqual } from 'node:crypto';
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
import type { ModelCatalogue } from '../../providers/catalogue';
import type { ProviderGateway } from '../../providers/provider-gateway';
import { envPrefix } from '../../providers/settings';

export interface ProviderWebhookDeps {
  repo: GenerationsRepo;
  temporal: Client;
  logger: Logger;
  /** Adapters, for providers that sign their webhooks (`parseWebhook`). */
  providers?: ProviderGateway;
  /** The providers a webhook may name. */
  catalogue: ModelCatalogue;
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

/** The raw body as received (empty when there was none). */
const rawBody = (req: Request): Buffer => (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));

/**
 * What makes one delivery this delivery: the provider, the credential that authenticated it and
 * the exact body. A replay of a captured delivery has the same digest; a new event (another body,
 * or a provider's re-signed retry) has another.
 */
function deliveryDigest(providerId: string, credential: string, body: Buffer): string {
  return createHash('sha256').update(`${providerId}\0${credential}\0`).update(body).digest('hex');
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
 * truth. Duplicate, replayed, late and unknown-task deliveries answer 200 and change nothing: each
 * verified delivery is acted on once (migration 0014 keeps their digests).
 */
export function providerWebhookRoutes(deps: ProviderWebhookDeps): Router {
  const router = Router();
  const env = deps.env ?? process.env;

  interface Verified {
    row: GenerationRow | undefined;
    taskId: string | null | undefined;
    /** The signature headers or the callback token that proved the delivery genuine. */
    credential: string;
  }

  async function verified(req: Request, providerId: string): Promise<Verified> {
    const secret = env[`${envPrefix(providerId)}WEBHOOK_SECRET`]?.trim();
    const adapter = deps.providers?.adapter(providerId);
    if (adapter?.parseWebhook && secret) {
      const headers = lowerCaseHeaders(req);
      let taskId: string;
      try {
        taskId = (await adapter.parseWebhook({ headers, body: rawBody(req) }, secret)).taskId;
      } catch (err) {
        if (err instanceof ProviderError && err.code === 'AUTHENTICATION_FAILED') throw forged(err.message);
        throw new GenflowError('INVALID_REQUEST', err instanceof Error ? err.message : 'unreadable webhook');
      }
      // Every scheme in use signs its id and timestamp with the body, so the signature headers name the delivery.
      const credential = Object.keys(headers)
        .filter((name) => name.includes('signature'))
        .sort()
        .map((name) => `${name}=${headers[name] ?? ''}`)
        .join('\n');
      return { row: await deps.repo.findByProviderTask(providerId, taskId), taskId, credential };
    }
    const query = tokenQuery.safeParse(req.query);
    if (!query.success) throw forged('no valid signature or callback token');
    const row = await deps.repo.findById(query.data.generation);
    // One answer for an unknown generation and a wrong token: no oracle for ids.
    if (!row?.callback_token || !sameSecret(query.data.token, row.callback_token)) throw forged('the callback token does not match');
    // A token is good for the provider of the task it was handed to, not for any route.
    const taskProvider = row.provider_task_model ? row.provider_task_model.slice(0, row.provider_task_model.indexOf('/')) : row.provider;
    if (taskProvider !== providerId) throw forged('the callback token does not match');
    return { row, taskId: row.provider_task_id, credential: `token:${row.id}:${query.data.token}` };
  }

  router.post('/v1/webhooks/:provider', async (req, res) => {
    const providerId = req.params.provider;
    if (!Object.hasOwn(deps.catalogue.providers, providerId)) throw new GenflowError('NOT_FOUND', `no provider '${providerId}'`);
    const { row, taskId, credential } = await verified(req, providerId);
    if (!row || !taskId || isTerminal(row.status as GenerationStatus)) {
      res.json({ received: true, signalled: false });
      return;
    }
    // Each delivery is acted on once, in whichever API process it reaches first.
    const digest = deliveryDigest(providerId, credential, rawBody(req));
    if (!(await deps.repo.webhookDeliveries.claim({ digest, generationId: row.id, provider: providerId }))) {
      deps.logger.info({ generationId: row.id, provider: providerId, taskId }, 'provider webhook: a delivery already acted on, ignored');
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
      // Not acted on: the provider's retry of this delivery must get through.
      await deps.repo.webhookDeliveries.release(digest);
      throw err;
    }
    deps.logger.info({ generationId: row.id, provider: providerId, taskId }, 'provider webhook: workflow signalled');
    res.json({ received: true, signalled: true });
  });

  return router;
}
