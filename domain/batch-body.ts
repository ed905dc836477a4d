import { z } from 'zod';
import { BatchLimits } from './batch';
import { createGenerationBody } from './generation';

export const batchOptions = z
  .object({
    maxConcurrency: z.int().min(1).max(BatchLimits.maxConcurrency).default(BatchLimits.defaultConcurrency),
    stopOnError: z.boolean().default(false),
    webhookUrl: z.url({ protocol: /^https?$/ }).max(2_000).optional(),
  })
  .strict();

/**
 * The body of `POST /v1/batches`. Items are checked only for shape here; each one is then
 * normalised against its model exactly like a single generation, so the error can name its index.
 */
export const createBatchBody = z
  .object({
    requests: z.array(z.unknown()).min(1, 'a batch needs at least one request').max(BatchLimits.maxItems),
    options: batchOptions.default({ maxConcurrency: BatchLimits.defaultConcurrency, stopOnError: false }),
  })
  .strict();
export type CreateBatchBody = z.infer<typeof createBatchBody>;
export { createGenerationBody as batchItemBody };
