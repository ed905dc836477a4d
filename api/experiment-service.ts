import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { assignVariant } from '../domain/allocation';
import { GenflowError } from '../domain/errors';
import {
  applyPromptTemplate,
  experimentGenerationBody,
  experimentWorkflowId,
  initialWeights,
  toDefinition,
  type CreateExperimentBody,
  type ExperimentDefinition,
  type ExperimentStatus,
} from '../domain/experiment';
import { computeResults, type ExperimentResults } from '../domain/experiment-results';
import { newExperimentState, nextStatus, type ExperimentState, type LifecycleAction } from '../domain/experiment-state';
import { createGenerationBody, type CreateGenerationBody } from '../domain/generation';
import { TaskQueue } from '../domain/task-queues';
import type { ExperimentsRepo } from '../db/experiments-repo';
import type { ExperimentRow } from '../db/schema';
import type { ModelCatalogue } from '../providers/catalogue';
import { startWithSearchAttributes, type SearchAttributes } from '../runtime/search-attributes';
import { parseOrThrow } from './validate';

export interface ExperimentServiceDeps {
  experiments: ExperimentsRepo;
  temporal: Client;
  logger: Logger;
  taskQueue?: string;
  /** Search attributes set at start (experiment id); none without it. */
  searchAttributes?: SearchAttributes;
  /** Where variants' models are checked. */
  catalogue: ModelCatalogue;
}

/** What a generation allocated by an experiment records and carries into its workflow. */
export interface ExperimentAssignment {
  experimentId: string;
  variantId: string;
  segment?: string;
}

function checkVariants(body: CreateExperimentBody, catalogue: ModelCatalogue): void {
  body.variants.forEach((v, i) => {
    const entry = catalogue.findModel(v.model);
    if (!entry) {
      throw new GenflowError('INVALID_REQUEST', `variants.${i}.model: unknown model '${v.model}' (GET /v1/models lists them)`, {
        details: { issues: [{ field: `variants.${i}.model`, message: 'unknown model' }] },
      });
    }
    // A variant's parameters must be valid for its model now, not at its first generation.
    parseOrThrow(entry.model.parameters, v.parameters ?? {}, 'INVALID_PARAMETERS', `variants.${i}.parameters`);
  });
}

