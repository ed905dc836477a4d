import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { z } from 'zod';
import { ProviderError } from '../../domain/errors';
import type { GenerationRequest } from '../../domain/generation';
import type { CallContext, PollResult, ProviderAdapter, ProviderEnv, SubmitResult } from '../types';
import { injectFailure } from './failures';
import { JobStore, newTaskId, type LocalJob } from './jobs';
import { LocalModelId, imageParameters, speechParameters, textParameters, videoParameters } from './models';
import { rewritePrompt } from './rewrite-prompt';
import { IMAGE_CONTENT_TYPES, renderImage } from './render-image';
import { renderSpeech } from './render-speech';
import { VIDEO_CONTENT_TYPES, renderVideo } from './render-video';

export interface LocalAdapterOptions {
  /** Clock for job progress; tests pass a fake one to skip waiting. */
  now?: () => number;
}

/** Parses again what the API already validated: cheap, and it types the values. */
function parseParameters<S extends z.ZodType>(schema: S, request: GenerationRequest): z.infer<S> {
  const parsed = schema.safeParse(request.parameters);
  if (!parsed.success) {
    throw new ProviderError('INVALID_PARAMETERS', `invalid parameters for ${request.model}: ${parsed.error.message}`, {
      details: parsed.error.issues,
    });
  }
  return parsed.data;
}

function outputCount(request: GenerationRequest): number {
  const n = request.numberOfOutputs;
  if (!Number.isInteger(n) || n < 1 || n > 4) {
    throw new ProviderError('INVALID_PARAMETERS', `numberOfOutputs must be 1 to 4 for ${request.model}`);
  }
  return n;
}

/**
 * An input image, when given inline, becomes the clip's first frame. It is fitted to the clip
 * size now so a broken image fails the submit (not a poll much later) and the job file stays small.
 */
async function firstFrameOf(request: GenerationRequest, width: number, height: number): Promise<string | undefined> {
  if (request.inputImages.length > 1) {
    throw new ProviderError('INVALID_PARAMETERS', `${request.model} accepts at most one input image`);
  }
  const input = request.inputImages[0];
  // http(s) inputs are not fetched: this provider never touches the network.
  const match = input === undefined ? null : /^data:[^;,]*(;[^,]*)?,(.*)$/s.exec(input);
  if (!match) return undefined;
  const payload = match[2] ?? '';
  try {
    const bytes = match[1]?.includes(';base64') ? Buffer.from(payload, 'base64') : Buffer.from(decodeURIComponent(payload), 'utf8');
    const png = await sharp(bytes, { limitInputPixels: 64_000_000 }).resize(width, height, { fit: 'cover' }).png().toBuffer();
    return png.toString('base64');
  } catch (err) {
    throw new ProviderError('INVALID_REQUEST', 'the input image could not be decoded', { cause: err });
  }
}

/** The image an image-to-image request edits, decoded from its data URL (the only form it arrives in). */
async function inputImageOf(request: GenerationRequest): Promise<Buffer | undefined> {
  if (request.inputImages.length > 1) throw new ProviderError('INVALID_PARAMETERS', `${request.model} accepts at most one input image`);
  const input = request.inputImages[0];
  if (input === undefined) return undefined;
  const match = /^data:[^,]*;base64,(.*)$/s.exec(input);
  if (!match) throw new ProviderError('INVALID_REQUEST', `${request.model} takes its input image inline (a data URL)`);
  const bytes = Buffer.from(match[1] ?? '', 'base64');
  try {
    await sharp(bytes, { limitInputPixels: 64_000_000 }).metadata();
  } catch (err) {
    throw new ProviderError('INVALID_REQUEST', 'the input image could not be decoded', { cause: err });
  }
  return bytes;
}

