import { z } from 'zod';

/**
 * The Gemini API's answers as far as the adapter reads them (gemini-image.ts, imagen.ts and
 * veo.ts hold the readers). Optional, not nullable, as the API omits what it does not set.
 */

const Part = z.looseObject({
  text: z.string().optional(),
  inlineData: z.looseObject({ mimeType: z.string().optional(), data: z.string().optional() }).optional(),
});

/** `models/{model}:generateContent`. */
export const GenerateContentAnswer = z.looseObject({
  candidates: z
    .array(
      z.looseObject({
        content: z.looseObject({ parts: z.array(Part).optional() }).optional(),
        finishReason: z.string().optional(),
        finishMessage: z.string().optional(),
      }),
    )
    .optional(),
  promptFeedback: z.looseObject({ blockReason: z.string().optional(), blockReasonMessage: z.string().optional() }).optional(),
});

/** `models/{model}:predict` (Imagen). */
export const PredictAnswer = z.looseObject({
  predictions: z
    .array(z.looseObject({ bytesBase64Encoded: z.string().optional(), mimeType: z.string().optional(), raiFilteredReason: z.string().optional() }))
    .optional(),
});

/** A long-running operation (Veo): its name is the task id; `done` with a response or an error. */
export const VeoOperationAnswer = z.looseObject({
  name: z.string(),
  done: z.boolean().optional(),
  error: z.looseObject({ code: z.number().optional(), message: z.string().optional() }).optional(),
  response: z
    .looseObject({
      generateVideoResponse: z
        .looseObject({
          generatedSamples: z.array(z.looseObject({ video: z.looseObject({ uri: z.string().optional() }).optional() })).optional(),
          raiMediaFilteredCount: z.number().optional(),
          raiMediaFilteredReasons: z.array(z.string()).optional(),
        })
        .optional(),
    })
    .optional(),
});
