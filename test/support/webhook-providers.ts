import { expect } from 'vitest';
import type { KieFake } from '../fakes/kie';
import type { ReplicateFake } from '../fakes/replicate';
import type { Stack } from './stack';

/**
 * The env of a stack that takes provider webhooks from the Kie and Replicate fakes, with real
 * poll waits (GENFLOW_POLL_SCALE=1): the first scheduled polls are minutes away, so every poll
 * a test sees came from a delivery.
 */
export function webhookProviderEnv(kie: KieFake, replicate: ReplicateFake, replicateKey: string): Record<string, string> {
  return {
    GENFLOW_KIE_BASE_URL: kie.url,
    GENFLOW_KIE_API_KEYS: 'kie-test-key',
    GENFLOW_REPLICATE_BASE_URL: replicate.url,
    GENFLOW_REPLICATE_API_KEYS: replicateKey,
    GENFLOW_REPLICATE_WEBHOOK_SECRET: replicate.webhookSecret,
    GENFLOW_POLL_SCALE: '1',
  };
}

/** The provider task id of a generation, once its submit recorded one. */
export async function providerTaskOf(stack: Stack, generationId: string): Promise<string> {
  await expect.poll(async () => (await stack.repo.findById(generationId))?.provider_task_id, { timeout: 20_000 }).toBeTruthy();
  return (await stack.repo.findById(generationId))!.provider_task_id!;
}