export function createLocalAdapter(env: Pick<ProviderEnv, 'dataDir'>, options: LocalAdapterOptions = {}): ProviderAdapter {
  const now = options.now ?? Date.now;
  const jobs = new JobStore(join(env.dataDir, 'local-jobs'));

  async function submitImage(request: GenerationRequest, ctx: CallContext): Promise<SubmitResult> {
    const params = parseParameters(imageParameters, request);
    injectFailure(params, ctx.attempt);
    const count = outputCount(request);
    const base = await inputImageOf(request);
    const outputs = await Promise.all(
      Array.from({ length: count }, async (_, index) => ({
        type: 'bytes' as const,
        data: await renderImage({ prompt: request.prompt, seed: params.seed, index, width: params.width, height: params.height, format: params.format, ...(base ? { base } : {}) }),
        contentType: IMAGE_CONTENT_TYPES[params.format],
      })),
    );
    return { status: 'succeeded', outputs };
  }

  function submitSpeech(request: GenerationRequest, ctx: CallContext): SubmitResult {
    const params = parseParameters(speechParameters, request);
    injectFailure(params, ctx.attempt);
    // One clip per request: the synthesizer is deterministic, so more outputs would be copies.
    return { status: 'succeeded', outputs: [{ type: 'bytes', data: renderSpeech(request.prompt, params), contentType: 'audio/wav' }] };
  }

  function submitText(request: GenerationRequest, ctx: CallContext): SubmitResult {
    const params = parseParameters(textParameters, request);
    injectFailure(params, ctx.attempt);
    // Each further output is a variant: the seed moves on, so it picks other descriptors.
    const outputs = Array.from({ length: outputCount(request) }, (_, index) => ({
      type: 'bytes' as const,
      data: Buffer.from(
        rewritePrompt(request.prompt, {
          style: params.style,
          seed: params.seed + index,
          descriptors: params.descriptors,
          ...(params.systemPrompt !== undefined ? { systemPrompt: params.systemPrompt } : {}),
        }),
        'utf8',
      ),
      contentType: 'text/plain; charset=utf-8',
    }));
    return { status: 'succeeded', outputs };
  }

  async function submitVideo(request: GenerationRequest, ctx: CallContext): Promise<SubmitResult> {
    const params = parseParameters(videoParameters, request);
    injectFailure(params, ctx.attempt);
    const firstFrame = await firstFrameOf(request, params.width, params.height);
    const job: LocalJob = {
      version: 1,
      taskId: newTaskId(),
      model: request.model,
      prompt: request.prompt,
      parameters: params,
      ...(firstFrame !== undefined ? { firstFrame } : {}),
      createdAt: now(),
      durationMs: params.durationSeconds * 1000,
    };
    await jobs.save(job);
    return { status: 'pending', taskId: job.taskId };
  }

  return {
    async submit(request, ctx) {
      switch (request.model) {
        case LocalModelId.image:
          return submitImage(request, ctx);
        case LocalModelId.speech:
          return submitSpeech(request, ctx);
        case LocalModelId.video:
          return submitVideo(request, ctx);
        case LocalModelId.text:
          return submitText(request, ctx);
        default:
          throw new ProviderError('UNSUPPORTED_CAPABILITY', `the local provider has no model ${JSON.stringify(request.model)}`);
      }
    },

    // Progress and completion derive from the clock and the job file alone, so a poll never
    // writes and a restarted process picks up exactly where the old one was.
    async poll(taskId): Promise<PollResult> {
      const job = await jobs.load(taskId);
      if (job.canceledAt !== undefined) return { status: 'canceled' };
      const elapsed = now() - job.createdAt;
      if (elapsed < job.durationMs) {
        return { status: 'running', progress: Math.max(0, Math.min(0.99, elapsed / job.durationMs)) };
      }
      const { parameters: p } = job;
      const data = await renderVideo({
        prompt: job.prompt,
        seed: p.seed,
        width: p.width,
        height: p.height,
        fps: p.fps,
        durationSeconds: p.durationSeconds,
        format: p.format,
        ...(job.firstFrame !== undefined ? { firstFrame: Buffer.from(job.firstFrame, 'base64') } : {}),
      });
      return { status: 'succeeded', outputs: [{ type: 'bytes', data, contentType: VIDEO_CONTENT_TYPES[p.format] }] };
    },

    async cancel(taskId) {
      const job = await jobs.load(taskId);
      // A finished job stays finished; canceling twice keeps the first time.
      if (job.canceledAt !== undefined || now() - job.createdAt >= job.durationMs) return;
      await jobs.save({ ...job, canceledAt: now() });
    },

    /** Its only dependency is the folder its async jobs live in: healthy when it is writable. */
    async probe() {
      try {
        await mkdir(jobs.dir, { recursive: true });
        await access(jobs.dir, constants.W_OK);
      } catch (err) {
        throw new ProviderError('PROVIDER_UNAVAILABLE', `local provider: job folder ${jobs.dir} is not writable`, { cause: err });
      }
    },
  };
}
