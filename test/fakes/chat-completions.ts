import { randomUUID } from 'node:crypto';
import type { FakeRequest, FakeResponse } from './fake-server';

/**
 * The OpenAI-compatible `POST …/chat/completions` that Gitee AI, Hugging Face's router and
 * ModelScope serve, validated as such a server does (the model it serves, `messages` of
 * `{ role, content }`, `temperature` 0–2, `max_tokens` ≥ 1, no unknown fields) and answered in
 * the documented non-streaming shape: `{ id, object: "chat.completion", created, model,
 * choices: [{ index, message: { role: "assistant", content }, finish_reason }], usage }`.
 * Each fake supplies its own error body and the reply text.
 */
export interface ChatFake {
  /** The wire model ids it serves. */
  models: ReadonlySet<string>;
  /** Its error body, as its other endpoints answer errors. */
  error: (status: number, message: string) => FakeResponse;
  /** The reply to the user message (the system prompt is passed for fakes that echo it). */
  reply?: (prompt: string, system: string | undefined, model: string) => string;
}

const FIELDS = new Set(['model', 'messages', 'temperature', 'max_tokens', 'stream', 'top_p', 'stop', 'seed']);
const ROLES = new Set(['system', 'user', 'assistant']);

/** What a fake answers by default: a recognisable rewrite of the prompt. */
export const enhancedBy = (model: string, prompt: string) => `${prompt}, cinematic lighting, rich detail (rewritten by ${model})`;

export interface ChatCall {
  model: string;
  messages: { role: string; content: string }[];
  body: Record<string, unknown>;
}

export function chatCompletions(fake: ChatFake, calls: ChatCall[], req: FakeRequest): FakeResponse {
  const body = req.json as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return fake.error(400, 'Invalid JSON body');
  const unknown = Object.keys(body).find((k) => !FIELDS.has(k));
  if (unknown) return fake.error(400, `Unknown parameter: ${unknown}`);
  const model = String(body.model);
  if (!fake.models.has(model)) return fake.error(400, `model ${model} is not a chat model served here`);
  if (!Array.isArray(body.messages) || body.messages.length === 0) return fake.error(400, 'messages must be a non-empty array');
  const messages = body.messages as { role?: unknown; content?: unknown }[];
  for (const m of messages) {
    if (!m || typeof m !== 'object' || !ROLES.has(String(m.role)) || typeof m.content !== 'string') return fake.error(400, 'each message needs a role (system, user, assistant) and string content');
  }
  if (body.temperature !== undefined && !(typeof body.temperature === 'number' && body.temperature >= 0 && body.temperature <= 2)) return fake.error(400, 'temperature must be between 0 and 2');
  if (body.max_tokens !== undefined && !(Number.isInteger(body.max_tokens) && (body.max_tokens as number) >= 1)) return fake.error(400, 'max_tokens must be a positive integer');
  if (body.stream === true) return fake.error(400, 'this fake answers non-streaming calls only');
  calls.push({ model, messages: messages as ChatCall['messages'], body });
  const user = [...messages].reverse().find((m) => m.role === 'user');
  if (!user) return fake.error(400, 'a user message is required');
  const system = messages.find((m) => m.role === 'system')?.content as string | undefined;
  const content = (fake.reply ?? ((p, _s, mdl) => enhancedBy(mdl, p)))(user.content as string, system, model);
  const promptTokens = Math.ceil(messages.reduce((n, m) => n + String(m.content).length, 0) / 4);
  const completionTokens = Math.ceil(content.length / 4);
  return {
    json: {
      id: `chatcmpl-${randomUUID().replace(/-/g, '')}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    },
  };
}
