import { seededRandom } from './random';
import type { SpeechParameters } from './models';
import { segmentFor } from './speech-segments';
import { writeWav } from './wav';

/** Seconds of speech per character at speed 1, and the clip's bounds. */
export const SECONDS_PER_CHARACTER = 0.07;
export const MIN_SPEECH_SECONDS = 0.5;
export const MAX_SPEECH_SECONDS = 120;

const VOICES = {
  soprano: { pitch: 230, formantScale: 1.15 },
  alto: { pitch: 180, formantScale: 1.1 },
  tenor: { pitch: 125, formantScale: 1 },
  bass: { pitch: 90, formantScale: 0.92 },
} as const satisfies Record<SpeechParameters['voice'], { pitch: number; formantScale: number }>;

/** Clip length in seconds for a text at a speed, as the renderer will produce it. */
export function speechDurationSeconds(characters: number, speed: number): number {
  return Math.min(MAX_SPEECH_SECONDS, Math.max(MIN_SPEECH_SECONDS, (characters * SECONDS_PER_CHARACTER) / speed));
}

/** A two-pole resonator whose gain at its centre frequency is 1, so formants do not change loudness. */
class Resonator {
  frequency: number;
  private a = 0;
  private b = 0;
  private c = 0;
  private y1 = 0;
  private y2 = 0;

  constructor(frequency: number) {
    this.frequency = frequency;
  }

  tune(bandwidth: number, sampleRate: number): void {
    const r = Math.exp((-Math.PI * bandwidth) / sampleRate);
    const w = (2 * Math.PI * this.frequency) / sampleRate;
    this.b = 2 * r * Math.cos(w);
    this.c = -r * r;
    this.a = Math.hypot(1 - this.b * Math.cos(w) - this.c * Math.cos(2 * w), this.b * Math.sin(w) + this.c * Math.sin(2 * w));
  }

  step(x: number): number {
    const y = this.a * x + this.b * this.y1 + this.c * this.y2;
    this.y2 = this.y1;
    this.y1 = y;
    return y;
  }
}

const FORMANT_GAINS = [1, 0.6, 0.3] as const;

/**
 * Synthesizes speech-like audio with a tiny parallel formant synthesizer: a sawtooth glottal
 * source and noise through three resonators that glide between per-letter formant targets.
 * It is not intelligible, but it has syllable rhythm, pitch contour and pauses, which is what
 * players, waveform views and duration checks need. Deterministic from text and parameters.
 */
export function renderSpeech(text: string, params: Pick<SpeechParameters, 'voice' | 'speed' | 'sampleRate'>): Buffer {
  const { speed, sampleRate } = params;
  const voice = VOICES[params.voice];
  const perChar = SECONDS_PER_CHARACTER / speed;
  // Text past the maximum length is not spoken rather than squeezed into gibberish.
  const spoken = [...text.toLowerCase()].slice(0, Math.floor(MAX_SPEECH_SECONDS / perChar));
  const segments = spoken.map((c) => segmentFor(c, c.codePointAt(0) ?? 0));
  const meanWeight = segments.reduce((sum, s) => sum + s.weight, 0) / Math.max(1, segments.length);
  const total = Math.round(speechDurationSeconds(spoken.length, speed) * sampleRate);
  const samples = new Float32Array(total);
  const random = seededRandom('speech', text, params.voice);
  const resonators = [new Resonator(500), new Resonator(1500), new Resonator(2500)] as const;
  const glide = Math.exp(-32 / (0.012 * sampleRate));
  const attack = Math.exp(-1 / (0.006 * sampleRate));

  let n = 0;
  let phase = 0;
  let voicedLevel = 0;
  let noiseLevel = 0;
  let bandwidth = 100;
  let sentenceStart = 0;
  for (const segment of segments) {
    const end = Math.min(total, n + Math.round((segment.weight / meanWeight) * perChar * sampleRate));
    const pitchJitter = 1 + (random() - 0.5) * 0.12;
    for (; n < end; n++) {
      if ((n & 31) === 0) {
        // Retuning every 32 samples is inaudible and far cheaper than per sample.
        bandwidth = segment.bandwidth + (bandwidth - segment.bandwidth) * glide;
        resonators.forEach((resonator, k) => {
          const target = Math.min(sampleRate * 0.45, (segment.formants[k] ?? 2500) * voice.formantScale);
          resonator.frequency = target + (resonator.frequency - target) * glide;
          resonator.tune(bandwidth * (1 + k * 0.3), sampleRate);
        });
      }
      // Pitch falls over a sentence and wobbles slowly, like intonation.
      const sentenceTime = (n - sentenceStart) / sampleRate;
      const vibrato = 1 + 0.03 * Math.sin((2 * Math.PI * 5 * n) / sampleRate);
      phase += (voice.pitch * pitchJitter * (1 - 0.15 * Math.min(1, sentenceTime / 3)) * vibrato) / sampleRate;
      if (phase >= 1) phase -= 1;
      voicedLevel = segment.voiced + (voicedLevel - segment.voiced) * attack;
      noiseLevel = segment.noise + (noiseLevel - segment.noise) * attack;
      const source = voicedLevel * (1 - 2 * phase) + noiseLevel * (random() * 2 - 1);
      samples[n] =
        FORMANT_GAINS[0] * resonators[0].step(source) +
        FORMANT_GAINS[1] * resonators[1].step(source) +
        FORMANT_GAINS[2] * resonators[2].step(source);
    }
    if (segment.reset) sentenceStart = n;
  }
  return writeWav(samples, sampleRate);
}
