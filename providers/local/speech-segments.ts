/**
 * What each character sounds like: how long it lasts relative to the others, how much of it is
 * voiced (pitched) or noise (hiss), and the formants it glides to.
 */
export interface Segment {
  /** Relative length; the renderer scales all of them to its time per character. */
  weight: number;
  voiced: number;
  noise: number;
  formants: readonly [number, number, number];
  /** Resonator bandwidth in Hz: narrow for vowels, wide for hiss. */
  bandwidth: number;
  /** A sentence end: the pitch contour starts over after it. */
  reset?: boolean;
}

// Textbook average formants (Peterson & Barney), enough to make vowels sound distinct.
const VOWELS: Record<string, readonly [number, number, number]> = {
  a: [730, 1090, 2440], e: [530, 1840, 2480], i: [270, 2290, 3010],
  o: [570, 840, 2410], u: [300, 870, 2240], y: [300, 2100, 2900],
};
const FRICATIVES: Record<string, number> = { s: 5000, z: 4500, f: 3800, v: 3500, h: 1600, c: 4200, x: 4600, j: 3000 };
const SILENCE: Segment = { weight: 1, voiced: 0, noise: 0, formants: [500, 1500, 2500], bandwidth: 100 };
const STOPS = new Set(['t', 'k', 'p', 'q', 'd', 'b', 'g']);

export function segmentFor(char: string, codePoint: number): Segment {
  const vowel = VOWELS[char];
  if (vowel) return { weight: 1.3, voiced: 1, noise: 0.02, formants: vowel, bandwidth: 90 };
  const fricative = FRICATIVES[char];
  if (fricative !== undefined) {
    return { weight: 0.9, voiced: 'zvj'.includes(char) ? 0.4 : 0, noise: 1.5, formants: [fricative * 0.6, fricative, fricative * 1.3], bandwidth: 700 };
  }
  if (STOPS.has(char)) return { weight: 0.6, voiced: 0.15, noise: 1, formants: [400, 1800, 2600], bandwidth: 500 };
  if ('lmnrw'.includes(char)) return { weight: 0.9, voiced: 0.5, noise: 0, formants: [300, 1200, 2500], bandwidth: 120 };
  if (/\s/u.test(char)) return { ...SILENCE, weight: 0.7 };
  if ('.!?。！？'.includes(char)) return { ...SILENCE, weight: 3, reset: true };
  if (/\p{P}/u.test(char)) return { ...SILENCE, weight: 2 };
  // Anything else (digits, CJK, emoji) is spoken as a vowel picked by its code point.
  const keys = Object.keys(VOWELS);
  return { weight: 1.2, voiced: 1, noise: 0.02, formants: VOWELS[keys[codePoint % keys.length] ?? 'a'] ?? [730, 1090, 2440], bandwidth: 90 };
}
