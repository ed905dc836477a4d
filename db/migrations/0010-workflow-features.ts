import { sql, type Kysely } from 'kysely';

/**
 * Long-job bookkeeping on generations: fallbacks and the attempts made, the client's callback
 * URL and its delivery, the token in provider callback URLs, and the submit counters that make
 * the at-least-once window of provider submissions measurable.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('generations')
    .addColumn('fallback_models', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('attempts', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('result_model', 'text')
    .addColumn('provider_task_model', 'text')
    .addColumn('callback_token', 'text')
    .addColumn('webhook_url', 'text')
    .addColumn('webhook_delivered_at', 'timestamptz')
    .addColumn('webhook_last_error', 'text')
    .addColumn('submit_pending_model', 'text')
    .addColumn('provider_submissions', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('duplicate_submissions', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // Provider webhooks name the task, not the generation.
  await db.schema.createIndex('generations_provider_task_idx').on('generations').columns(['provider_task_id']).execute();
  await db.schema
    .alterTable('batches')
    .addColumn('webhook_delivered_at', 'timestamptz')
    .addColumn('webhook_last_error', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('batches').dropColumn('webhook_delivered_at').dropColumn('webhook_last_error').execute();
  await db.schema.dropIndex('generations_provider_task_idx').execute();
  await db.schema
    .alterTable('generations')
    .dropColumn('fallback_models')
    .dropColumn('attempts')
    .dropColumn('result_model')
    .dropColumn('provider_task_model')
    .dropColumn('callback_token')
    .dropColumn('webhook_url')
    .dropColumn('webhook_delivered_at')
    .dropColumn('webhook_last_error')
    .dropColumn('submit_pending_model')
    .dropColumn('provider_submissions')
    .dropColumn('duplicate_submissions')
    .execute();
}
