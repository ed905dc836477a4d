import { createHash, randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { type FakeRequest, type FakeResponse } from './fake-server';
import { ProviderFake } from './provider-fake';

/**
 * "Acme", the service behind the custom HTTP provider tests: an OpenAI-compatible surface
 * (`/v1/images/generations`, `/v1/chat/completions`, OpenAI's error body shape) plus an async
 * task API (`/v1/tasks`) of the kind many video/image services expose. Nothing about it is
 * known to genflow's code: the test declares it in YAML, as a user would.
 *
 * Like a real service it checks the Bearer key, validates bodies, answers 429 with
 * Retry-After, and its 401 body echoes the rejected key (as some services do), so tests can
 * prove genflow never passes that text on.
 */
export interface AcmeOptions {
  /** Keys the service accepts. */
  keys: string[];
}

interface Task {
  id: string;
  prompt: string;
  polls: number;
  canceled: boolean;
}

const SIZES = ['256x256', '512x512', '1024x1024'] as const;

const openAiError = (status: number, message: string, type: string, code: string | null, headers?: Record<string, string>): FakeResponse => ({
  status,
  json: { error: { message, type, param: null, code } },
  ...(headers ? { headers } : {}),
});

export class AcmeFake extends ProviderFake {
  /** Every file the fake served as an output, by name: tests compare stored bytes with these. */
  readonly files = new Map<string, Buffer>();
  readonly tasks = new Map<string, Task>();
  /** Keys answered with 401 (revoked), and keys answered with 429 + Retry-After seconds. */
  readonly revoked = new Set<string>();
  readonly rateLimited = new Map<string, number>();
  /** The switch that makes it fail: tasks end `failed`, or every request gets a 503. */
  failTasks = false;
  outage = false;
  /** Polls a task stays `in_progress` before it completes. */
  pollsToComplete = 2;
  readonly acceptedKeys: Set<string>;

  constructor(options: AcmeOptions) {
    super();
    this.acceptedKeys = new Set(options.keys);
    const guard = (handler: (req: FakeRequest) => FakeResponse | Promise<FakeResponse>) => (req: FakeRequest) => this.authorize(req) ?? handler(req);
    this.server
      .route('POST', '/v1/images/generations', guard((req) => this.images(req)))
      .route('POST', '/v1/chat/completions', guard((req) => this.chat(req)))
      .route('POST', '/v1/tasks', guard((req) => this.createTask(req)))
      .route('GET', '/v1/tasks/:id', guard((req) => this.getTask(req)))
      .route('POST', '/v1/tasks/:id/cancel', guard((req) => this.cancelTask(req)))
      .route('GET', '/files/:name', (req) => {
        const file = this.files.get(req.params.name!);
        return file ? { body: file, headers: { 'content-type': 'image/png' } } : openAiError(404, 'no such file', 'invalid_request_error', null);
      });
  }

  /** The key of each request that reached the fake, in order. */
  keysSeen(): string[] {
    return this.server.requests.map((r) => /^Bearer (.+)$/.exec(r.headers.authorization ?? '')?.[1] ?? '');
  }

  private authorize(req: FakeRequest): FakeResponse | undefined {
    if (this.outage) return openAiError(503, 'The server is overloaded or not ready yet.', 'server_error', null);
    const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!key) return openAiError(401, "You didn't provide an API key.", 'invalid_request_error', null);
    if (this.revoked.has(key) || !this.acceptedKeys.has(key)) {
      return openAiError(401, `Incorrect API key provided: ${key}. You can find your API key in your account settings.`, 'invalid_request_error', 'invalid_api_key');
    }
    const wait = this.rateLimited.get(key);
    if (wait !== undefined) {
      return openAiError(429, 'Rate limit reached for requests. Please try again later.', 'requests', 'rate_limit_exceeded', { 'retry-after': String(wait) });
    }
    return undefined;
  }

  /** A real PNG that differs per prompt and index, remembered for the byte comparison. */
  private async image(prompt: string, index: number): Promise<{ name: string; data: Buffer }> {
    const hash = createHash('sha256').update(`${prompt}#${index}`).digest();
    const data = await sharp({ create: { width: 32, height: 24, channels: 3, background: { r: hash[0]!, g: hash[1]!, b: hash[2]! } } })
      .png()
      .toBuffer();
    const name = `${randomUUID()}.png`;
    this.files.set(name, data);
    return { name, data };
  }

  private invalid(message: string, param: string): FakeResponse {
    return { status: 400, json: { error: { message, type: 'invalid_request_error', param, code: null } } };
  }

  private async images(req: FakeRequest): Promise<FakeResponse> {
    const body = req.json as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object') return this.invalid('We could not parse the JSON body of your request.', 'body');
    const { prompt, n = 1, size = '1024x1024', response_format = 'url' } = body;
    if (typeof prompt !== 'string' || prompt.length === 0) return this.invalid("'prompt' is a required property", 'prompt');
    if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > 4) return this.invalid(`${JSON.stringify(n)} is not valid for 'n': 1 to 4`, 'n');
    if (!SIZES.includes(size as (typeof SIZES)[number])) return this.invalid(`'${String(size)}' is not one of ${SIZES.join(', ')} - 'size'`, 'size');
    if (response_format !== 'url' && response_format !== 'b64_json') return this.invalid("'response_format' must be url or b64_json", 'response_format');
    const images = await Promise.all(Array.from({ length: n as number }, (_, i) => this.image(prompt, i)));
    const data = images.map((img) => (response_format === 'url' ? { url: `${this.url}/files/${img.name}` } : { b64_json: img.data.toString('base64') }));
    return { json: { created: Math.floor(Date.now() / 1000), data } };
  }

  private chat(req: FakeRequest): FakeResponse {
    const body = req.json as { model?: unknown; messages?: Array<{ role?: unknown; content?: unknown }> } | undefined;
    if (!Array.isArray(body?.messages) || body.messages.length === 0) return this.invalid("'messages' is a required property", 'messages');
    const user = body.messages.filter((m) => m.role === 'user').at(-1);
    if (typeof user?.content !== 'string') return this.invalid('the last message must be a user message with text content', 'messages');
    const system = body.messages.find((m) => m.role === 'system');
    const content = `${user.content.trim()}, golden hour light, ultra detailed${system ? ' (as instructed)' : ''}`;
    return {
      json: {
        id: `chatcmpl-${randomUUID()}`,
        object: 'chat.completion',
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      },
    };
  }

  private createTask(req: FakeRequest): FakeResponse {
    const body = req.json as { prompt?: unknown; duration?: unknown } | undefined;
    if (typeof body?.prompt !== 'string' || body.prompt.length === 0) return this.invalid("'prompt' is a required property", 'prompt');
    if (body.duration !== undefined && (!Number.isInteger(body.duration) || (body.duration as number) < 1)) return this.invalid("'duration' must be a positive integer", 'duration');
    const task: Task = { id: `task_${randomUUID()}`, prompt: body.prompt, polls: 0, canceled: false };
    this.tasks.set(task.id, task);
    return { status: 201, json: { data: { task_id: task.id, status: 'queued' } } };
  }

  private async getTask(req: FakeRequest): Promise<FakeResponse> {
    const task = this.tasks.get(req.params.id!);
    if (!task) return openAiError(404, `No task found with id '${req.params.id}'.`, 'invalid_request_error', null);
    if (task.canceled) return { json: { data: { task_id: task.id, status: 'cancelled', progress: '0%' } } };
    task.polls += 1;
    if (task.polls <= this.pollsToComplete) {
      return { json: { data: { task_id: task.id, status: 'in_progress', progress: `${Math.round((task.polls / (this.pollsToComplete + 1)) * 100)}%` } } };
    }
    if (this.failTasks) return { json: { data: { task_id: task.id, status: 'failed', progress: '100%', fail_reason: 'the render node crashed' } } };
    const img = await this.image(task.prompt, 0);
    return { json: { data: { task_id: task.id, status: 'succeeded', progress: '100%', result: { files: [{ url: `/files/${img.name}`, b64_json: img.data.toString('base64') }] } } } };
  }

  private cancelTask(req: FakeRequest): FakeResponse {
    const task = this.tasks.get(req.params.id!);
    if (!task) return openAiError(404, `No task found with id '${req.params.id}'.`, 'invalid_request_error', null);
    task.canceled = true;
    return { json: { data: { task_id: task.id, status: 'cancelled' } } };
  }
}

