import { idempotencyHeader } from '../idempotency-key';
import type { RouteDoc } from '../openapi/registry';
import { openAiEditForm, openAiGenerationBody, openAiImagesResponse } from '../openapi/openai-schemas';

const tag = 'OpenAI-compatible';
const generationOutcomes = ['INVALID_PARAMETERS', 'UNSUPPORTED_CAPABILITY', 'INPUT_FETCH_FAILED', 'CONTENT_REJECTED', 'CONFLICT', 'CANCELED', 'QUOTA_EXCEEDED', 'RATE_LIMITED', 'PROVIDER_ERROR', 'PROVIDER_UNAVAILABLE', 'PROVIDER_TIMEOUT', 'PROVIDER_KEY_UNAVAILABLE', 'TASK_TIMEOUT', 'STORAGE_FAILED', 'UNAVAILABLE'] as const;
const headers = { 'X-Genflow-Generation-Id': 'The genflow generation behind the answer (GET /v1/generations/{id})' };

export const openAiImageDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/images/generations',
    tag,
    access: 'key',
    summary: 'Create images (OpenAI Images API format)',
    description:
      'For OpenAI clients (`baseURL` = `<genflow>/v1`). Runs an ordinary durable generation and waits for it. `model`: a genflow model id, or an OpenAI name / none for the default text-to-image model. ' +
      'Errors use OpenAI\'s shape `{ error: { message, type, param, code } }` with the genflow code as `code`.',
    headers: idempotencyHeader('generation\'s images'),
    body: { json: openAiGenerationBody },
    responses: { 200: { description: 'The images', schema: openAiImagesResponse, headers } },
    errors: [...generationOutcomes],
    errorShape: 'openai',
  },
  {
    method: 'post',
    path: '/v1/images/edits',
    tag,
    access: 'key',
    summary: 'Edit images (OpenAI Images API format, multipart)',
    description: 'As images/generations, with the image(s) to edit as files; an OpenAI name / none selects the default image-to-image model.',
    headers: idempotencyHeader('generation\'s images'),
    body: { multipart: openAiEditForm },
    responses: { 200: { description: 'The images', schema: openAiImagesResponse, headers } },
    errors: [...generationOutcomes],
    errorShape: 'openai',
  },
];
