import { sql, type Kysely } from 'kysely';

/**
 * The studio (S1): project → episode → shot → frame, and where a generation is attached.
 *
 * The hierarchy cascades: deleting a project deletes its episodes, their shots and frames.
 * Generations are never deleted with it. A generation is attached by two nullable columns on
 * `generations` (a shot, or a frame, never both) rather than a join table: a generation has one
 * place in the studio (S1 links a task to one shot and a frame to one task), the attachment is
 * written in the same row insert as the submit (no second statement to lose), and
 * `ON DELETE SET NULL` makes "deleting a parent detaches its generations" a rule of the
 * database, whichever path deletes the row.
 *
 * `project_id` is repeated on shots and frames so that ownership and project defaults are one
 * lookup from any level. The API's `order` is `position` here (`order` is an SQL keyword).
 */
/**
 * Creation times in whole milliseconds: list cursors carry them as JavaScript dates (ISO, ms), and
 * a microsecond `now()` would make a row compare past its own cursor and show again on the next page.
 */
const MILLISECONDS_NOW = sql`date_trunc('milliseconds', now())`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('studio_projects')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('defaults', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(MILLISECONDS_NOW))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('studio_projects_owner_created_idx').on('studio_projects').columns(['owner', 'created_at', 'id']).execute();
  await db.schema.createIndex('studio_projects_created_idx').on('studio_projects').columns(['created_at', 'id']).execute();

  await db.schema
    .createTable('studio_episodes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('studio_projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(MILLISECONDS_NOW))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('studio_episodes_parent_idx').on('studio_episodes').columns(['project_id', 'position', 'created_at', 'id']).execute();

  await db.schema
    .createTable('studio_shots')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('episode_id', 'text', (c) => c.notNull().references('studio_episodes.id').onDelete('cascade'))
    .addColumn('project_id', 'text', (c) => c.notNull().references('studio_projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(MILLISECONDS_NOW))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('studio_shots_parent_idx').on('studio_shots').columns(['episode_id', 'position', 'created_at', 'id']).execute();

  await db.schema
    .createTable('studio_frames')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('shot_id', 'text', (c) => c.notNull().references('studio_shots.id').onDelete('cascade'))
    .addColumn('project_id', 'text', (c) => c.notNull().references('studio_projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(MILLISECONDS_NOW))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('studio_frames_parent_idx').on('studio_frames').columns(['shot_id', 'position', 'created_at', 'id']).execute();

  await db.schema
    .alterTable('generations')
    .addColumn('studio_shot_id', 'text', (c) => c.references('studio_shots.id').onDelete('set null'))
    .addColumn('studio_frame_id', 'text', (c) => c.references('studio_frames.id').onDelete('set null'))
    .execute();
  await db.schema
    .alterTable('generations')
    .addCheckConstraint('generations_studio_one_place', sql`studio_shot_id is null or studio_frame_id is null`)
    .execute();
  // A shot's or frame's generations, newest first; partial, so unattached rows cost nothing.
  await db.schema
    .createIndex('generations_studio_shot_idx')
    .on('generations')
    .columns(['studio_shot_id', 'created_at', 'id'])
    .where(sql.ref('studio_shot_id'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('generations_studio_frame_idx')
    .on('generations')
    .columns(['studio_frame_id', 'created_at', 'id'])
    .where(sql.ref('studio_frame_id'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('generations_studio_frame_idx').execute();
  await db.schema.dropIndex('generations_studio_shot_idx').execute();
  await db.schema.alterTable('generations').dropConstraint('generations_studio_one_place').execute();
  await db.schema.alterTable('generations').dropColumn('studio_frame_id').dropColumn('studio_shot_id').execute();
  await db.schema.dropTable('studio_frames').execute();
  await db.schema.dropTable('studio_shots').execute();
  await db.schema.dropTable('studio_episodes').execute();
  await db.schema.dropTable('studio_projects').execute();
}
