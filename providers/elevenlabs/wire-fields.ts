import type { WireFieldTable } from '../wire-fields';

/**
 * ElevenLabs text-to-speech body (`POST /v1/text-to-speech/{voice_id}?output_format=…`) as the
 * API reference documents it (elevenlabs.io/docs/api-reference/text-to-speech/convert): the
 * voice is in the path and the format in the query, never in the body. `language_code` enforces
 * a language only on models that support it; the reference says the others answer an error when
 * it is given, so multilingual v2 has a family without it (and its row does not offer it).
 *
 * Checked against stored copies of the reference and of the official SDKs' `convert` signature.
 */
const TTS = [
  'text', 'model_id', 'voice_settings', 'pronunciation_dictionary_locators', 'seed', 'previous_text', 'next_text',
  'previous_request_ids', 'next_request_ids', 'use_pvc_as_ivc', 'apply_text_normalization', 'apply_language_text_normalization',
];
const VOICE_SETTINGS = ['stability', 'similarity_boost', 'style', 'use_speaker_boost', 'speed'];
const DOC = 'https://elevenlabs.io/docs/api-reference/text-to-speech/convert';

export const elevenlabsWireFields: WireFieldTable = {
  provider: 'elevenlabs',
  doc: 'https://elevenlabs.io/docs/api-reference',
  families: {
    /** Turbo / Flash v2.5 and v3: language enforcement supported. */
    'text-to-speech': { doc: DOC, fields: { '': [...TTS, 'language_code'], voice_settings: VOICE_SETTINGS }, required: ['text'] },
    /** Multilingual v2: no language enforcement, so no `language_code`. */
    'text-to-speech/multilingual-v2': { doc: `${DOC} (language_code: only models that support language enforcement)`, fields: { '': TTS, voice_settings: VOICE_SETTINGS }, required: ['text'] },
  },
};
