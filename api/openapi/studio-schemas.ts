import { z } from 'zod';
import { projectDefaultsSchema, type EpisodeView, type FrameDetailView, type FrameView, type ProjectView, type ShotDetailView, type ShotView } from '../../domain/studio';
import { generationSchema } from './view-schemas';

/** The studio's answers (views built in api/studio-service.ts); checked against the views below. */
const isoDate = z.iso.datetime({ offset: true });
const nextCursor = z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page');

export const projectSchema = z
  .strictObject({ id: z.uuid(), name: z.string(), notes: z.string(), defaults: projectDefaultsSchema, createdAt: isoDate, updatedAt: isoDate })
  .meta({ title: 'Project' });
const nodeFields = {
  id: z.uuid(),
  projectId: z.uuid(),
  name: z.string(),
  order: z.int().min(0),
  notes: z.string(),
  createdAt: isoDate,
  updatedAt: isoDate,
};
export const episodeSchema = z.strictObject(nodeFields).meta({ title: 'Episode' });
export const shotSchema = z.strictObject({ ...nodeFields, episodeId: z.uuid() }).meta({ title: 'Shot' });
export const frameSchema = z.strictObject({ ...nodeFields, shotId: z.uuid() }).meta({ title: 'Frame' });
export const shotDetailSchema = z
  .strictObject({
    ...nodeFields,
    episodeId: z.uuid(),
    frames: z.array(frameSchema).describe('Its frames in order (the first 100; GET /v1/shots/{id}/frames pages on)'),
    framesNextCursor: nextCursor,
    generations: z.array(generationSchema).describe("Its generations and its frames', newest first, with their outputs"),
    generationsNextCursor: nextCursor.describe('Pass as `cursor` to GET /v1/shots/{id}/generations for more; null when none'),
  })
  .meta({ title: 'ShotDetail' });
export const frameDetailSchema = z
  .strictObject({
    ...nodeFields,
    shotId: z.uuid(),
    generations: z.array(generationSchema).describe('Its generations, newest first, with their outputs'),
    generationsNextCursor: nextCursor.describe('Pass as `cursor` to GET /v1/frames/{id}/generations for more; null when none'),
  })
  .meta({ title: 'FrameDetail' });

export const projectListSchema = z.strictObject({ data: z.array(projectSchema), nextCursor });
export const episodeListSchema = z.strictObject({ data: z.array(episodeSchema), nextCursor });
export const shotListSchema = z.strictObject({ data: z.array(shotSchema), nextCursor });
export const frameListSchema = z.strictObject({ data: z.array(frameSchema), nextCursor });
export const studioGenerationListSchema = z.strictObject({ data: z.array(generationSchema), nextCursor });

// Compile-time agreement of views and schemas, as in view-schemas.ts.
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
type Out<S extends z.ZodType> = z.output<S>;
export const _studioSchemaChecks = [
  (v: ProjectView): Out<typeof projectSchema> => v,
  (v: Out<typeof projectSchema>): ProjectView => v,
  (v: EpisodeView): Out<typeof episodeSchema> => v,
  (v: ShotView): Out<typeof shotSchema> => v,
  (v: FrameView): Out<typeof frameSchema> => v,
  (v: ShotDetailView): Out<typeof shotDetailSchema> => v,
  (v: Out<typeof shotDetailSchema>): ShotDetailView => v,
  (v: FrameDetailView): Out<typeof frameDetailSchema> => v,
  (v: Out<typeof frameDetailSchema>): FrameDetailView => v,
];
export const _studioKeyChecks: [
  SameKeys<ProjectView, Out<typeof projectSchema>>,
  SameKeys<EpisodeView, Out<typeof episodeSchema>>,
  SameKeys<ShotView, Out<typeof shotSchema>>,
  SameKeys<FrameView, Out<typeof frameSchema>>,
  SameKeys<ShotDetailView, Out<typeof shotDetailSchema>>,
  SameKeys<FrameDetailView, Out<typeof frameDetailSchema>>,
] = [true, true, true, true, true, true];
