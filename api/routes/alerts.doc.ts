import { z } from 'zod';
import type { RouteDoc } from '../openapi/registry';
import { alertListSchema, alertSchema, errorLogListSchema } from '../openapi/view-schemas';
import { ackBody, alertsQuery, errorsQuery } from './alerts';

const tag = 'Operations';

export const alertDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/errors',
    tag,
    access: 'admin',
    summary: 'The error log: every failed provider call and step, newest first',
    query: errorsQuery,
    responses: { 200: { description: 'A page of errors', schema: errorLogListSchema } },
  },
  {
    method: 'get',
    path: '/v1/alerts',
    tag,
    access: 'admin',
    summary: 'Alerts raised from the error log, newest first',
    query: alertsQuery,
    responses: { 200: { description: 'A page of alerts', schema: alertListSchema } },
  },
  {
    method: 'post',
    path: '/v1/alerts/:id/acknowledge',
    tag,
    access: 'admin',
    summary: 'Acknowledge an alert',
    params: z.object({ id: z.uuid().describe('Alert id') }),
    body: { json: ackBody, required: false },
    responses: { 200: { description: 'The acknowledged alert', schema: alertSchema } },
    errors: ['NOT_FOUND', 'CONFLICT'],
  },
];
