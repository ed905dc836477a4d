import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_SPECS } from '../../domain/errors';
import type { GenerationRequest } from '../../domain/generation';
import type { ModelKind } from '../../domain/models';
import { createLocalAdapter, localProvider } from '../../providers/local';
import { INJECTABLE_FAILURES } from '../../providers/local/models';
import type { CallContext, PollResult, ProviderAdapter, ProviderOutput, SubmitResult } from '../../providers/types';
import { providerFailure } from '../support/provider-failure';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'genflow-local-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const KINDS: Record<string, ModelKind> = { 'local/image': 'text-to-image', 'local/speech': 'text-to-speech', 'local/video': 'text-to-video' };

/** Builds a request the way the API does: parameters parsed by the model's schema, defaults applied. */
function request(model: string, prompt: string, parameters: Record<string, unknown> = {}, extra: Partial<GenerationRequest> = {}): GenerationRequest {
  const spec = localProvider.models.find((m) => m.id === model);
  if (!spec) throw new Error(`no model ${model}`);
  return { model, kind: KINDS[model] ?? 'text-to-image', prompt, parameters: spec.parameters.parse(parameters), inputImages: [], numberOfOutputs: 1, ...extra };
}

const ctx = (attempt = 1): CallContext => ({ generationId: 'gen_test', attempt });

