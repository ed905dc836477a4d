import { z } from 'zod';
import type { ModelSpec } from '../types';
import { perCharacter } from '../pricing';

export interface ElevenLabsModel extends ModelSpec {
  /** `model_id` on the wire. */
  wireModel: string;
  /** The model's text limit per request, in characters. */
  maxCharacters: number;
  /** Whether `language_code` may be sent (the v2.5 and v3 models). */
  languageCode: boolean;
}

export const OUTPUT_FORMATS = [
  'mp3_22050_32',
  'mp3_44100_32',
  'mp3_44100_64',
  'mp3_44100_96',
  'mp3_44100_128',
  'mp3_44100_192',
  'opus_48000_32',
  'opus_48000_64',
  'opus_48000_96',
  'opus_48000_128',
  'opus_48000_192',
] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** MP3 formats are MPEG audio; Opus formats come in an Ogg container. */
export function contentTypeOf(format: OutputFormat): string {
  return format.startsWith('mp3_') ? 'audio/mpeg' : 'audio/ogg';
}

const base = {
  // "George", one of the premade voices every account has.
  voiceId: z.string().regex(/^[A-Za-z0-9]{8,64}$/, 'a voice id from GET /v1/voices').default('JBFqnCBsd6RMkjVDRZzb'),
  outputFormat: z.enum(OUTPUT_FORMATS).default('mp3_44100_128'),
  stability: z.number().min(0).max(1).optional(),
  similarityBoost: z.number().min(0).max(1).optional(),
  style: z.number().min(0).max(1).optional(),
  useSpeakerBoost: z.boolean().optional(),
  speed: z.number().min(0.7).max(1.2).optional(),
  seed: z.int().min(0).max(4_294_967_295).optional(),
};

export const ttsParameters = z.strictObject(base);
export const ttsParametersWithLanguage = z.strictObject({
  ...base,
  languageCode: z.string().regex(/^[a-z]{2,3}$/, 'an ISO 639-1 code such as "en"').optional(),
});

/**
 * ElevenLabs bills text to speech per character of the text: Flash and Turbo at half a credit a
 * character ($0.05 per 1,000 over the API), the others a credit a character ($0.10 per 1,000).
 * Voices with a credit multiplier (some Voice Library voices) cost more; not estimated.
 */
const USD_PER_CHARACTER = { full: 0.0001, half: 0.00005 } as const;
const perCharacterOf = (rate: keyof typeof USD_PER_CHARACTER) =>
  perCharacter(USD_PER_CHARACTER[rate], {
    notes: `ElevenLabs API price: $${USD_PER_CHARACTER[rate] * 1000} per 1,000 characters of text (${rate === 'half' ? 'Flash/Turbo: half a credit' : 'one credit'} a character); voice multipliers not included`,
  });

export const elevenlabsModels: ElevenLabsModel[] = (
  [
    ['elevenlabs/multilingual-v2', 'eleven_multilingual_v2', 'Eleven Multilingual v2: the most lifelike, 29 languages', 10_000, false, 'full'],
    ['elevenlabs/turbo-v2.5', 'eleven_turbo_v2_5', 'Eleven Turbo v2.5: fast, 32 languages', 40_000, true, 'half'],
    ['elevenlabs/flash-v2.5', 'eleven_flash_v2_5', 'Eleven Flash v2.5: lowest latency, 32 languages', 40_000, true, 'half'],
    ['elevenlabs/v3', 'eleven_v3', 'Eleven v3: most expressive, audio tags, 70+ languages', 5_000, true, 'full'],
  ] as const
).map(([id, wireModel, description, maxCharacters, languageCode, rate]) => ({
  id,
  kinds: ['text-to-speech'],
  description,
  parameters: languageCode ? ttsParametersWithLanguage : ttsParameters,
  inputImages: { mode: 'either', max: 0 },
  async: false,
  expectedDurationSeconds: 3,
  maxDurationSeconds: 120,
  price: perCharacterOf(rate),
  wireModel,
  maxCharacters,
  languageCode,
}));

/**
 * USD per character credit: the API's pay-as-you-go rate, $0.10 per 1,000 characters of
 * Multilingual v2 / v3 (1 credit each; Flash and Turbo cost half a credit per character, i.e.
 * $0.05 per 1,000). The `character-cost` header counts credits.
 */
export const USD_PER_CHARACTER_CREDIT = 0.0001;

export function findElevenLabsModel(id: string): ElevenLabsModel | undefined {
  return elevenlabsModels.find((m) => m.id === id);
}
