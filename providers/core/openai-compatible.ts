import { z } from 'zod';

/**
 * The answers of the OpenAI wire that several providers speak (OpenAI itself, TuZi's image
 * endpoint, Gitee AI's images API): one schema each, so that every adapter reading them checks
 * the same fields the same way. Only what genflow reads is checked; the rest passes through.
 */

/** One entry of an Images API answer: `url` (valid for a while) or `b64_json`. */
export const OpenAIImageEntry = z.looseObject({
  url: z.string().nullish(),
  b64_json: z.string().nullish(),
});

/** `POST /v1/images/generations` and `/v1/images/edits`. */
export const OpenAIImagesAnswer = z.looseObject({
  data: z.array(OpenAIImageEntry).nullish(),
});
export type OpenAIImagesAnswer = z.output<typeof OpenAIImagesAnswer>;

/** `POST /v1/chat/completions`: the first choice's message is the reply. */
export const ChatCompletionAnswer = z.looseObject({
  choices: z
    .array(
      z.looseObject({
        message: z.looseObject({ content: z.string().nullish(), refusal: z.string().nullish() }),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
});
export type ChatCompletionAnswer = z.output<typeof ChatCompletionAnswer>;

/** `GET /v1/models`: a list (a probe reads only that it is one). */
export const ModelListAnswer = z.looseObject({ data: z.array(z.unknown()) });
