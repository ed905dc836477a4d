import { z } from 'zod';
import { attachBody, createNodeBody, createProjectBody, patchNodeBody, patchProjectBody, type StudioLevel } from '../../domain/studio';
import type { RouteDoc } from '../openapi/registry';
import {
  episodeListSchema,
  episodeSchema,
  frameDetailSchema,
  frameListSchema,
  frameSchema,
  projectListSchema,
  projectSchema,
  shotDetailSchema,
  shotListSchema,
  shotSchema,
  studioGenerationListSchema,
} from '../openapi/studio-schemas';
import { generationSchema } from '../openapi/view-schemas';
import { detailQuery, generationListQuery, nodeListQuery, projectListQuery, STUDIO_PATHS } from './studio';

const tag = 'Studio';
const idParams = (what: string) => z.object({ id: z.uuid().describe(`${what} id`) });
const OWNERSHIP = 'A user key sees its own owner\'s studio; an admin key everyone\'s. Another owner\'s id answers 404, like one that does not exist.';

const LEVEL_DOCS: Record<StudioLevel, { name: string; parentName: string; schema: z.ZodType; list: z.ZodType; get: { schema: z.ZodType; description?: string } }> = {
  episode: { name: 'Episode', parentName: 'Project', schema: episodeSchema, list: episodeListSchema, get: { schema: episodeSchema } },
  shot: {
    name: 'Shot',
    parentName: 'Episode',
    schema: shotSchema,
    list: shotListSchema,
    get: { schema: shotDetailSchema, description: "With its frames in order and its newest generations (its own and its frames'), each with its outputs, as GET /v1/generations/{id} shows them." },
  },
  frame: {
    name: 'Frame',
    parentName: 'Shot',
    schema: frameSchema,
    list: frameListSchema,
    get: { schema: frameDetailSchema, description: 'With its newest generations, each with its outputs, as GET /v1/generations/{id} shows them.' },
  },
};
const CASCADE: Record<StudioLevel, string> = {
  episode: 'its shots and their frames',
  shot: 'its frames',
  frame: 'nothing below it',
};

function levelDocs(level: StudioLevel): RouteDoc[] {
  const { parent, self } = STUDIO_PATHS[level];
  const d = LEVEL_DOCS[level];
  const lower = d.name.toLowerCase();
  return [
    {
      method: 'post',
      path: `/v1/${parent}/:id/${self}`,
      tag,
      access: 'key',
      summary: `Create a ${lower} in a ${d.parentName.toLowerCase()}`,
      description: `Without \`order\` it goes after the last. ${OWNERSHIP}`,
      params: idParams(d.parentName),
      body: { json: createNodeBody },
      responses: { 201: { description: `The ${lower}`, schema: d.schema } },
      errors: ['NOT_FOUND'],
    },
    {
      method: 'get',
      path: `/v1/${parent}/:id/${self}`,
      tag,
      access: 'key',
      summary: `List a ${d.parentName.toLowerCase()}'s ${self} by order, then creation`,
      params: idParams(d.parentName),
      query: nodeListQuery,
      responses: { 200: { description: `A page of ${self}`, schema: d.list } },
      errors: ['NOT_FOUND'],
    },
    {
      method: 'get',
      path: `/v1/${self}/:id`,
      tag,
      access: 'key',
      summary: `Get a ${lower}`,
      ...(d.get.description ? { description: d.get.description } : {}),
      params: idParams(d.name),
      ...(level === 'episode' ? {} : { query: detailQuery }),
      responses: { 200: { description: `The ${lower}`, schema: d.get.schema } },
      errors: ['NOT_FOUND'],
    },
    {
      method: 'patch',
      path: `/v1/${self}/:id`,
      tag,
      access: 'key',
      summary: `Rename, reorder or annotate a ${lower}`,
      params: idParams(d.name),
      body: { json: patchNodeBody },
      responses: { 200: { description: `The ${lower}`, schema: d.schema } },
      errors: ['NOT_FOUND'],
    },
    {
      method: 'delete',
      path: `/v1/${self}/:id`,
      tag,
      access: 'key',
      summary: `Delete a ${lower} and ${CASCADE[level]}`,
      description: 'Generations attached anywhere in what is deleted are kept, detached (DELETE /v1/generations/{id} deletes a generation).',
      params: idParams(d.name),
      responses: { 204: { description: 'Deleted' } },
      errors: ['NOT_FOUND'],
    },
  ];
}