export function createExperimentService(deps: ExperimentServiceDeps) {
  const { experiments, temporal, logger } = deps;
  const taskQueue = deps.taskQueue ?? TaskQueue.generations;

  async function load(id: string): Promise<ExperimentRow> {
    const row = /^[0-9a-f-]{36}$/i.test(id) ? await experiments.findById(id) : undefined;
    if (!row) throw new GenflowError('NOT_FOUND', `no experiment with id '${id}'`);
    return row;
  }

  function unavailable(err: unknown): GenflowError {
    return new GenflowError('UNAVAILABLE', 'the workflow service is unavailable; retry', { cause: err });
  }

  return {
    load,

    /** Records a draft and starts its workflow, which waits for `start`. */
    async create(body: CreateExperimentBody): Promise<ExperimentRow> {
      checkVariants(body, deps.catalogue);
      const id = randomUUID();
      const definition = toDefinition(id, body);
      const row = await experiments.insert({
        id,
        workflowId: experimentWorkflowId(id),
        name: body.name,
        ...(body.description !== undefined ? { description: body.description } : {}),
        definition,
        weights: initialWeights(definition),
      });
      try {
        const pairs = (await deps.searchAttributes?.pairs({ experimentId: id })) ?? [];
        await startWithSearchAttributes(pairs, (extra) => temporal.workflow.start('experimentWorkflow', { taskQueue, workflowId: row.workflow_id, args: [{ definition }], ...extra }), logger);
      } catch (err) {
        logger.error({ err, experimentId: id }, 'starting the experiment workflow failed');
        await experiments.transition(id, 'draft', 'completed').catch(() => undefined);
        throw unavailable(err);
      }
      return row;
    },

    /** start / pause / resume / complete: checked against the current status, then signalled. */
    async act(id: string, action: LifecycleAction): Promise<ExperimentRow> {
      const row = await load(id);
      const from = row.status as ExperimentStatus;
      const to = nextStatus(from, action);
      if (!to) throw new GenflowError('CONFLICT', `cannot ${action} an experiment that is ${from}`, { details: { status: from } });
      try {
        await temporal.workflow.getHandle(row.workflow_id).signal('lifecycle', action);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) {
          throw new GenflowError('CONFLICT', `experiment '${id}' has no running workflow (it has ended)`, { cause: err });
        }
        throw unavailable(err);
      }
      // The workflow persists its own state too; this makes the answer (and allocation) current at once.
      if (!(await experiments.transition(id, from, to))) {
        // The workflow may have persisted the move first; only a different status is a conflict.
        const now = await load(id);
        if (now.status !== to) throw new GenflowError('CONFLICT', `the experiment changed status meanwhile (now ${now.status}); reload it`);
        return now;
      }
      return load(id);
    },

    /**
     * Live results from the workflow (a completed one answers queries too, and its last
     * snapshot may still be on its way to the database); the persisted state when Temporal
     * cannot answer, so the page keeps working through a brief outage.
     */
    async results(row: ExperimentRow, segment?: string): Promise<ExperimentResults> {
      const def = row.definition;
      let state: ExperimentState | undefined;
      if (row.status !== 'draft') {
        state = await temporal.workflow
          .getHandle(row.workflow_id)
          .query<ExperimentState>('state')
          .catch((err: unknown) => {
            logger.warn({ err, experimentId: row.id }, 'experiment query failed; answering persisted results');
            return undefined;
          });
      }
      state ??= row.state ?? { ...newExperimentState(def), status: row.status as ExperimentStatus };
      return computeResults(def, state, segment);
    },

    /**
     * Chooses a variant for a generation request that names an experiment, reading only the
     * experiment's row: no Temporal round trip on the request path.
     */
    async allocate(raw: unknown, idempotencyKey: string | undefined): Promise<{ body: CreateGenerationBody; assignment: ExperimentAssignment }> {
      const req = parseOrThrow(experimentGenerationBody, raw);
      const row = /^[0-9a-f-]{36}$/i.test(req.experimentId) ? await experiments.findById(req.experimentId) : undefined;
      if (!row) {
        throw new GenflowError('INVALID_REQUEST', `experimentId: no experiment with id '${req.experimentId}'`, {
          details: { issues: [{ field: 'experimentId', message: 'unknown experiment' }] },
        });
      }
      if (row.status !== 'running') {
        throw new GenflowError('CONFLICT', `experiment '${row.name}' is ${row.status}; generations are allocated only while it runs`, {
          details: { status: row.status },
        });
      }
      const def: ExperimentDefinition = row.definition;
      // Sticky by user; a retried request (same Idempotency-Key) must land on the same variant too.
      const stickyKey = req.userId ?? idempotencyKey;
      const variant = assignVariant(def, row.weights, stickyKey, Math.random);
      const body = parseOrThrow(createGenerationBody, {
        model: variant.model,
        prompt: applyPromptTemplate(variant.promptTemplate, req.prompt),
        // The variant's parameters are the treatment: they win over the request's.
        parameters: { ...(req.parameters ?? {}), ...variant.parameters },
        ...(req.inputImages !== undefined ? { inputImages: req.inputImages } : {}),
        ...(req.numberOfOutputs !== undefined ? { numberOfOutputs: req.numberOfOutputs } : {}),
      });
      return {
        body,
        assignment: { experimentId: row.id, variantId: variant.id, ...(req.segment !== undefined ? { segment: req.segment } : {}) },
      };
    },

    /** Forwards a rating to the experiment; a completed experiment no longer takes any. */
    async signalRating(experimentId: string, payload: { generationId: string; variantId: string; rating: number; previousRating?: number; segment?: string }): Promise<boolean> {
      try {
        await temporal.workflow.getHandle(experimentWorkflowId(experimentId)).signal('rating', payload);
        return true;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return false;
        throw unavailable(err);
      }
    },
  };
}
export type ExperimentService = ReturnType<typeof createExperimentService>;