function bytesOf(result: SubmitResult | PollResult): Buffer[] {
  if (result.status !== 'succeeded') throw new Error(`expected succeeded, got ${result.status}`);
  return result.outputs.map((o: ProviderOutput) => {
    if (o.type !== 'bytes') throw new Error(`expected bytes, got ${o.type}`);
    return o.data;
  });
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const jobFiles = async (): Promise<string[]> => (await readdir(join(dataDir, 'local-jobs')).catch(() => [])).filter((f) => f.endsWith('.json'));

describe('local provider registration', () => {
  it('needs no key and lists image, speech, video and text models whose schemas apply defaults', () => {
    expect(localProvider).toMatchObject({ id: 'local', displayName: 'Local (built-in)', requiresApiKey: false });
    expect(localProvider.models.map((m) => m.id)).toEqual(['local/image', 'local/speech', 'local/video', 'local/text']);
    expect(request('local/image', 'x').parameters).toEqual({ width: 512, height: 512, format: 'png', seed: 0 });
    expect(request('local/speech', 'x').parameters).toEqual({ voice: 'alto', speed: 1, sampleRate: 22050 });
    expect(request('local/video', 'x').parameters).toMatchObject({ durationSeconds: 3, width: 256, height: 256, fps: 8, format: 'webp' });
    const video = localProvider.models[2];
    expect(video).toMatchObject({ async: true, kinds: ['text-to-video', 'image-to-video'], inputImages: { mode: 'either', max: 1 } });
    expect(video?.price?.({}, 1)).toBe(0);
  });

  it('rejects out-of-range and misspelled parameters', () => {
    expect(() => request('local/image', 'x', { width: 4096 })).toThrow();
    expect(() => request('local/image', 'x', { widht: 100 })).toThrow();
    expect(() => request('local/speech', 'x', { sampleRate: 12345 })).toThrow();
    expect(() => request('local/video', 'x', { durationSeconds: 0.5 })).toThrow();
    expect(() => request('local/video', 'x', { failWith: 'NOT_A_CODE' })).toThrow();
  });

  it('refuses a model it does not have', async () => {
    const adapter = localProvider.createAdapter({ dataDir, baseUrl: '', fetch });
    const err = await providerFailure(adapter.submit({ ...request('local/image', 'x'), model: 'local/nope' }, ctx()));
    expect(err.code).toBe('UNSUPPORTED_CAPABILITY');
  });
});

describe('local/image', () => {
  it('renders numberOfOutputs distinct images of the exact size and format', async () => {
    const adapter = localProvider.createAdapter({ dataDir, baseUrl: '', fetch });
    for (const format of ['png', 'jpeg', 'webp'] as const) {
      const result = await adapter.submit(request('local/image', 'a red fox in the snow', { width: 320, height: 200, format }, { numberOfOutputs: 3 }), ctx());
      const images = bytesOf(result);
      expect(images).toHaveLength(3);
      expect(result.status === 'succeeded' && result.outputs[0]?.contentType).toBe(`image/${format}`);
      for (const image of images) {
        expect(await sharp(image).metadata()).toMatchObject({ format, width: 320, height: 200 });
      }
      expect(new Set(images.map(sha)).size).toBe(3);
    }
  });

  it('draws a picture, not a flat fill', async () => {
    const [png] = bytesOf(await localProvider.createAdapter({ dataDir, baseUrl: '', fetch }).submit(request('local/image', 'mountains', { width: 128, height: 128 }), ctx()));
    const stats = await sharp(png).stats();
    expect(Math.max(...stats.channels.map((c) => c.stdev))).toBeGreaterThan(20);
  });

  it('is deterministic for prompt and seed across adapter instances', async () => {
    const render = async (prompt: string, seed: number): Promise<string> =>
      sha(bytesOf(await localProvider.createAdapter({ dataDir, baseUrl: '', fetch }).submit(request('local/image', prompt, { width: 96, height: 64, seed }), ctx()))[0] ?? Buffer.alloc(0));
    const first = await render('harbour at dawn', 7);
    expect(await render('harbour at dawn', 7)).toBe(first);
    expect(await render('harbour at dawn', 8)).not.toBe(first);
    expect(await render('harbour at dusk', 7)).not.toBe(first);
  });
});

interface Wav {
  format: number;
  channels: number;
  sampleRate: number;
  bits: number;
  dataBytes: number;
  samples: Int16Array;
}

function parseWav(wav: Buffer): Wav {
  expect(wav.toString('latin1', 0, 4)).toBe('RIFF');
  expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
  expect(wav.toString('latin1', 8, 16)).toBe('WAVEfmt ');
  expect(wav.toString('latin1', 36, 40)).toBe('data');
  const dataBytes = wav.readUInt32LE(40);
  expect(dataBytes).toBe(wav.length - 44);
  const samples = new Int16Array(dataBytes / 2);
  for (let i = 0; i < samples.length; i++) samples[i] = wav.readInt16LE(44 + i * 2);
  return { format: wav.readUInt16LE(20), channels: wav.readUInt16LE(22), sampleRate: wav.readUInt32LE(24), bits: wav.readUInt16LE(34), dataBytes, samples };
}

describe('local/speech', () => {
  const speak = async (text: string, parameters: Record<string, unknown> = {}): Promise<Buffer> => {
    const result = await localProvider.createAdapter({ dataDir, baseUrl: '', fetch }).submit(request('local/speech', text, parameters), ctx());
    expect(result.status === 'succeeded' && result.outputs[0]?.contentType).toBe('audio/wav');
    const [wav] = bytesOf(result);
    return wav ?? Buffer.alloc(0);
  };
  const seconds = (wav: Wav): number => wav.samples.length / wav.sampleRate;

  it('produces a valid 16-bit mono PCM WAV at the requested sample rate', async () => {
    const wav = parseWav(await speak('Hello there, how are you?', { sampleRate: 16000 }));
    expect(wav).toMatchObject({ format: 1, channels: 1, sampleRate: 16000, bits: 16 });
  });

  it('lasts longer for longer text and shorter when faster, with a floor for tiny text', async () => {
    const sentence = 'The quick brown fox jumps over the lazy dog. ';
    const short = seconds(parseWav(await speak(sentence)));
    const long = seconds(parseWav(await speak(sentence.repeat(4))));
    const fast = seconds(parseWav(await speak(sentence.repeat(4), { speed: 2 })));
    expect(short).toBeGreaterThan(2);
    expect(long).toBeGreaterThan(short * 3.5);
    expect(fast).toBeCloseTo(long / 2, 1);
    expect(seconds(parseWav(await speak('hi')))).toBeCloseTo(0.5, 2);
  });

  it('sounds like speech: loud syllables separated by quieter gaps', async () => {
    const wav = parseWav(await speak('one two three, four five six. seven eight nine.'));
    const window = Math.round(wav.sampleRate * 0.02);
    const levels: number[] = [];
    for (let i = 0; i + window <= wav.samples.length; i += window) {
      let sum = 0;
      for (let j = i; j < i + window; j++) sum += (wav.samples[j] ?? 0) ** 2;
      levels.push(Math.sqrt(sum / window));
    }
    const loud = Math.max(...levels);
    expect(loud).toBeGreaterThan(3000);
    expect(levels.filter((l) => l < loud / 10).length).toBeGreaterThan(levels.length / 20);
    expect(levels.filter((l) => l > loud / 3).length).toBeGreaterThan(levels.length / 5);
  });

  it('is deterministic for the text and changes with the voice', async () => {
    const a = sha(await speak('Deterministic speech'));
    expect(sha(await speak('Deterministic speech'))).toBe(a);
    expect(sha(await speak('Deterministic speech', { voice: 'bass' }))).not.toBe(a);
  });
});

describe('local/video', () => {
  /** An adapter over a clock the test moves by hand. */
  function clocked(): { adapter: ProviderAdapter; advance: (ms: number) => void; at: () => number } {
    let now = 1_700_000_000_000;
    const adapter = createLocalAdapter({ dataDir }, { now: () => now });
    return { adapter, advance: (ms) => (now += ms), at: () => now };
  }
  const poll = (adapter: ProviderAdapter, taskId: string, req: GenerationRequest): Promise<PollResult> => {
    if (!adapter.poll) throw new Error('no poll');
    return adapter.poll(taskId, req, ctx());
  };
  const taskIdOf = (result: SubmitResult): string => {
    if (result.status !== 'pending') throw new Error(`expected pending, got ${result.status}`);
    return result.taskId;
  };

  it('runs as a job whose progress rises until it yields an animated WebP of the requested size', async () => {
    const { adapter, advance } = clocked();
    const req = request('local/video', 'fireflies', { durationSeconds: 2, width: 96, height: 80, fps: 6 });
    const taskId = taskIdOf(await adapter.submit(req, ctx()));
    expect(await jobFiles()).toEqual([`${taskId}.json`]);

    const progress: number[] = [];
    for (let i = 0; i < 3; i++) {
      const result = await poll(adapter, taskId, req);
      expect(result.status).toBe('running');
      if (result.status === 'running') progress.push(result.progress ?? -1);
      advance(600);
    }
    expect(progress[0]).toBe(0);
    expect(progress[1]).toBeGreaterThan(progress[0] ?? 1);
    expect(progress[2]).toBeGreaterThan(progress[1] ?? 1);
    expect(progress[2]).toBeLessThan(1);

    advance(400);
    const done = await poll(adapter, taskId, req);
    expect(done.status === 'succeeded' && done.outputs[0]?.contentType).toBe('image/webp');
    const [clip] = bytesOf(done);
    const meta = await sharp(clip).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 96, height: 80, pages: 12 });
    expect((meta.delay ?? []).reduce((a, b) => a + b, 0)).toBe(2000);
    // Frames move: the first and the middle frame differ.
    const frame = (page: number): Promise<Buffer> => sharp(clip, { page }).raw().toBuffer();
    expect((await frame(0)).equals(await frame(6))).toBe(false);
  });

  it('renders GIF clips too', async () => {
    const { adapter, advance } = clocked();
    const req = request('local/video', 'rain', { durationSeconds: 1, width: 64, height: 64, fps: 5, format: 'gif' });
    const taskId = taskIdOf(await adapter.submit(req, ctx()));
    advance(1000);
    const done = await poll(adapter, taskId, req);
    expect(done.status === 'succeeded' && done.outputs[0]?.contentType).toBe('image/gif');
    expect(await sharp(bytesOf(done)[0]).metadata()).toMatchObject({ format: 'gif', width: 64, height: 64, pages: 5 });
  });

  it('finishes after durationSeconds of wall-clock time', async () => {
    const adapter = localProvider.createAdapter({ dataDir, baseUrl: '', fetch });
    const req = request('local/video', 'waves', { durationSeconds: 1, width: 64, height: 64, fps: 4 });
    const taskId = taskIdOf(await adapter.submit(req, ctx()));
    const early = await poll(adapter, taskId, req);
    expect(early.status).toBe('running');
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    expect((await poll(adapter, taskId, req)).status).toBe('succeeded');
  });

  it('survives a restart: a new adapter over the same data folder continues the job', async () => {
    let now = 1_000_000;
    const before = createLocalAdapter({ dataDir }, { now: () => now });
    const req = request('local/video', 'comet', { durationSeconds: 1, width: 64, height: 64 });
    const taskId = taskIdOf(await before.submit(req, ctx()));
    now += 500;
    const after = createLocalAdapter({ dataDir }, { now: () => now });
    expect(await poll(after, taskId, req)).toEqual({ status: 'running', progress: 0.5 });
    now += 500;
    expect((await poll(after, taskId, req)).status).toBe('succeeded');
    expect(await jobFiles()).toHaveLength(1);
  });

  it('cancels: later polls, also after a restart, answer canceled', async () => {
    const { adapter, advance, at } = clocked();
    const req = request('local/video', 'storm', { durationSeconds: 2, width: 64, height: 64 });
    const taskId = taskIdOf(await adapter.submit(req, ctx()));
    advance(500);
    await adapter.cancel?.(taskId, ctx());
    advance(5000);
    expect(await poll(adapter, taskId, req)).toEqual({ status: 'canceled' });
    const restarted = createLocalAdapter({ dataDir }, { now: at });
    expect(await poll(restarted, taskId, req)).toEqual({ status: 'canceled' });
  });

  it('uses an inline input image as the first frame', async () => {
    const { adapter, advance } = clocked();
    const red = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#ff0000' } }).png().toBuffer();
    const req = request('local/video', 'pulse', { durationSeconds: 1, width: 64, height: 64, fps: 4 }, {
      kind: 'image-to-video',
      inputImages: [`data:image/png;base64,${red.toString('base64')}`],
    });
    const taskId = taskIdOf(await adapter.submit(req, ctx()));
    advance(1000);
    const [clip] = bytesOf(await poll(adapter, taskId, req));
    const first = await sharp(clip, { page: 0 }).stats();
    const [r, g, b] = first.channels.map((c) => c.mean);
    expect(r).toBeGreaterThan(230);
    expect(g).toBeLessThan(25);
    expect(b).toBeLessThan(25);
  });

  it('rejects an undecodable input image at submit without creating a job', async () => {
    const adapter = localProvider.createAdapter({ dataDir, baseUrl: '', fetch });
    const req = request('local/video', 'x', {}, { kind: 'image-to-video', inputImages: ['data:image/png;base64,bm90IGFuIGltYWdl'] });
    expect((await providerFailure(adapter.submit(req, ctx()))).code).toBe('INVALID_REQUEST');
    expect(await jobFiles()).toHaveLength(0);
  });

  it('answers a non-retryable PROVIDER_ERROR for unknown or malformed task ids', async () => {
    const adapter = localProvider.createAdapter({ dataDir, baseUrl: '', fetch });
    const req = request('local/video', 'x');
    for (const taskId of ['local-00000000-0000-0000-0000-000000000000', '../../etc/passwd', '']) {
      const err = await providerFailure(poll(adapter, taskId, req));
      expect(err).toMatchObject({ code: 'PROVIDER_ERROR', retryable: false });
      expect((await providerFailure(adapter.cancel?.(taskId, ctx()) ?? Promise.resolve())).code).toBe('PROVIDER_ERROR');
    }
  });
});

