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
        .select(['id', 'workflow_id', 'name', 'description', 'status', 'definition', 'weights', 'stop_reason', 'created_at', 'updated_at', 'started_at', 'completed_at'])
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
          updated_at: sql`now()`,
          ...(to === 'running' && from === 'draft' ? { started_at: sql`now()` } : {}),
          ...(to === 'completed' ? { completed_at: sql`coalesce(completed_at, now())` } : {}),
        })
        .where('id', '=', id)
        .where('status', '=', from)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /** The workflow's snapshot: it is the source of truth for status, weights and aggregates. */
    async saveState(id: string, state: ExperimentState): Promise<void> {
      await db
        .updateTable('experiments')
        .set({
          status: state.status,
          weights: JSON.stringify(state.weights),
          state: JSON.stringify(state),
          stop_reason: state.stopReason ?? null,
          started_at: state.startedAt !== undefined ? new Date(state.startedAt) : null,
          completed_at: state.completedAt !== undefined ? new Date(state.completedAt) : null,
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
