import { type FakeRequest, type FakeResponse } from './fake-server';
import { mp3Audio } from './media';
import { ProviderFake } from './provider-fake';

/**
 * A local ElevenLabs text-to-speech API: `xi-api-key` auth, `POST /v1/text-to-speech/{voice_id}`
 * with `output_format` in the query, a body validated as the API does (FastAPI's 422 detail
 * list for schema errors, `{ detail: { status, message } }` for the rest), a character quota,
 * and audio bytes in the answer.
 */
const MODELS: Record<string, number> = { eleven_multilingual_v2: 10_000, eleven_turbo_v2_5: 40_000, eleven_flash_v2_5: 40_000, eleven_v3: 5_000 };
const FORMATS = /^(mp3_(22050|44100)_(32|64|96|128|192)|opus_48000_(32|64|96|128|192)|pcm_(8000|16000|22050|24000|44100|48000)|ulaw_8000)$/;

function detail(status: number, code: string, message: string, headers: Record<string, string> = {}): FakeResponse {
  return { status, headers, json: { detail: { status: code, message } } };
}

export class ElevenLabsFake extends ProviderFake {
  apiKeys = new Set<string>(['sk_test_elevenlabs']);
  voices = new Set<string>(['JBFqnCBsd6RMkjVDRZzb', 'EXAVITQu4vr4xnSDxMaL']);
  /** Characters left on the account; a request over it is refused with quota_exceeded. */
  quotaCharacters = 1_000_000;
  /** The switch: every request answers 503 system_busy. */
  busy = false;
  /** Every audio answered, in order. */
  readonly served: Buffer[] = [];

  protected override routes(): void {
    this.server.route('POST', '/v1/text-to-speech/:voice', (req) => this.tts(req));
    this.server.route('GET', '/v1/models', (req) => this.models(req));
  }

  rateLimit(times = 1, retryAfterSeconds = 2): void {
    this.server.inject(
      detail(429, 'too_many_concurrent_requests', 'You have too many concurrent requests for your subscription.', { 'retry-after': String(retryAfterSeconds) }),
      times,
    );
  }

  /** `GET /v1/models`: the model list (an array), behind the same key check. */
  private models(req: FakeRequest): FakeResponse {
    const key = req.headers['xi-api-key'];
    if (typeof key !== 'string' || !key) return detail(401, 'missing_api_key', 'Missing the xi-api-key header.');
    if (!this.apiKeys.has(key)) return detail(401, 'invalid_api_key', 'Invalid API key');
    if (this.busy) return detail(503, 'system_busy', 'We are experiencing heavy traffic, please try again.');
    return { json: Object.entries(MODELS).map(([model_id, limit]) => ({ model_id, name: model_id, can_do_text_to_speech: true, max_characters_request_free_user: limit })) };
  }

  private tts(req: FakeRequest): FakeResponse {
    const key = req.headers['xi-api-key'];
    if (typeof key !== 'string' || !key) return detail(401, 'missing_api_key', 'Missing the xi-api-key header.');
    if (!this.apiKeys.has(key)) return detail(401, 'invalid_api_key', 'Invalid API key');
    if (this.busy) return detail(503, 'system_busy', 'We are experiencing heavy traffic, please try again.');
    const body = req.json as Record<string, unknown> | undefined;
    const issues: Array<{ loc: string[]; msg: string; type: string }> = [];
    if (typeof body?.text !== 'string') issues.push({ loc: ['body', 'text'], msg: 'Field required', type: 'missing' });
    const format = req.query.get('output_format') ?? 'mp3_44100_128';
    if (!FORMATS.test(format)) issues.push({ loc: ['query', 'output_format'], msg: 'Input should be a valid output format', type: 'enum' });
    const settings = (body?.voice_settings ?? {}) as Record<string, unknown>;
    for (const field of ['stability', 'similarity_boost', 'style']) {
      const v = settings[field];
      if (v !== undefined && (typeof v !== 'number' || v < 0 || v > 1)) issues.push({ loc: ['body', 'voice_settings', field], msg: 'Input should be between 0 and 1', type: 'range' });
    }
    if (settings.speed !== undefined && (typeof settings.speed !== 'number' || settings.speed < 0.7 || settings.speed > 1.2)) {
      issues.push({ loc: ['body', 'voice_settings', 'speed'], msg: 'Input should be between 0.7 and 1.2', type: 'range' });
    }
    if (issues.length) return { status: 422, json: { detail: issues } };
    const text = body!.text as string;
    const modelId = (body!.model_id as string | undefined) ?? 'eleven_multilingual_v2';
    const limit = MODELS[modelId];
    if (limit === undefined) return detail(400, 'model_not_found', `A model with model ID ${modelId} does not exist.`);
    if (!this.voices.has(req.params.voice ?? '')) return detail(404, 'voice_not_found', `A voice with the voice_id ${req.params.voice} was not found.`);
    if (text.length > limit) return detail(400, 'max_character_limit_exceeded', `Text is too long: ${text.length} characters, the limit is ${limit}.`);
    if (body!.language_code !== undefined && modelId === 'eleven_multilingual_v2') return detail(400, 'unsupported_language', 'language_code is not supported by this model.');
    if (text.length > this.quotaCharacters) {
      return detail(401, 'quota_exceeded', `This request exceeds your quota of ${this.quotaCharacters}. You have ${this.quotaCharacters} credits remaining, while ${text.length} credits are required for this request.`);
    }
    this.quotaCharacters -= text.length;
    const audio = format.startsWith('opus_') ? Buffer.concat([Buffer.from('OggS\0\x02', 'latin1'), Buffer.alloc(200, text.length & 0xff)]) : mp3Audio(20 + (text.length % 20));
    this.served.push(audio);
    // What the request cost, in character credits: Flash and Turbo bill half a credit per character.
    const cost = Math.ceil(text.length * (/flash|turbo/.test(modelId) ? 0.5 : 1));
    return {
      body: audio,
      headers: { 'content-type': format.startsWith('opus_') ? 'audio/ogg' : 'audio/mpeg', 'request-id': `req_${this.served.length}`, 'character-cost': String(cost) },
    };
  }
}
