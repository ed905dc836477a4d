import { sql, type Kysely } from 'kysely';

/**
 * Money that follows the provider's bill: a generation's `billing` (per-model estimates and
 * provider-reported charges collected while it runs, and how it was settled), and on the
 * ledger the model the money went to, the estimate next to the settled amount, where the
 * amount came from, and why a failed generation was charged.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('generations')
    .addColumn('billing', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema
    .alterTable('usage_ledger')
    // The producing model (a fallback's after a fallback), or the one that charged for a failure.
    .addColumn('charged_model', 'text')
    // The price-table estimate of that model, next to settled_micros (the actual).
    .addColumn('estimated_micros', 'bigint')
    // 'estimate' or 'provider' (the provider reported the charge).
    .addColumn('charge_source', 'text')
    .addColumn('charge_reason', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('usage_ledger')
    .dropColumn('charged_model')
    .dropColumn('estimated_micros')
    .dropColumn('charge_source')
    .dropColumn('charge_reason')
    .execute();
  await db.schema.alterTable('generations').dropColumn('billing').execute();
}
