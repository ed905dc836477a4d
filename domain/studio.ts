import { z } from 'zod';
import type { GenerationView } from './generation';

/**
 * The studio (S1): a production hierarchy project → episode → shot → frame in which generations
 * are organised. Every level has a name, an order among its siblings and free notes; a project
 * also carries the generation settings its submits inherit (S3's project-level video defaults).
 */

export const MAX_STUDIO_NOTES = 10_000;
export const MAX_STUDIO_ORDER = 1_000_000;

const name = z.string().trim().min(1, 'name must not be empty').max(200);
const notes = z.string().max(MAX_STUDIO_NOTES);
const order = z.int().min(0).max(MAX_STUDIO_ORDER).describe('Position among its siblings (lists are ordered by it, then by creation); default: after the last');

/**
 * What a submit attached to the project inherits for the fields it leaves unset. `parameters`
 * holds normalised parameters such as the video ones (`durationSeconds`, `aspectRatio`,
 * `resolution`); each is applied only to a model whose parameters have it, so a video default
 * does not break an image submit in the same project.
 */
export const projectDefaultsSchema = z
  .strictObject({
    model: z.string().min(1).max(200).optional().describe('The model of a submit that names neither `model` nor a `kind` this model lacks'),
    numberOfOutputs: z.int().min(1).max(4).optional(),
    parameters: z
      .record(z.string().regex(/^[A-Za-z0-9_]{1,64}$/, 'parameter names are 1-64 letters, digits or _'), z.union([z.string().max(256), z.number(), z.boolean()]))
      .refine((p) => Object.keys(p).length <= 32, 'at most 32 parameters')
      .optional()
      .describe('Parameters a submit inherits when it does not set them and its model takes them, e.g. {"durationSeconds":5,"aspectRatio":"16:9","resolution":"720p"}'),
  })
  .describe("Generation settings a submit attached to the project (by frameId or shotId) inherits for the fields it leaves unset; the request's own fields win");
export type ProjectDefaults = z.infer<typeof projectDefaultsSchema>;

export const createProjectBody = z.strictObject({ name, notes: notes.optional(), defaults: projectDefaultsSchema.optional() });
export const patchProjectBody = z
  .strictObject({ name: name.optional(), notes: notes.optional(), defaults: projectDefaultsSchema.optional().describe('Replaces the defaults as a whole') })
  .refine((b) => Object.keys(b).length > 0, 'give at least one of name, notes, defaults');
export const createNodeBody = z.strictObject({ name, order: order.optional(), notes: notes.optional() });
export const patchNodeBody = z
  .strictObject({ name: name.optional(), order: order.optional(), notes: notes.optional() })
  .refine((b) => Object.keys(b).length > 0, 'give at least one of name, order, notes');
export const attachBody = z.strictObject({ generationId: z.uuid() });

export type CreateProjectBody = z.infer<typeof createProjectBody>;
export type PatchProjectBody = z.infer<typeof patchProjectBody>;
export type CreateNodeBody = z.infer<typeof createNodeBody>;
export type PatchNodeBody = z.infer<typeof patchNodeBody>;

/** The three levels under a project. */
export type StudioLevel = 'episode' | 'shot' | 'frame';

export interface ProjectView {
  id: string;
  name: string;
  notes: string;
  defaults: ProjectDefaults;
  createdAt: string;
  updatedAt: string;
}

interface NodeView {
  id: string;
  projectId: string;
  name: string;
  order: number;
  notes: string;
  createdAt: string;
  updatedAt: string;
}
export type EpisodeView = NodeView;
export interface ShotView extends NodeView {
  episodeId: string;
}
export interface FrameView extends NodeView {
  shotId: string;
}

/** `GET /v1/shots/:id`: the shot, its frames in order, and its newest generations (its own and its frames'). */
export interface ShotDetailView extends ShotView {
  frames: FrameView[];
  framesNextCursor: string | null;
  generations: GenerationView[];
  generationsNextCursor: string | null;
}

/** `GET /v1/frames/:id`: the frame and its newest generations. */
export interface FrameDetailView extends FrameView {
  generations: GenerationView[];
  generationsNextCursor: string | null;
}
