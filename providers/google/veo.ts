import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ProviderError } from '../../domain/errors';
import type { GenerationRequest } from '../../domain/generation';
import { providerFetch } from '../http';
import { loadInputImage } from '../input-images';
import type { CallContext, PollResult, ProviderEnv } from '../types';
import { GOOGLE_PROVIDER_ID, googleError, googleErrorCode, keyHeaders, rpcStatusName } from './api';

/** google.longrunning.Operation as the Gemini API returns it for Veo. */
export interface VeoOperation {
  name: string;
  done?: boolean;
  error?: { code?: number; message?: string };
  response?: {
    generateVideoResponse?: {
      generatedSamples?: Array<{ video?: { uri?: string } }>;
      raiMediaFilteredCount?: number;
      raiMediaFilteredReasons?: string[];
    };
  };
}

/** `predictLongRunning` body: the prompt and an optional first frame inline. */
export async function veoBody(request: GenerationRequest, env: Pick<ProviderEnv, 'fetch'>): Promise<Record<string, unknown>> {
  const instance: Record<string, unknown> = { prompt: request.prompt };
  const first = request.inputImages[0];
  if (first !== undefined) {
    const image = await loadInputImage(first, env);
    instance.image = { bytesBase64Encoded: image.data.toString('base64'), mimeType: image.contentType };
  }
  // Veo 3.0 makes 8 s clips only and its API refuses the field; 3.1 takes 4, 6 or 8.
  const { durationSeconds, ...rest } = request.parameters;
  const fixedLength = !request.model.startsWith('google/veo-3.1');
  return { instances: [instance], parameters: fixedLength ? rest : { ...rest, durationSeconds } };
}

/**
 * The finished operation's video, downloaded here with the key in its header: a URL handed to
 * the storage step would need the key in its query string, where logs could pick it up. The
 * key is only ever sent to the configured Gemini API origin.
 */
async function downloadVideo(env: ProviderEnv, ctx: CallContext, uri: string): Promise<Readable> {
  const sameOrigin = new URL(uri).origin === new URL(env.baseUrl).origin;
  const res = await providerFetch(env, GOOGLE_PROVIDER_ID, {
    path: uri,
    headers: sameOrigin ? keyHeaders(ctx) : {},
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    timeoutMs: 15 * 60_000,
  });
  if (!res.ok) throw await googleError(res);
  if (!res.body) throw new ProviderError('PROVIDER_ERROR', `${GOOGLE_PROVIDER_ID}: the video download was empty`);
  return Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
}

export async function readOperation(env: ProviderEnv, ctx: CallContext, op: VeoOperation): Promise<PollResult> {
  if (!op.done) return { status: 'running' };
  if (op.error) {
    const status = rpcStatusName(op.error.code);
    const mapped = googleErrorCode(0, { error: { message: op.error.message ?? '', ...(status ? { status } : {}) } });
    // The operation is over: whatever went wrong, polling it again cannot help.
    const code = mapped === 'PROVIDER_UNAVAILABLE' || mapped === 'PROVIDER_TIMEOUT' ? 'PROVIDER_ERROR' : mapped;
    throw new ProviderError(code, `${GOOGLE_PROVIDER_ID}: ${op.error.message ?? 'the video job failed'}`, { retryable: false, details: { rpcCode: op.error.code } });
  }
  const result = op.response?.generateVideoResponse;
  const uris = (result?.generatedSamples ?? []).map((s) => s.video?.uri).filter((u): u is string => typeof u === 'string');
  if (uris.length === 0) {
    if ((result?.raiMediaFilteredCount ?? 0) > 0) {
      throw new ProviderError('CONTENT_REJECTED', `${GOOGLE_PROVIDER_ID}: the video was filtered: ${(result?.raiMediaFilteredReasons ?? []).join('; ') || 'responsible-AI filters'}`);
    }
    throw new ProviderError('PROVIDER_ERROR', `${GOOGLE_PROVIDER_ID}: the video job finished without a video`, { retryable: false });
  }
  const outputs = [];
  for (const uri of uris) outputs.push({ type: 'stream' as const, stream: await downloadVideo(env, ctx, uri), contentType: 'video/mp4' });
  return { status: 'succeeded', outputs };
}
