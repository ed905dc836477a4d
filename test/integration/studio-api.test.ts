import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationView } from '../../domain/generation';
import type { FrameDetailView, ProjectView, ShotDetailView } from '../../domain/studio';
import { requestJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const code = (body: Record<string, unknown>) => (body.error as { code?: string } | undefined)?.code;

/**
 * The studio (S1): two tenants (user keys of different owners) build project → episode → shot →
 * frame, attach generations at submit and later, and each sees only its own; submits inherit the
 * project's defaults; deleting a parent takes its hierarchy but never a generation.
 */
describe.skipIf(!temporalAddress)('the studio: projects, episodes, shots, frames and their generations', () => {
  let stack: Stack;
  let url: string;
  let alice: Record<string, string>;
  let bob: Record<string, string>;

  const call = (method: string, path: string, body?: unknown, who: Record<string, string> = alice) => requestJson(method, `${url}${path}`, body, who);

  async function createKey(owner: string): Promise<Record<string, string>> {
    const res = await requestJson('POST', `${url}/v1/api-keys`, { name: owner, role: 'user', owner });
    expect(res.status).toBe(201);
    return bearer(res.body.key as string);
  }

  /** A project with one episode, one shot and one frame, as `who`. */
  async function hierarchy(who: Record<string, string>, defaults?: Record<string, unknown>) {
    const project = await call('POST', '/v1/projects', { name: 'The Fox', notes: 'pilot', ...(defaults ? { defaults } : {}) }, who);
    expect(project.status, JSON.stringify(project.body)).toBe(201);
    const episode = await call('POST', `/v1/projects/${project.body.id as string}/episodes`, { name: 'Episode 1' }, who);
    expect(episode.status).toBe(201);
    const shot = await call('POST', `/v1/episodes/${episode.body.id as string}/shots`, { name: 'Shot 1', notes: 'wide, snow' }, who);
    expect(shot.status).toBe(201);
    const frame = await call('POST', `/v1/shots/${shot.body.id as string}/frames`, { name: 'Frame 1' }, who);
    expect(frame.status).toBe(201);
    return { projectId: project.body.id as string, episodeId: episode.body.id as string, shotId: shot.body.id as string, frameId: frame.body.id as string };
  }

  beforeAll(async () => {
    stack = await startStack({ keyLimits: { requestsPerMinute: 10_000, maxConcurrentGenerations: 50 } });
    url = stack.baseUrl;
    alice = await createKey(`alice-${randomUUID().slice(0, 8)}`);
    bob = await createKey(`bob-${randomUUID().slice(0, 8)}`);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('builds the hierarchy, ordered by `order` then creation, with names and notes; PATCH changes them', async () => {
    const { projectId, episodeId, shotId } = await hierarchy(alice);
    // Appended after the last without `order`; an explicit order sorts before.
    const second = await call('POST', `/v1/episodes/${episodeId}/shots`, { name: 'Shot 2' });
    expect(second.body.order).toBe(1);
    await call('POST', `/v1/episodes/${episodeId}/shots`, { name: 'Cold open', order: 0 });
    const shots = await call('GET', `/v1/episodes/${episodeId}/shots`);
    expect((shots.body.data as Array<{ name: string }>).map((s) => s.name)).toEqual(['Shot 1', 'Cold open', 'Shot 2']);
    const moved = await call('PATCH', `/v1/shots/${shotId}`, { order: 2, notes: 'moved down' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ order: 2, notes: 'moved down', episodeId, projectId });
    const reordered = await call('GET', `/v1/episodes/${episodeId}/shots`);
    expect((reordered.body.data as Array<{ name: string }>).map((s) => s.name)).toEqual(['Cold open', 'Shot 2', 'Shot 1']);

    // Pages follow the same order.
    const page1 = await call('GET', `/v1/episodes/${episodeId}/shots?limit=2`);
    expect((page1.body.data as unknown[]).length).toBe(2);
    const page2 = await call('GET', `/v1/episodes/${episodeId}/shots?limit=2&cursor=${page1.body.nextCursor as string}`);
    expect((page2.body.data as Array<{ id: string }>).map((s) => s.id)).toEqual([shotId]);
    expect(page2.body.nextCursor).toBeNull();

    const renamed = await call('PATCH', `/v1/projects/${projectId}`, { name: 'The Fox (final)', notes: 'v2' });
    expect(renamed.body).toMatchObject({ name: 'The Fox (final)', notes: 'v2' });
    expect((await call('GET', `/v1/projects/${projectId}/episodes`)).body.data).toMatchObject([{ id: episodeId, name: 'Episode 1', order: 0 }]);
    expect((await call('PATCH', `/v1/episodes/${episodeId}`, {})).status).toBe(400);
    expect(code((await call('POST', '/v1/projects', { name: 'x', owner: 'someone-else' })).body)).toBe('INVALID_REQUEST');
  });

  it('attaches generations at submit (frameId, shotId) and later; the shot lists them with their outputs', async () => {
    const { shotId, frameId } = await hierarchy(alice);
    const atFrame = await call('POST', '/v1/generations', { model: 'local/image', prompt: 'a fox at dawn', parameters: { width: 64, height: 64 }, frameId });
    expect(atFrame.status).toBe(202);
    expect(atFrame.body.frameId).toBe(frameId);
    const atShot = await call('POST', '/v1/generations', { model: 'local/image', prompt: 'a fox at dusk', parameters: { width: 64, height: 64 }, shotId });
    expect(atShot.status).toBe(202);
    expect(atShot.body.shotId).toBe(shotId);
    const loose = await call('POST', '/v1/generations', { model: 'local/image', prompt: 'a fox at noon', parameters: { width: 64, height: 64 } });
    expect(loose.body.shotId).toBeUndefined();
    for (const g of [atFrame, atShot, loose]) expect((await waitForGeneration(url, g.body.id as string)).status).toBe('succeeded');

    const attached = await call('POST', `/v1/shots/${shotId}/generations`, { generationId: loose.body.id });
    expect(attached.status).toBe(200);
    expect(attached.body.shotId).toBe(shotId);

    const shot = (await call('GET', `/v1/shots/${shotId}`)).body as unknown as ShotDetailView;
    expect(shot.frames.map((f) => f.id)).toEqual([frameId]);
    // Its own and its frame's generations, newest first, each as GET /v1/generations/{id} shows it.
    expect(shot.generations.map((g) => g.id).sort()).toEqual([atFrame.body.id, atShot.body.id, loose.body.id].sort());
    for (const g of shot.generations) {
      expect(g.status).toBe('succeeded');
      expect(g.outputs.length).toBe(1);
      expect(g.outputs[0]!.contentType).toBe('image/png');
      const asset = await fetch(g.outputs[0]!.url);
      expect(asset.status).toBe(200);
      expect((await call('GET', `/v1/generations/${g.id}`)).body).toEqual(g);
    }
    expect(shot.generations.find((g) => g.id === atFrame.body.id)?.frameId).toBe(frameId);
    const frame = (await call('GET', `/v1/frames/${frameId}`)).body as unknown as FrameDetailView;
    expect(frame.generations.map((g) => g.id)).toEqual([atFrame.body.id]);

    // Paging the shot's generations.
    const p1 = await call('GET', `/v1/shots/${shotId}/generations?limit=2`);
    const p2 = await call('GET', `/v1/shots/${shotId}/generations?limit=2&cursor=${p1.body.nextCursor as string}`);
    expect([...(p1.body.data as GenerationView[]), ...(p2.body.data as GenerationView[])].map((g) => g.id)).toEqual(shot.generations.map((g) => g.id));
    expect(p2.body.nextCursor).toBeNull();

    // Attaching elsewhere moves it; detaching leaves the generation.
    expect((await call('POST', `/v1/frames/${frameId}/generations`, { generationId: atShot.body.id })).body.frameId).toBe(frameId);
    expect(((await call('GET', `/v1/frames/${frameId}`)).body as unknown as FrameDetailView).generations.map((g) => g.id).sort()).toEqual([atFrame.body.id, atShot.body.id].sort());
    expect((await call('DELETE', `/v1/frames/${frameId}/generations/${atShot.body.id as string}`)).status).toBe(204);
    expect((await call('DELETE', `/v1/frames/${frameId}/generations/${atShot.body.id as string}`)).status).toBe(404);
    const detached = await call('GET', `/v1/generations/${atShot.body.id as string}`);
    expect(detached.status).toBe(200);
    expect(detached.body.frameId).toBeUndefined();
    expect(detached.body.shotId).toBeUndefined();
  });

  it('a submit inherits its project defaults for the fields it leaves unset; its own fields win', async () => {
    const { shotId, frameId, projectId } = await hierarchy(alice, {
      model: 'local/video',
      numberOfOutputs: 2,
      parameters: { durationSeconds: 2, fps: 4, aspectRatio: '16:9', width: 96 },
    });
    // No model: the project's; its parameters where the model takes them (local/video has no aspectRatio).
    const inherited = await call('POST', '/v1/generations', { prompt: 'waves', frameId });
    expect(inherited.status, JSON.stringify(inherited.body)).toBe(202);
    expect(inherited.body).toMatchObject({ model: 'local/video', kind: 'text-to-video' });
    expect(inherited.body.parameters).toMatchObject({ durationSeconds: 2, fps: 4, width: 96 });
    expect(inherited.body.parameters).not.toHaveProperty('aspectRatio');
    const clip = await waitForGeneration(url, inherited.body.id as string);
    expect(clip.status).toBe('succeeded');
    expect(clip.outputs[0]).toMatchObject({ width: 96 });

    // Explicit fields win, field by field.
    const own = await call('POST', '/v1/generations', { prompt: 'waves', shotId, numberOfOutputs: 1, parameters: { durationSeconds: 1 } });
    expect(own.status).toBe(202);
    expect(own.body.model).toBe('local/video');
    expect(own.body.parameters).toMatchObject({ durationSeconds: 1, fps: 4 });
    // Another model: of the project's parameters only those it takes (width), and numberOfOutputs.
    const image = await call('POST', '/v1/generations', { model: 'local/image', prompt: 'a still', shotId, parameters: { height: 64 } });
    expect(image.status).toBe(202);
    expect(image.body.parameters).toMatchObject({ width: 96, height: 64 });
    expect(image.body.parameters).not.toHaveProperty('durationSeconds');
    const still = await waitForGeneration(url, image.body.id as string);
    expect(still.outputs.map((o) => [o.width, o.height])).toEqual([[96, 64], [96, 64]]);
    // A dry run answers as the submit would.
    const dry = await call('POST', '/v1/generations?dryRun=true', { prompt: 'waves', frameId });
    expect(dry.body).toMatchObject({ dryRun: true, model: 'local/video', numberOfOutputs: 2, parameters: { durationSeconds: 2, fps: 4 } });

    // A default the model cannot take is refused, naming the project, never dropped.
    await call('PATCH', `/v1/projects/${projectId}`, { defaults: { model: 'local/video', parameters: { durationSeconds: 500 } } });
    const refused = await call('POST', '/v1/generations', { prompt: 'waves', frameId });
    expect(refused.status).toBe(400);
    expect(code(refused.body)).toBe('INVALID_PARAMETERS');
    expect((refused.body.error as { message: string }).message).toContain('project');
    // Without a default model a submit must still name a model or kind.
    await call('PATCH', `/v1/projects/${projectId}`, { defaults: {} });
    expect(code((await call('POST', '/v1/generations', { prompt: 'waves', frameId })).body)).toBe('INVALID_REQUEST');
    expect(code((await call('PATCH', `/v1/projects/${projectId}`, { defaults: { model: 'nobody/nothing' } })).body)).toBe('INVALID_REQUEST');
    expect(code((await call('POST', '/v1/generations', { model: 'local/image', prompt: 'x', frameId, shotId })).body)).toBe('INVALID_REQUEST');
    expect(code((await call('POST', '/v1/batches', { requests: [{ model: 'local/image', prompt: 'x', frameId }] })).body)).toBe('INVALID_REQUEST');
    // An experiment's allocation does not carry it (yet): refused, naming the field, not dropped.
    const viaExperiment = await call('POST', '/v1/generations', { experimentId: randomUUID(), prompt: 'x', frameId });
    expect(code(viaExperiment.body)).toBe('INVALID_REQUEST');
    expect(JSON.stringify(viaExperiment.body)).toContain('frameId');
  });

  it("another tenant's studio answers 404, and it cannot attach its generations to mine", async () => {
    const mine = await hierarchy(alice);
    const theirs = await hierarchy(bob);
    for (const path of [`/v1/projects/${mine.projectId}`, `/v1/episodes/${mine.episodeId}`, `/v1/shots/${mine.shotId}`, `/v1/frames/${mine.frameId}`, `/v1/shots/${mine.shotId}/generations`, `/v1/projects/${mine.projectId}/episodes`]) {
      const res = await call('GET', path, undefined, bob);
      expect(res.status, path).toBe(404);
      expect(code(res.body)).toBe('NOT_FOUND');
    }
    expect((await call('PATCH', `/v1/shots/${mine.shotId}`, { name: 'hijacked' }, bob)).status).toBe(404);
    expect((await call('DELETE', `/v1/projects/${mine.projectId}`, undefined, bob)).status).toBe(404);
    expect((await call('POST', `/v1/shots/${mine.shotId}/frames`, { name: 'intruder' }, bob)).status).toBe(404);
    // Lists: each sees its own projects only; an admin sees both.
    const bobsProjects = ((await call('GET', '/v1/projects?limit=100', undefined, bob)).body.data as ProjectView[]).map((p) => p.id);
    expect(bobsProjects).toContain(theirs.projectId);
    expect(bobsProjects).not.toContain(mine.projectId);
    const all = ((await requestJson('GET', `${url}/v1/projects?limit=100`)).body.data as ProjectView[]).map((p) => p.id);
    expect(all).toEqual(expect.arrayContaining([mine.projectId, theirs.projectId]));

    // Bob submits into my frame: 404, and nothing is accepted.
    const into = await call('POST', '/v1/generations', { model: 'local/image', prompt: 'x', frameId: mine.frameId }, bob);
    expect(into.status).toBe(404);
    // Bob's generation cannot go into my shot, by me or by him.
    const bobs = await call('POST', '/v1/generations', { model: 'local/image', prompt: 'bob fox', parameters: { width: 64, height: 64 }, shotId: theirs.shotId }, bob);
    expect(bobs.status).toBe(202);
    expect((await call('POST', `/v1/shots/${mine.shotId}/generations`, { generationId: bobs.body.id })).status).toBe(404);
    expect((await call('POST', `/v1/shots/${mine.shotId}/generations`, { generationId: bobs.body.id }, bob)).status).toBe(404);
    // An admin sees both, but cannot mix owners.
    const mixed = await requestJson('POST', `${url}/v1/shots/${mine.shotId}/generations`, { generationId: bobs.body.id });
    expect(mixed.status).toBe(403);
    expect(((await call('GET', `/v1/shots/${mine.shotId}`)).body as unknown as ShotDetailView).generations).toEqual([]);
    // Bob's own shot still shows it; an admin reads it too.
    expect(((await call('GET', `/v1/shots/${theirs.shotId}`, undefined, bob)).body as unknown as ShotDetailView).generations.map((g) => g.id)).toEqual([bobs.body.id]);
    expect((await requestJson('GET', `${url}/v1/shots/${theirs.shotId}`)).status).toBe(200);
  });

  it('deleting a parent deletes what is below it and detaches, never deletes, its generations', async () => {
    const { projectId, episodeId, shotId, frameId } = await hierarchy(alice);
    const atFrame = await call('POST', '/v1/generations', { model: 'local/image', prompt: 'kept', parameters: { width: 64, height: 64 }, frameId });
    const atShot = await call('POST', '/v1/generations', { model: 'local/image', prompt: 'kept too', parameters: { width: 64, height: 64 }, shotId });
    await waitForGeneration(url, atFrame.body.id as string);
    await waitForGeneration(url, atShot.body.id as string);

    expect((await call('DELETE', `/v1/frames/${frameId}`)).status).toBe(204);
    expect((await call('GET', `/v1/frames/${frameId}`)).status).toBe(404);
    const afterFrame = await call('GET', `/v1/generations/${atFrame.body.id as string}`);
    expect(afterFrame.status).toBe(200);
    expect(afterFrame.body.frameId).toBeUndefined();
    expect(((await call('GET', `/v1/shots/${shotId}`)).body as unknown as ShotDetailView).generations.map((g) => g.id)).toEqual([atShot.body.id]);

    expect((await call('DELETE', `/v1/projects/${projectId}`)).status).toBe(204);
    for (const path of [`/v1/projects/${projectId}`, `/v1/episodes/${episodeId}`, `/v1/shots/${shotId}`]) expect((await call('GET', path)).status, path).toBe(404);
    const afterProject = await call('GET', `/v1/generations/${atShot.body.id as string}`);
    expect(afterProject.status).toBe(200);
    expect(afterProject.body.status).toBe('succeeded');
    expect(afterProject.body.shotId).toBeUndefined();
    expect((afterProject.body.outputs as unknown[]).length).toBe(1);
    expect((await call('DELETE', `/v1/projects/${projectId}`)).status).toBe(404);

    // Deleting an attached generation is the generations' own rule (and leaves the shot).
    const again = await hierarchy(alice);
    const g = await call('POST', '/v1/generations', { model: 'local/image', prompt: 'gone', parameters: { width: 64, height: 64 }, shotId: again.shotId });
    await waitForGeneration(url, g.body.id as string);
    expect((await call('DELETE', `/v1/generations/${g.body.id as string}`, undefined, bob)).status).toBe(404);
    expect((await call('DELETE', `/v1/generations/${g.body.id as string}`)).status).toBe(204);
    const shot = await call('GET', `/v1/shots/${again.shotId}`);
    expect(shot.status).toBe(200);
    expect((shot.body as unknown as ShotDetailView).generations).toEqual([]);
  });
});
