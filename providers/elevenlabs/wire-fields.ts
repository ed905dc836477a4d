import type { WireFieldTable } from '../wire-fields';

/**
 * ElevenLabs text-to-speech body (`POST /v1/text-to-speech/{voice_id}?output_format=…`) as the
 * API reference documents it (elevenlabs.io/docs/api-reference/text-to-speech/convert): the
 * voice is in the path and the format in the query, never in the body. `language_code` is
 * documented for every model but only enforced by the v2.5 and v3 models, which is why only
 * their rows offer it.
 *
 * Checked against stored copies of the reference and of the official SDKs' `convert` signature.
 */
export const elevenlabsWireFields: WireFieldTable = {
  provider: 'elevenlabs',
  doc: 'https://elevenlabs.io/docs/api-reference',
  families: {
    'text-to-speech': {
      doc: 'https://elevenlabs.io/docs/api-reference/text-to-speech/convert',
      fields: {
        '': [
          'text', 'model_id', 'language_code', 'voice_settings', 'pronunciation_dictionary_locators', 'seed', 'previous_text', 'next_text',
          'previous_request_ids', 'next_request_ids', 'use_pvc_as_ivc', 'apply_text_normalization', 'apply_language_text_normalization',
        ],
        voice_settings: ['stability', 'similarity_boost', 'style', 'use_speaker_boost', 'speed'],
      },
      required: ['text'],
    },
  },
};
