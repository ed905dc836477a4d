import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ProviderError } from '../../domain/errors';
import { videoParameters } from './models';

const jobSchema = z.object({
  version: z.literal(1),
  taskId: z.string(),
  model: z.string(),
  prompt: z.string(),
  parameters: videoParameters,
  /** Base64 PNG already fitted to the clip size, kept small so the job file stays small. */
  firstFrame: z.string().optional(),
  createdAt: z.number(),
  durationMs: z.number(),
  canceledAt: z.number().optional(),
});
export type LocalJob = z.infer<typeof jobSchema>;

// Task ids become file names, so anything else is refused before it reaches the file system.
const TASK_ID = /^local-[0-9a-f-]{36}$/;

export function newTaskId(): string {
  return `local-${randomUUID()}`;
}

/**
 * Async jobs as one JSON file each under `<dataDir>/local-jobs`, so a job outlives the process
 * that submitted it. Writes go to a temp file and are renamed into place, so a crash mid-write
 * never leaves a half-written job behind.
 */
export class JobStore {
  constructor(readonly dir: string) {}

  private path(taskId: string): string {
    return join(this.dir, `${taskId}.json`);
  }

  async save(job: LocalJob): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const temp = join(this.dir, `.${job.taskId}.${process.pid}.${randomUUID()}.tmp`);
    await writeFile(temp, JSON.stringify(job));
    await rename(temp, this.path(job.taskId));
  }

  async load(taskId: string): Promise<LocalJob> {
    if (!TASK_ID.test(taskId)) throw unknownTask(taskId);
    let text: string;
    try {
      text = await readFile(this.path(taskId), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw unknownTask(taskId);
      throw err;
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
    const parsed = jobSchema.safeParse(data);
    if (!parsed.success) {
      throw new ProviderError('PROVIDER_ERROR', `local provider: job file for ${taskId} is corrupt`, { cause: parsed.error });
    }
    return parsed.data;
  }
}

function unknownTask(taskId: string): ProviderError {
  return new ProviderError('PROVIDER_ERROR', `local provider: unknown task id ${JSON.stringify(taskId)}`, { retryable: false });
}