describe('failure injection', () => {
  it.each(INJECTABLE_FAILURES)('fails with %s, retryable as the taxonomy says', async (code) => {
    const adapter = localProvider.createAdapter({ dataDir, baseUrl: '', fetch });
    const err = await providerFailure(adapter.submit(request('local/image', 'x', { width: 64, height: 64, failWith: code }), ctx(1)));
    expect(err.code).toBe(code);
    expect(err.retryable).toBe(ERROR_SPECS[code].retryable);
    expect(err.message).toContain('attempt 1');
    expect(err.retryAfterMs).toBe(code === 'RATE_LIMITED' ? 1000 : undefined);
  });

  it('fails the first failTimes attempts, then succeeds', async () => {
    const adapter = localProvider.createAdapter({ dataDir, baseUrl: '', fetch });
    const req = request('local/speech', 'hello', { failWith: 'PROVIDER_UNAVAILABLE', failTimes: 2 });
    expect((await providerFailure(adapter.submit(req, ctx(1)))).code).toBe('PROVIDER_UNAVAILABLE');
    expect((await providerFailure(adapter.submit(req, ctx(2)))).code).toBe('PROVIDER_UNAVAILABLE');
    expect((await adapter.submit(req, ctx(3))).status).toBe('succeeded');
  });

  it('fails every attempt when failTimes is absent', async () => {
    const adapter = localProvider.createAdapter({ dataDir, baseUrl: '', fetch });
    const req = request('local/image', 'x', { failWith: 'PROVIDER_TIMEOUT' });
    expect((await providerFailure(adapter.submit(req, ctx(50)))).code).toBe('PROVIDER_TIMEOUT');
  });

  it('creates a video job only on the attempt that succeeds', async () => {
    const adapter = localProvider.createAdapter({ dataDir, baseUrl: '', fetch });
    const req = request('local/video', 'x', { durationSeconds: 1, failWith: 'RATE_LIMITED', failTimes: 1 });
    await providerFailure(adapter.submit(req, ctx(1)));
    expect(await jobFiles()).toHaveLength(0);
    expect((await adapter.submit(req, ctx(2))).status).toBe('pending');
    expect(await jobFiles()).toHaveLength(1);
  });
});
