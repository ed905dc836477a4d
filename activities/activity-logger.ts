import { Context } from '@temporalio/activity';
import type { Logger } from 'pino';

/**
 * The worker's logger narrowed to one activity execution: each line carries the generation,
 * its workflow id, the API request that created it (when known), the activity and its attempt,
 * so an operator can follow one generation across the API and the workers.
 */
export function activityLogger(logger: Logger, generationId: string, requestId?: string): Logger {
  let execution: Record<string, unknown> = {};
  try {
    const info = Context.current().info;
    execution = { workflowId: info.workflowExecution?.workflowId, activity: info.activityType, attempt: info.attempt };
  } catch {
    // Called outside an activity (a unit test): the generation id alone still helps.
  }
  return logger.child({ generationId, ...execution, ...(requestId ? { requestId } : {}) });
}
