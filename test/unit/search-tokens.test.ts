import { describe, expect, it } from 'vitest';
import { documentTokens, queryTokens } from '../../domain/search-tokens';

/** The property search relies on: if q is a substring of p, q's tokens ⊆ p's tokens. */
function covered(prompt: string, query: string): boolean {
  const doc = new Set(documentTokens(prompt));
  return queryTokens(query).every((t) => doc.has(t));
}

describe('search tokens', () => {
  it('index English by trigrams, case-insensitively', () => {
    expect(queryTokens('Fox')).toEqual(['fox']);
    expect(covered('A Red Fox in the snow', 'red fox')).toBe(true);
    expect(covered('A Red Fox in the snow', 'red cat')).toBe(false);
  });

  it('find one- and two-character Chinese words', () => {
    expect(queryTokens('狐狸')).toEqual(['狐狸']);
    expect(queryTokens('雪')).toEqual(['雪']);
    expect(covered('一只红色的狐狸站在雪地里', '狐狸')).toBe(true);
    expect(covered('一只红色的狐狸站在雪地里', '雪')).toBe(true);
    expect(covered('一只红色的狐狸站在雪地里', '狸站在')).toBe(true);
    expect(covered('一只红色的狐狸站在雪地里', '猫咪')).toBe(false);
  });

  it('keep the order of a long word that trigrams alone lose', () => {
    expect(queryTokens('Phasol')).toEqual(['phaso', 'hasol']);
    // Every trigram of "xenphasol" is in this prompt, but not the word itself.
    const prompt = 'xenphaka staphasol';
    expect(queryTokens('xenp').every((t) => documentTokens(prompt).includes(t))).toBe(true);
    expect(covered(prompt, 'xenphasol')).toBe(false);
    expect(covered('a xenphasolka dawn', 'xenphasol')).toBe(true);
  });

  it('handle mixed prompts and substrings inside words', () => {
    expect(covered('赛博朋克 city at night, neon 霓虹灯', 'neon 霓虹')).toBe(true);
    expect(covered('cyberpunk city', 'berpu')).toBe(true);
    expect(queryTokens('ab')).toEqual([]);
  });

  it('hold the substring property on generated text', () => {
    const alphabet = 'abcde 狐狸雪地 xyz, 猫';
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 500; i++) {
      const prompt = Array.from({ length: 20 }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
      const start = Math.floor(rand() * 15);
      const query = prompt.slice(start, start + 1 + Math.floor(rand() * 8));
      expect(covered(prompt, query), `${query} in ${prompt}`).toBe(true);
    }
  });
});
