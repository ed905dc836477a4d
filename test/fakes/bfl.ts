import { randomUUID } from 'node:crypto';
import { type FakeRequest, type FakeResponse } from './fake-server';
import { sampleImage } from './sample-image';
import { ProviderFake } from './provider-fake';

type FieldRule =
  | { type: 'string'; required?: boolean }
  | { type: 'boolean' }
  | { type: 'integer'; min: number; max: number; multipleOf?: number }
  | { type: 'number'; min: number; max: number }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'ratio' };

const COMMON: Record<string, FieldRule> = {
  prompt: { type: 'string', required: true },
  seed: { type: 'integer', min: 0, max: 2 ** 32 },
  prompt_upsampling: { type: 'boolean' },
  safety_tolerance: { type: 'integer', min: 0, max: 6 },
  output_format: { type: 'enum', values: ['jpeg', 'png'] },
  webhook_url: { type: 'string' },
  webhook_secret: { type: 'string' },
};
const SIZE: Record<string, FieldRule> = {
  width: { type: 'integer', min: 256, max: 1440, multipleOf: 32 },
  height: { type: 'integer', min: 256, max: 1440, multipleOf: 32 },
  image_prompt: { type: 'string' },
};
const KONTEXT: Record<string, FieldRule> = {
  ...COMMON,
  aspect_ratio: { type: 'ratio' },
  input_image: { type: 'string' },
  input_image_2: { type: 'string' },
  input_image_3: { type: 'string' },
  input_image_4: { type: 'string' },
};

/** Request bodies of BFL's model endpoints (api.bfl.ai/openapi.json). */
const ENDPOINTS: Record<string, Record<string, FieldRule>> = {
  'flux-pro-1.1': { ...COMMON, ...SIZE },
  'flux-pro-1.1-ultra': { ...COMMON, aspect_ratio: { type: 'ratio' }, raw: { type: 'boolean' }, image_prompt: { type: 'string' }, image_prompt_strength: { type: 'number', min: 0, max: 1 } },
  'flux-dev': { ...COMMON, ...SIZE, steps: { type: 'integer', min: 1, max: 50 }, guidance: { type: 'number', min: 1.5, max: 5 } },
  'flux-kontext-pro': KONTEXT,
  'flux-kontext-max': KONTEXT,
};

export type BflOutcome = 'Ready' | 'Error' | 'Content Moderated' | 'Request Moderated';

interface Task {
  id: string;
  endpoint: string;
  body: Record<string, unknown>;
  polls: number;
  outcome: BflOutcome;
  sample?: string;
}

/**
 * A local BFL API: `x-key` auth, model endpoints answering `{ id, polling_url }`, FastAPI-style
 * 422 validation bodies, `get_result` moving Pending (with progress) → an outcome over polls,
 * samples served here as real JPEG/PNG bytes, 402/429 bodies and an outage switch.
 */
export class BflFake extends ProviderFake {
  readonly apiKeys: Set<string>;
  failing = false;
  readonly rateLimitedKeys = new Map<string, number>();
  readonly keysWithoutCredits = new Set<string>();
  pollsToFinish = 2;
  outcome: BflOutcome = 'Ready';
  /** Overrides the `polling_url` answered (a regional host in reality). */
  pollingBase?: string;
  readonly tasks = new Map<string, Task>();
  readonly servedFiles: Buffer[] = [];
  private readonly files = new Map<string, { data: Buffer; type: string }>();

  constructor(options: { apiKeys?: string[] } = {}) {
    super();
    this.apiKeys = new Set(options.apiKeys ?? ['bfl-test-key']);
    this.server
      .route('GET', '/v1/get_result', async (req) => this.guard(req) ?? (await this.result(req)))
      .route('POST', '/v1/:endpoint', (req) => this.guard(req) ?? this.submit(req))
      .route('GET', '/samples/:name', (req) => {
        const file = this.files.get(req.params.name ?? '');
        return file ? { body: file.data, headers: { 'content-type': file.type } } : { status: 404, body: 'not found' };
      });
  }

  private guard(req: FakeRequest): FakeResponse | undefined {
    if (this.failing) return { status: 500, json: { detail: 'Internal Server Error' } };
    const key = req.headers['x-key'];
    if (typeof key !== 'string' || key === '') return { status: 403, json: { detail: 'Not authenticated' } };
    if (!this.apiKeys.has(key)) return { status: 403, json: { detail: 'Invalid API key' } };
    const retryAfter = this.rateLimitedKeys.get(key);
    if (retryAfter !== undefined) {
      return { status: 429, json: { detail: 'You have exceeded the number of active tasks (24). Please wait for some tasks to finish.' }, headers: { 'retry-after': String(retryAfter) } };
    }
    if (this.keysWithoutCredits.has(key) && req.method === 'POST') {
      return { status: 402, json: { detail: 'Insufficient credits. Please add credits at https://api.bfl.ai.' } };
    }
    return undefined;
  }

