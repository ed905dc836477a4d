import { z } from 'zod';
import { ProviderError } from '../../domain/errors';
import type { GenerationRequest } from '../../domain/generation';
import { parseModelParameters, requireOutputCount } from '../define-model';
import type { PriceRule } from '../pricing';
import { priced, usd } from '../pricing';
import type { ProviderOutput } from '../types';
import type { ChatCompletionAnswer } from './openai-compatible';

/**
 * The `text` action (text-to-text, the prompt enhancer's kind) on providers that serve an
 * OpenAI-compatible `POST …/chat/completions`: one parameter schema, one request body and one
 * reading of the answer, so Gitee AI, Hugging Face's router and ModelScope behave alike.
 */

export const DEFAULT_CHAT_SYSTEM_PROMPT =
  'You rewrite prompts for image and video generation: keep the intent, add concrete subject, setting, lighting, style and composition. Answer with the rewritten prompt only.';

/** The chat parameters, with the reply cap the model allows (OpenAI's go higher than S0's providers'). */
export function chatParametersUpTo(maxTokens: number) {
  return z.strictObject({
    systemPrompt: z.string().min(1).max(20_000).default(DEFAULT_CHAT_SYSTEM_PROMPT),
    temperature: z.number().min(0).max(2).default(0.7),
    maxTokens: z.int().min(1).max(maxTokens).default(1_000).describe('Upper bound of the reply length in tokens'),
  });
}

export const chatCompletionParameters = chatParametersUpTo(8_192);
export type ChatCompletionParameters = z.infer<typeof chatCompletionParameters>;

/**
 * The body: system and user messages, `temperature`, `max_tokens`. `max_tokens` (not OpenAI's
 * newer `max_completion_tokens`) is the name these OpenAI-compatible servers document; a
 * non-streaming call, so the answer is one JSON object.
 */
export function chatCompletionBody(modelId: string, wireModel: string, request: GenerationRequest): Record<string, unknown> {
  requireOutputCount(modelId, request.numberOfOutputs, 1);
  const p = parseModelParameters(chatCompletionParameters, modelId, request.parameters);
  return {
    model: wireModel,
    messages: [
      { role: 'system', content: p.systemPrompt },
      { role: 'user', content: request.prompt },
    ],
    temperature: p.temperature,
    max_tokens: p.maxTokens,
    stream: false,
  };
}

/** The first choice's text as a text/plain output; a filtered or empty reply is not a success. */
export function chatCompletionOutput(providerId: string, res: ChatCompletionAnswer): ProviderOutput {
  const choice = res.choices?.[0];
  if (!choice) throw new ProviderError('PROVIDER_ERROR', `${providerId}: the completion has no choices`);
  if (choice.finish_reason === 'content_filter' || choice.message.refusal) {
    throw new ProviderError('CONTENT_REJECTED', `${providerId}: ${choice.message.refusal ?? 'the reply was withheld by the content filter'}`);
  }
  const text = choice.message.content ?? '';
  if (!text.trim()) throw new ProviderError('PROVIDER_ERROR', `${providerId}: the completion is empty`);
  return { type: 'bytes', data: Buffer.from(text, 'utf8'), contentType: 'text/plain; charset=utf-8' };
}

/** A rough token count (about four characters a token) for an estimate before the call. */
export const estimatedTokens = (text: string): number => Math.ceil(text.length / 4);

/**
 * Priced per token as the provider bills: the system prompt and the prompt at the input rate,
 * the reply at its cap (`maxTokens`) at the output rate. `usd` shows the output-token rate.
 */
export function perChatToken(inputUsdPerMillion: number, outputUsdPerMillion: number, notes: string): PriceRule {
  return priced(chatCompletionParameters, { unit: 'token', usd: usd(outputUsdPerMillion / 1_000_000, 9), notes }, (p, _n, context) =>
    usd(((estimatedTokens(p.systemPrompt) + estimatedTokens(context?.prompt ?? '')) * inputUsdPerMillion + p.maxTokens * outputUsdPerMillion) / 1_000_000),
  );
}