function attachmentDocs(level: 'shot' | 'frame'): RouteDoc[] {
  const { self } = STUDIO_PATHS[level];
  const name = LEVEL_DOCS[level].name;
  return [
    {
      method: 'get',
      path: `/v1/${self}/:id/generations`,
      tag,
      access: 'key',
      summary: `List a ${level}'s generations, newest first, with their outputs`,
      ...(level === 'shot' ? { description: "A shot's generations include those attached to its frames (each names its `frameId`)." } : {}),
      params: idParams(name),
      query: generationListQuery,
      responses: { 200: { description: 'A page of generations', schema: studioGenerationListSchema } },
      errors: ['NOT_FOUND'],
    },
    {
      method: 'post',
      path: `/v1/${self}/:id/generations`,
      tag,
      access: 'key',
      summary: `Attach a generation to a ${level}`,
      description:
        'A generation has one place in the studio: attaching it here moves it from any other shot or frame. It must be the caller\'s (another owner\'s answers 404); ' +
        'an admin key cannot attach one owner\'s generation to another owner\'s project (403).',
      params: idParams(name),
      body: { json: attachBody },
      responses: { 200: { description: 'The generation, attached', schema: generationSchema } },
      errors: ['NOT_FOUND', 'FORBIDDEN'],
    },
    {
      method: 'delete',
      path: `/v1/${self}/:id/generations/:generationId`,
      tag,
      access: 'key',
      summary: `Detach a generation from a ${level} (the generation stays)`,
      params: z.object({ id: z.uuid().describe(`${name} id`), generationId: z.uuid().describe('Generation id') }),
      responses: { 204: { description: 'Detached' } },
      errors: ['NOT_FOUND'],
    },
  ];
}

export const studioDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/projects',
    tag,
    access: 'key',
    summary: 'Create a studio project',
    description: `It belongs to the key's owner. \`defaults\` are what a submit attached to the project (by \`frameId\` or \`shotId\`) inherits for the fields it leaves unset.`,
    body: { json: createProjectBody },
    responses: { 201: { description: 'The project', schema: projectSchema } },
  },
  {
    method: 'get',
    path: '/v1/projects',
    tag,
    access: 'key',
    summary: 'List projects, newest first',
    description: OWNERSHIP,
    query: projectListQuery,
    responses: { 200: { description: 'A page of projects', schema: projectListSchema } },
  },
  {
    method: 'get',
    path: '/v1/projects/:id',
    tag,
    access: 'key',
    summary: 'Get a project',
    params: idParams('Project'),
    responses: { 200: { description: 'The project', schema: projectSchema } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'patch',
    path: '/v1/projects/:id',
    tag,
    access: 'key',
    summary: 'Rename, annotate or change the defaults of a project',
    params: idParams('Project'),
    body: { json: patchProjectBody },
    responses: { 200: { description: 'The project', schema: projectSchema } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'delete',
    path: '/v1/projects/:id',
    tag,
    access: 'key',
    summary: 'Delete a project with its episodes, shots and frames',
    description: 'Generations attached anywhere in it are kept, detached (DELETE /v1/generations/{id} deletes a generation).',
    params: idParams('Project'),
    responses: { 204: { description: 'Deleted' } },
    errors: ['NOT_FOUND'],
  },
  ...levelDocs('episode'),
  ...levelDocs('shot'),
  ...levelDocs('frame'),
  ...attachmentDocs('shot'),
  ...attachmentDocs('frame'),
];
