import { z } from 'zod';
import { createExperimentBody } from '../../domain/experiment';
import type { RouteDoc } from '../openapi/registry';
import { experimentListSchema, experimentResultsSchema, experimentSchema } from '../openapi/view-schemas';
import { listQuery, resultsQuery } from './experiments';

const tag = 'Experiments';
const idParams = z.object({ id: z.string().describe('Experiment id') });

const action = (name: string, summary: string): RouteDoc => ({
  method: 'post',
  path: `/v1/experiments/:id/${name}`,
  tag,
  access: 'admin',
  summary,
  params: idParams,
  responses: { 200: { description: 'The experiment after the change', schema: experimentSchema } },
  errors: ['NOT_FOUND', 'CONFLICT', 'UNAVAILABLE'],
});

export const experimentDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/experiments',
    tag,
    access: 'admin',
    summary: 'Define an A/B experiment (as a draft)',
    body: { json: createExperimentBody },
    responses: { 201: { description: 'The experiment, in `draft`', schema: experimentSchema } },
    errors: ['INVALID_PARAMETERS', 'UNAVAILABLE'],
  },
  {
    method: 'get',
    path: '/v1/experiments',
    tag,
    access: 'admin',
    summary: 'List experiments, newest first',
    query: listQuery,
    responses: { 200: { description: 'Experiments', schema: experimentListSchema } },
  },
  {
    method: 'get',
    path: '/v1/experiments/:id',
    tag,
    access: 'admin',
    summary: 'Get an experiment',
    params: idParams,
    responses: { 200: { description: 'The experiment', schema: experimentSchema } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'get',
    path: '/v1/experiments/:id/results',
    tag,
    access: 'admin',
    summary: 'Results: per-variant metrics, comparisons with the control, recommendation',
    params: idParams,
    query: resultsQuery,
    responses: { 200: { description: 'The results', schema: experimentResultsSchema } },
    errors: ['NOT_FOUND', 'UNAVAILABLE'],
  },
  action('start', 'Start a draft experiment'),
  action('pause', 'Pause a running experiment'),
  action('resume', 'Resume a paused experiment'),
  action('complete', 'Complete an experiment'),
];
