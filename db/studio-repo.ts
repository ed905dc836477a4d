import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { StudioLevel } from '../domain/studio';
import type { Database, GenerationRow, StudioFrameRow, StudioProjectRow, StudioShotRow, StudioEpisodeRow } from './schema';

/** Where each level lives and which column names its parent. */
const LEVELS = {
  episode: { table: 'studio_episodes', parent: 'project_id' },
  shot: { table: 'studio_shots', parent: 'episode_id' },
  frame: { table: 'studio_frames', parent: 'shot_id' },
} as const;

export type StudioNodeRow = (StudioEpisodeRow | StudioShotRow | StudioFrameRow) & {
  project_id: string;
  episode_id?: string;
  shot_id?: string;
};
/** A node with the owner of its project, which decides who may see it. */
export type OwnedNode = StudioNodeRow & { owner: string };

/** Keyset position in a list ordered by (position, created_at, id). */
export interface NodeCursor {
  position: number;
  createdAt: Date;
  id: string;
}
/** Keyset position in a newest-first list. */
export interface NewestCursor {
  createdAt: Date;
  id: string;
}

/** A shot's generations are its own and its frames'; a frame's only its own. */
export type AttachTarget = { shotId: string } | { frameId: string };

export function createStudioRepo(db: Kysely<Database>) {
  // Dynamic table names defeat kysely's types; the three tables share the columns used here.
  const any = db as unknown as Kysely<Record<string, Record<string, unknown>>>;

  return {
    async insertProject(values: { owner: string; name: string; notes: string; defaults: unknown }): Promise<StudioProjectRow> {
      return db
        .insertInto('studio_projects')
        .values({ id: randomUUID(), owner: values.owner, name: values.name, notes: values.notes, defaults: JSON.stringify(values.defaults) })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    findProject(id: string): Promise<StudioProjectRow | undefined> {
      return db.selectFrom('studio_projects').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** Newest first, keyset-paged on (created_at, id); `owner` narrows to one owner's projects. */
    listProjects(filter: { owner?: string; before?: NewestCursor; limit: number }): Promise<StudioProjectRow[]> {
      let query = db.selectFrom('studio_projects').selectAll();
      if (filter.owner !== undefined) query = query.where('owner', '=', filter.owner);
      if (filter.before) query = query.where(sql<boolean>`(created_at, id) < (${filter.before.createdAt}, ${filter.before.id})`);
      return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
    },

    async updateProject(id: string, patch: { name?: string; notes?: string; defaults?: unknown }): Promise<StudioProjectRow | undefined> {
      return db
        .updateTable('studio_projects')
        .set({
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.notes !== undefined ? { notes: patch.notes } : {}),
          ...(patch.defaults !== undefined ? { defaults: JSON.stringify(patch.defaults) } : {}),
          updated_at: sql`now()`,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },

    /** The hierarchy goes with it (cascade); its generations stay, detached (ON DELETE SET NULL). */
    async deleteProject(id: string): Promise<void> {
      await db.deleteFrom('studio_projects').where('id', '=', id).execute();
    },

    /** A new node, placed after its last sibling unless `position` is given. */
    async insertNode(level: StudioLevel, values: { parentId: string; projectId: string; name: string; notes: string; position?: number }): Promise<StudioNodeRow> {
      const { table, parent } = LEVELS[level];
      const position =
        values.position ??
        Number(
          (
            await any
              .selectFrom(table)
              .select(sql<number>`coalesce(max(position) + 1, 0)`.as('next'))
              .where(parent, '=', values.parentId)
              .executeTakeFirst()
          )?.next ?? 0,
        );
      const row: Record<string, unknown> = { id: randomUUID(), name: values.name, notes: values.notes, position, [parent]: values.parentId };
      if (level !== 'episode') row.project_id = values.projectId;
      return (await any.insertInto(table).values(row).returningAll().executeTakeFirstOrThrow()) as unknown as StudioNodeRow;
    },

    /** The node and its project's owner. */
    async findNode(level: StudioLevel, id: string): Promise<OwnedNode | undefined> {
      const { table } = LEVELS[level];
      const row = await any
        .selectFrom(`${table} as n`)
        .innerJoin('studio_projects as p', 'p.id', 'n.project_id')
        .selectAll('n')
        .select('p.owner')
        .where('n.id', '=', id)
        .executeTakeFirst();
      return row as unknown as OwnedNode | undefined;
    },

    /** Children of a parent by (position, created_at, id), keyset-paged. */
    async listNodes(level: StudioLevel, parentId: string, after: NodeCursor | undefined, limit: number): Promise<StudioNodeRow[]> {
      const { table, parent } = LEVELS[level];
      let query = any.selectFrom(table).selectAll().where(parent, '=', parentId);
      if (after) query = query.where(sql<boolean>`(position, created_at, id) > (${after.position}, ${after.createdAt}, ${after.id})`);
      const rows = await query.orderBy('position').orderBy('created_at').orderBy('id').limit(limit).execute();
      return rows as unknown as StudioNodeRow[];
    },

    async updateNode(level: StudioLevel, id: string, patch: { name?: string; notes?: string; position?: number }): Promise<StudioNodeRow | undefined> {
      const row = await any
        .updateTable(LEVELS[level].table)
        .set({
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.notes !== undefined ? { notes: patch.notes } : {}),
          ...(patch.position !== undefined ? { position: patch.position } : {}),
          updated_at: sql`now()`,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row as unknown as StudioNodeRow | undefined;
    },

    /** Its descendants go with it (cascade); generations attached anywhere below are detached. */
    async deleteNode(level: StudioLevel, id: string): Promise<void> {
      await any.deleteFrom(LEVELS[level].table).where('id', '=', id).execute();
    },

    /** Attaches (or moves) a generation: it has one place in the studio at a time. */
    async attach(generationId: string, target: AttachTarget): Promise<GenerationRow | undefined> {
      return db
        .updateTable('generations')
        .set('shotId' in target ? { studio_shot_id: target.shotId, studio_frame_id: null } : { studio_shot_id: null, studio_frame_id: target.frameId })
        .where('id', '=', generationId)
        .returningAll()
        .executeTakeFirst();
    },

    /** Detaches a generation from exactly this place; false when it was not attached there. */
    async detach(generationId: string, target: AttachTarget): Promise<boolean> {
      const result = await db
        .updateTable('generations')
        .set({ studio_shot_id: null, studio_frame_id: null })
        .where('id', '=', generationId)
        .where('shotId' in target ? 'studio_shot_id' : 'studio_frame_id', '=', 'shotId' in target ? target.shotId : target.frameId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /** Newest first, keyset-paged; a shot's include its frames'. */
    listGenerations(target: AttachTarget, before: NewestCursor | undefined, limit: number): Promise<GenerationRow[]> {
      let query = db.selectFrom('generations').selectAll();
      query =
        'shotId' in target
          ? query.where((eb) =>
              eb.or([
                eb('studio_shot_id', '=', target.shotId),
                eb('studio_frame_id', 'in', eb.selectFrom('studio_frames').select('id').where('shot_id', '=', target.shotId)),
              ]),
            )
          : query.where('studio_frame_id', '=', target.frameId);
      // Generations' times have microseconds and cursors milliseconds: both sides compare (and
      // sort) at millisecond precision, so a page neither repeats nor skips a row of the same ms.
      const at = sql`date_trunc('milliseconds', created_at)`;
      if (before) query = query.where(sql<boolean>`(${at}, id) < (${before.createdAt}, ${before.id})`);
      return query.orderBy(at, 'desc').orderBy('id', 'desc').limit(limit).execute();
    },
  };
}
export type StudioRepo = ReturnType<typeof createStudioRepo>;