/** The YAML a user would write to use Acme through the custom HTTP provider, once per id. */
export function acmeYaml(baseUrl: string, ids: string[] = ['acme']): string {
  return `providers:\n${ids.map((id) => acmeProviderYaml(baseUrl, id)).join('')}`;
}

function acmeProviderYaml(baseUrl: string, id: string): string {
  return `
  - id: ${id}
    displayName: Acme Media
    baseUrl: ${baseUrl}/v1
    auth:
      header: Authorization
      value: "Bearer {{apiKey}}"
    errorMessagePath: $.error.message
    cancel:
      method: POST
      path: /tasks/{{taskId}}/cancel
    models:
      - id: image
        kinds: [text-to-image]
        description: Acme images, sync
        parameters:
          size: { type: string, enum: ["256x256", "512x512", "1024x1024"], default: "256x256" }
          format: { type: string, enum: [url, b64_json], default: url }
        submit:
          path: /images/generations
          body:
            model: acme-image-1
            prompt: "{{prompt}}"
            n: "{{numberOfOutputs}}"
            size: "{{parameters.size}}"
            response_format: "{{parameters.format}}"
        outputs:
          urls: $.data[*].url
          base64: $.data[*].b64_json
        pricePerOutput: 0.02
      - id: render
        kinds: [text-to-image]
        description: Acme renders, async task
        parameters:
          duration: { type: integer, min: 1, max: 10 }
        submit:
          path: /tasks
          body: { model: "{{model}}", prompt: "{{prompt}}", duration: "{{parameters.duration}}" }
        task:
          idPath: $.data.task_id
          status: { path: "/tasks/{{taskId}}" }
          statusPath: $.data.status
          statusMap: { queued: pending, in_progress: running, succeeded: succeeded, failed: failed, cancelled: canceled }
          progressPath: $.data.progress
          errorPath: $.data.fail_reason
        outputs:
          urls: $.data.result.files[*].url
        expectedDurationSeconds: 1
        maxDurationSeconds: 120
      - id: writer
        kinds: [text-to-text]
        description: Acme chat, OpenAI-compatible
        parameters:
          systemPrompt: { type: string, default: "You improve prompts." }
        submit:
          path: /chat/completions
          body:
            model: acme-chat
            messages:
              - { role: system, content: "{{parameters.systemPrompt}}" }
              - { role: user, content: "{{prompt}}" }
        outputs:
          text: $.choices[0].message.content
`;
}
