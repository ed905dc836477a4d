import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('experiments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workflow_id', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    // Counts lifecycle moves: a workflow snapshot taken before the latest move must not undo it.
    .addColumn('lifecycle_version', 'integer', (c) => c.notNull().defaultTo(0))
    // The validated definition (variants, allocation, metrics, stop rules) as the workflow got it.
    .addColumn('definition', 'jsonb', (c) => c.notNull())
    // Current traffic split in variant order: what the API allocates with, without asking Temporal.
    .addColumn('weights', 'jsonb', (c) => c.notNull())
    // The workflow's last persisted state (aggregates, allocation history, decision).
    .addColumn('state', 'jsonb')
    .addColumn('stop_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('started_at', 'timestamptz')
    .addColumn('completed_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('experiments_created_at_idx').on('experiments').columns(['created_at', 'id']).execute();

  await db.schema
    .alterTable('generations')
    .addColumn('experiment_id', 'text', (c) => c.references('experiments.id'))
    .addColumn('experiment_variant', 'text')
    .addColumn('experiment_segment', 'text')
    .execute();
  await db.schema.createIndex('generations_experiment_idx').on('generations').columns(['experiment_id', 'experiment_variant']).execute();

  await db.schema
    .createTable('ratings')
    // One rating per generation: rating again replaces it.
    .addColumn('generation_id', 'text', (c) => c.primaryKey().references('generations.id').onDelete('cascade'))
    .addColumn('rating', 'integer', (c) => c.notNull().check(sql`rating between 1 and 5`))
    .addColumn('feedback', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('ratings').execute();
  await db.schema.dropIndex('generations_experiment_idx').execute();
  await db.schema.alterTable('generations').dropColumn('experiment_id').dropColumn('experiment_variant').dropColumn('experiment_segment').execute();
  await db.schema.dropTable('experiments').execute();
}