  private submit(req: FakeRequest): FakeResponse {
    const endpoint = req.params.endpoint ?? '';
    const rules = ENDPOINTS[endpoint];
    if (!rules) return { status: 404, json: { detail: 'Not Found' } };
    const body = req.json as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object') {
      return { status: 422, json: { detail: [{ type: 'json_invalid', loc: ['body'], msg: 'JSON decode error', input: {} }] } };
    }
    const issues = validate(body, rules);
    if (issues.length) return { status: 422, json: { detail: issues } };
    const task: Task = { id: randomUUID(), endpoint, body, polls: 0, outcome: this.outcome };
    this.tasks.set(task.id, task);
    const base = this.pollingBase ?? this.server.url;
    return { json: { id: task.id, polling_url: `${base}/v1/get_result?id=${task.id}`, cost: 4 } };
  }

  private async result(req: FakeRequest): Promise<FakeResponse> {
    const id = req.query.get('id') ?? '';
    const task = this.tasks.get(id);
    if (!task) return { json: { id, status: 'Task not found', result: null, progress: null, details: null } };
    task.polls++;
    if (task.polls < this.pollsToFinish) {
      return { json: { id, status: 'Pending', result: null, progress: task.polls / this.pollsToFinish, details: null } };
    }
    switch (task.outcome) {
      case 'Ready': {
        task.sample ??= await this.serve(task);
        return {
          json: { id, status: 'Ready', result: { sample: task.sample, prompt: task.body.prompt, seed: task.body.seed ?? 42, start_time: 0, end_time: 1, duration: 1 }, progress: null, details: null },
        };
      }
      case 'Content Moderated':
        return { json: { id, status: 'Content Moderated', result: null, progress: null, details: { 'Moderation Reasons': ['Derivative Works Filter'] } } };
      case 'Request Moderated':
        return { json: { id, status: 'Request Moderated', result: null, progress: null, details: { 'Moderation Reasons': ['Prompt'] } } };
      default:
        return { json: { id, status: 'Error', result: null, progress: null, details: { error: 'Generation failed' } } };
    }
  }

  private async serve(task: Task): Promise<string> {
    const format = task.body.output_format === 'png' ? 'png' : 'jpeg';
    const width = typeof task.body.width === 'number' ? task.body.width / 8 : 128;
    const height = typeof task.body.height === 'number' ? task.body.height / 8 : 96;
    const data = await sampleImage(format, width, height, this.servedFiles.length);
    this.servedFiles.push(data);
    const name = `${task.id}.${format === 'png' ? 'png' : 'jpg'}`;
    this.files.set(name, { data, type: `image/${format}` });
    // Real samples are signed URLs on a delivery host, valid for ten minutes.
    return `${this.server.url}/samples/${name}?se=2099-01-01&sig=fake`;
  }
}

interface PydanticIssue {
  type: string;
  loc: Array<string | number>;
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

function validate(body: Record<string, unknown>, rules: Record<string, FieldRule>): PydanticIssue[] {
  const issues: PydanticIssue[] = [];
  for (const [field, rule] of Object.entries(rules)) {
    if (rule.type === 'string' && rule.required && body[field] === undefined) issues.push({ type: 'missing', loc: ['body', field], msg: 'Field required', input: body });
  }
  for (const [field, value] of Object.entries(body)) {
    const rule = rules[field];
    const loc = ['body', field];
    if (value === null) continue;
    if (!rule) {
      issues.push({ type: 'extra_forbidden', loc, msg: 'Extra inputs are not permitted', input: value });
    } else if (rule.type === 'string' && typeof value !== 'string') {
      issues.push({ type: 'string_type', loc, msg: 'Input should be a valid string', input: value });
    } else if (rule.type === 'boolean' && typeof value !== 'boolean') {
      issues.push({ type: 'bool_type', loc, msg: 'Input should be a valid boolean', input: value });
    } else if (rule.type === 'enum' && !(typeof value === 'string' && rule.values.includes(value))) {
      issues.push({ type: 'enum', loc, msg: `Input should be ${rule.values.map((v) => `'${v}'`).join(' or ')}`, input: value });
    } else if (rule.type === 'ratio' && !validRatio(value)) {
      issues.push({ type: 'value_error', loc, msg: 'Value error, Aspect ratio must be between 21:9 and 9:21', input: value });
    } else if (rule.type === 'integer' || rule.type === 'number') {
      if (typeof value !== 'number' || (rule.type === 'integer' && !Number.isInteger(value))) {
        issues.push({ type: `${rule.type === 'integer' ? 'int' : 'float'}_type`, loc, msg: `Input should be a valid ${rule.type}`, input: value });
      } else if (value < rule.min) {
        issues.push({ type: 'greater_than_equal', loc, msg: `Input should be greater than or equal to ${rule.min}`, input: value, ctx: { ge: rule.min } });
      } else if (value > rule.max) {
        issues.push({ type: 'less_than_equal', loc, msg: `Input should be less than or equal to ${rule.max}`, input: value, ctx: { le: rule.max } });
      } else if (rule.type === 'integer' && rule.multipleOf && value % rule.multipleOf !== 0) {
        issues.push({ type: 'multiple_of', loc, msg: `Input should be a multiple of ${rule.multipleOf}`, input: value, ctx: { multiple_of: rule.multipleOf } });
      }
    }
  }
  return issues;
}

function validRatio(value: unknown): boolean {
  const match = typeof value === 'string' ? /^(\d+):(\d+)$/.exec(value) : null;
  if (!match) return false;
  const r = Number(match[1]) / Number(match[2]);
  return r >= 9 / 21 - 1e-9 && r <= 21 / 9 + 1e-9;
}
