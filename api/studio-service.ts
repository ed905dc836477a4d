import type { Principal } from '../domain/accounts';
import { GenflowError } from '../domain/errors';
import type { GenerationView } from '../domain/generation';
import type {
  CreateNodeBody,
  CreateProjectBody,
  FrameDetailView,
  FrameView,
  PatchNodeBody,
  PatchProjectBody,
  ProjectView,
  ShotDetailView,
  ShotView,
  StudioLevel,
  EpisodeView,
} from '../domain/studio';
import { decodeCursor, encodeCursor } from '../db/generation-search';
import type { GenerationsRepo } from '../db/generations-repo';
import type { StudioProjectRow } from '../db/schema';
import type { AttachTarget, NodeCursor, OwnedNode, StudioNodeRow, StudioRepo } from '../db/studio-repo';
import { canSee, ownerScope } from './auth';
import { checkProjectDefaults } from './studio-attach';
import type { ModelCatalogue } from '../providers/catalogue';
import { generationView } from '../views/generation-views';

const iso = (d: Date | string): string => new Date(d).toISOString();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The parent level of each level, and the word used in messages. */
const PARENT: Record<StudioLevel, 'project' | StudioLevel> = { episode: 'project', shot: 'episode', frame: 'shot' };

export function projectView(row: StudioProjectRow): ProjectView {
  return { id: row.id, name: row.name, notes: row.notes, defaults: row.defaults, createdAt: iso(row.created_at), updatedAt: iso(row.updated_at) };
}

export function nodeView(level: 'episode', row: StudioNodeRow): EpisodeView;
export function nodeView(level: 'shot', row: StudioNodeRow): ShotView;
export function nodeView(level: 'frame', row: StudioNodeRow): FrameView;
export function nodeView(level: StudioLevel, row: StudioNodeRow): EpisodeView | ShotView | FrameView;
export function nodeView(level: StudioLevel, row: StudioNodeRow): EpisodeView | ShotView | FrameView {
  const base = { id: row.id, projectId: row.project_id, name: row.name, order: row.position, notes: row.notes, createdAt: iso(row.created_at), updatedAt: iso(row.updated_at) };
  if (level === 'shot') return { ...base, episodeId: row.episode_id ?? '' };
  if (level === 'frame') return { ...base, shotId: row.shot_id ?? '' };
  return base;
}

export function encodeNodeCursor(row: StudioNodeRow): string {
  return Buffer.from(`${row.position}|${iso(row.created_at)}|${row.id}`).toString('base64url');
}

function decodeNodeCursor(cursor: string): NodeCursor {
  const [position, at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!id || !UUID.test(id) || !/^\d{1,7}$/.test(position ?? '') || Number.isNaN(createdAt.getTime())) {
    throw new GenflowError('INVALID_REQUEST', 'query.cursor: not a cursor from this API');
  }
  return { position: Number(position), createdAt, id };
}

function newestCursor(cursor: string | undefined) {
  if (cursor === undefined) return undefined;
  const position = decodeCursor(cursor);
  // Only ids this API made: anything else (a NUL, say) must not reach the database as text.
  if (!position || !UUID.test(position.id)) throw new GenflowError('INVALID_REQUEST', 'query.cursor: not a cursor from this API');
  return position;
}

export interface StudioServiceDeps {
  studio: StudioRepo;
  generations: GenerationsRepo;
  /** Where a project's default model is checked. */
  catalogue: ModelCatalogue;
}

/**
 * The studio's resources under the API's ownership rules: a project belongs to the owner of the
 * key that created it, and everything below it with it. A user key sees only its owner's; an
 * admin key sees all. Anyone else's id answers 404, exactly like an id that does not exist.
 */
