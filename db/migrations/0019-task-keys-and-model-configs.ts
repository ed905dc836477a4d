import type { Kysely } from 'kysely';

/**
 * - `generations.provider_task_key`: the key that submitted the generation's provider task, by
 *   its id (providers/key-pool.ts `keyId`: a hash prefix, never the key). The task's polls,
 *   cancels and downloads use that key, since a task lives in the account of the key that made
 *   it. Null for tasks recorded before, which keep rotating keys.
 * - `provider_configs.models`: per-model settings made over the config API (`enabled`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('generations').addColumn('provider_task_key', 'text').execute();
  await db.schema.alterTable('provider_configs').addColumn('models', 'jsonb').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('provider_configs').dropColumn('models').execute();
  await db.schema.alterTable('generations').dropColumn('provider_task_key').execute();
}
