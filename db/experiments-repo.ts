import { sql, type Kysely } from 'kysely';
import type { ExperimentDefinition, ExperimentStatus } from '../domain/experiment-types';
import type { ExperimentState } from '../domain/experiment-state';
import type { Database, ExperimentRow } from './schema';

export interface NewExperiment {
  id: string;
  workflowId: string;
  name: string;
  description?: string;
  definition: ExperimentDefinition;
  weights: number[];
}

export function createExperimentsRepo(db: Kysely<Database>) {
  return {
    async insert(e: NewExperiment): Promise<ExperimentRow> {
      return db
        .insertInto('experiments')
        .values({
          id: e.id,
          workflow_id: e.workflowId,
          name: e.name,
          description: e.description ?? null,
          status: 'draft',
          definition: JSON.stringify(e.definition),
          weights: JSON.stringify(e.weights),
          state: null,
          stop_reason: null,
          started_at: null,
          completed_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    findById(id: string): Promise<ExperimentRow | undefined> {
      return db.selectFrom('experiments').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** Newest first; the list view needs no aggregates, so the state column is left out. */
    list(limit: number): Promise<Omit<ExperimentRow, 'state'>[]> {
      return db
        .selectFrom('experiments')
        .select(['id', 'workflow_id', 'name', 'description', 'status', 'lifecycle_version', 'definition', 'weights', 'stop_reason', 'created_at', 'updated_at', 'started_at', 'completed_at'])
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
    },

    /**
     * Moves the status only from an expected one, so two administrators clicking at once cannot
     * both succeed. Returns whether the row moved.
     */
    async transition(id: string, from: ExperimentStatus, to: ExperimentStatus): Promise<boolean> {
      const result = await db
        .updateTable('experiments')
        .set({
          status: to,
          lifecycle_version: sql<number>`lifecycle_version + 1`,
          updated_at: sql`now()`,
          ...(to === 'running' && from === 'draft' ? { started_at: sql`now()` } : {}),
          ...(to === 'completed' ? { completed_at: sql`coalesce(completed_at, now())` } : {}),
        })
        .where('id', '=', id)
        .where('status', '=', from)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /**
     * The workflow's snapshot: the source of truth for weights and aggregates, and for the status
     * unless the API has recorded a later lifecycle move the snapshot has not seen yet.
     */
    async saveState(id: string, state: ExperimentState): Promise<void> {
      const v = state.lifecycleVersion;
      await db
        .updateTable('experiments')
        .set({
          status: sql<string>`case when ${v} >= lifecycle_version then ${state.status} else status end`,
          lifecycle_version: sql<number>`greatest(lifecycle_version, ${v})`,
          weights: JSON.stringify(state.weights),
          state: JSON.stringify(state),
          stop_reason: state.stopReason ?? null,
          ...(state.startedAt !== undefined ? { started_at: new Date(state.startedAt) } : {}),
          ...(state.completedAt !== undefined ? { completed_at: new Date(state.completedAt) } : {}),
          updated_at: sql`now()`,
        })
        .where('id', '=', id)
        .execute();
    },

    /** Records a rating; returns the one it replaced, if any. */
    async upsertRating(generationId: string, rating: number, feedback: string | undefined): Promise<number | undefined> {
      return db.transaction().execute(async (tx) => {
        const previous = await tx.selectFrom('ratings').select('rating').where('generation_id', '=', generationId).forUpdate().executeTakeFirst();
        await tx
          .insertInto('ratings')
          .values({ generation_id: generationId, rating, feedback: feedback ?? null })
          .onConflict((oc) => oc.column('generation_id').doUpdateSet({ rating, feedback: feedback ?? null, updated_at: sql`now()` }))
          .execute();
        return previous?.rating;
      });
    },
  };
}
export type ExperimentsRepo = ReturnType<typeof createExperimentsRepo>;