export function createStudioService(deps: StudioServiceDeps) {
  const { studio, generations } = deps;

  async function project(id: string, caller: Principal): Promise<StudioProjectRow> {
    const row = UUID.test(id) ? await studio.findProject(id) : undefined;
    if (!row || !canSee(caller, row.owner)) throw new GenflowError('NOT_FOUND', `no project with id '${id}'`);
    return row;
  }

  async function node(level: StudioLevel, id: string, caller: Principal): Promise<OwnedNode> {
    const row = UUID.test(id) ? await studio.findNode(level, id) : undefined;
    if (!row || !canSee(caller, row.owner)) throw new GenflowError('NOT_FOUND', `no ${level} with id '${id}'`);
    return row;
  }

  /** The parent a new node goes under, with its project; 404 like any unseen id. */
  async function parentOf(level: StudioLevel, parentId: string, caller: Principal): Promise<{ projectId: string }> {
    const parent = PARENT[level];
    if (parent === 'project') return { projectId: (await project(parentId, caller)).id };
    return { projectId: (await node(parent, parentId, caller)).project_id };
  }

  async function generationPage(target: AttachTarget, baseUrl: string, cursor: string | undefined, limit: number): Promise<{ data: GenerationView[]; nextCursor: string | null }> {
    const rows = await studio.listGenerations(target, newestCursor(cursor), limit + 1);
    const shown = rows.slice(0, limit);
    const assets = await generations.listAssetsFor(shown.map((r) => r.id));
    const last = shown.at(-1);
    return {
      data: shown.map((r) => generationView(r, assets.get(r.id) ?? [], baseUrl)),
      nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
    };
  }

  async function nodePage(level: StudioLevel, parentId: string, cursor: string | undefined, limit: number) {
    const rows = await studio.listNodes(level, parentId, cursor === undefined ? undefined : decodeNodeCursor(cursor), limit + 1);
    const shown = rows.slice(0, limit);
    const last = shown.at(-1);
    return { data: shown.map((r) => nodeView(level, r)), nextCursor: rows.length > limit && last ? encodeNodeCursor(last) : null };
  }

  return {
    async createProject(body: CreateProjectBody, caller: Principal): Promise<ProjectView> {
      const defaults = body.defaults ?? {};
      checkProjectDefaults(defaults, deps.catalogue);
      return projectView(await studio.insertProject({ owner: caller.owner, name: body.name, notes: body.notes ?? '', defaults }));
    },

    async listProjects(caller: Principal, cursor: string | undefined, limit: number): Promise<{ data: ProjectView[]; nextCursor: string | null }> {
      const owner = ownerScope(caller);
      const rows = await studio.listProjects({ ...(owner !== undefined ? { owner } : {}), ...(cursor !== undefined ? { before: newestCursor(cursor)! } : {}), limit: limit + 1 });
      const shown = rows.slice(0, limit);
      const last = shown.at(-1);
      return { data: shown.map(projectView), nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
    },

    async getProject(id: string, caller: Principal): Promise<ProjectView> {
      return projectView(await project(id, caller));
    },

    async patchProject(id: string, body: PatchProjectBody, caller: Principal): Promise<ProjectView> {
      const row = await project(id, caller);
      if (body.defaults) checkProjectDefaults(body.defaults, deps.catalogue);
      const updated = await studio.updateProject(row.id, body);
      if (!updated) throw new GenflowError('NOT_FOUND', `no project with id '${id}'`);
      return projectView(updated);
    },

    async deleteProject(id: string, caller: Principal): Promise<void> {
      await studio.deleteProject((await project(id, caller)).id);
    },

    async createNode(level: StudioLevel, parentId: string, body: CreateNodeBody, caller: Principal) {
      const { projectId } = await parentOf(level, parentId, caller);
      const row = await studio.insertNode(level, {
        parentId,
        projectId,
        name: body.name,
        notes: body.notes ?? '',
        ...(body.order !== undefined ? { position: body.order } : {}),
      });
      return nodeView(level, row);
    },

    async listNodes(level: StudioLevel, parentId: string, caller: Principal, cursor: string | undefined, limit: number) {
      await parentOf(level, parentId, caller);
      return nodePage(level, parentId, cursor, limit);
    },

    async getNode(level: 'episode', id: string, caller: Principal): Promise<EpisodeView> {
      return nodeView(level, await node(level, id, caller));
    },

    async getShot(id: string, caller: Principal, baseUrl: string, limit: number): Promise<ShotDetailView> {
      const row = await node('shot', id, caller);
      const [frames, gens] = await Promise.all([nodePage('frame', row.id, undefined, 100), generationPage({ shotId: row.id }, baseUrl, undefined, limit)]);
      return { ...nodeView('shot', row), frames: frames.data as FrameView[], framesNextCursor: frames.nextCursor, generations: gens.data, generationsNextCursor: gens.nextCursor };
    },

    async getFrame(id: string, caller: Principal, baseUrl: string, limit: number): Promise<FrameDetailView> {
      const row = await node('frame', id, caller);
      const gens = await generationPage({ frameId: row.id }, baseUrl, undefined, limit);
      return { ...nodeView('frame', row), generations: gens.data, generationsNextCursor: gens.nextCursor };
    },

    async patchNode(level: StudioLevel, id: string, body: PatchNodeBody, caller: Principal) {
      const row = await node(level, id, caller);
      const updated = await studio.updateNode(level, row.id, { ...(body.name !== undefined ? { name: body.name } : {}), ...(body.notes !== undefined ? { notes: body.notes } : {}), ...(body.order !== undefined ? { position: body.order } : {}) });
      if (!updated) throw new GenflowError('NOT_FOUND', `no ${level} with id '${id}'`);
      return nodeView(level, updated);
    },

    async deleteNode(level: StudioLevel, id: string, caller: Principal): Promise<void> {
      await studio.deleteNode(level, (await node(level, id, caller)).id);
    },

    async listGenerations(level: 'shot' | 'frame', id: string, caller: Principal, baseUrl: string, cursor: string | undefined, limit: number) {
      const row = await node(level, id, caller);
      return generationPage(level === 'shot' ? { shotId: row.id } : { frameId: row.id }, baseUrl, cursor, limit);
    },

    /**
     * Attaches one of the caller's generations to a shot or frame (moving it from where it was).
     * A generation joins only its own owner's projects: another tenant's generation answers 404
     * to a user key, and an admin mixing two owners gets 403.
     */
    async attach(level: 'shot' | 'frame', id: string, generationId: string, caller: Principal, baseUrl: string): Promise<GenerationView> {
      const row = await node(level, id, caller);
      const generation = await generations.findById(generationId);
      if (!generation || !canSee(caller, generation.owner)) throw new GenflowError('NOT_FOUND', `no generation with id '${generationId}'`);
      if (generation.owner !== row.owner) {
        throw new GenflowError('FORBIDDEN', `generation ${generation.id} belongs to another owner than this ${level}'s project; a generation joins only its own owner's projects`);
      }
      const updated = await studio.attach(generation.id, level === 'shot' ? { shotId: row.id } : { frameId: row.id });
      if (!updated) throw new GenflowError('NOT_FOUND', `no generation with id '${generationId}'`);
      return generationView(updated, await generations.listAssets(updated.id), baseUrl);
    },

    /** Detaches a generation from this shot or frame; the generation itself stays. */
    async detach(level: 'shot' | 'frame', id: string, generationId: string, caller: Principal): Promise<void> {
      const row = await node(level, id, caller);
      const detached = UUID.test(generationId) && (await studio.detach(generationId, level === 'shot' ? { shotId: row.id } : { frameId: row.id }));
      if (!detached) throw new GenflowError('NOT_FOUND', `generation '${generationId}' is not attached to this ${level}`);
    },
  };
}
export type StudioService = ReturnType<typeof createStudioService>;
