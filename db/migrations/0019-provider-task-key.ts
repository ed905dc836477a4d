import type { Kysely } from 'kysely';

/**
 * The key that submitted a generation's provider task, by its id (providers/key-pool.ts `keyId`:
 * a hash prefix, never the key): the task's polls, cancels and downloads use that key, since a
 * task lives in the account of the key that made it. Null for tasks recorded before, which keep
 * rotating keys.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('generations').addColumn('provider_task_key', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('generations').dropColumn('provider_task_key').execute();
}
