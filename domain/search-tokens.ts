/**
 * Index tokens for prompt substring search that works for English and Chinese alike, with no
 * database extension (so PGlite and any Postgres behave the same):
 * - runs of CJK characters give every character and every adjacent pair, so a one- or
 *   two-character Chinese word is found (pg_trgm needs three characters and word boundaries);
 * - runs of other letters and digits give their lower-cased trigrams and 5-grams (words of one
 *   or two characters give themselves, marked so they never collide with a trigram). A query
 *   word of five or more characters asks for its 5-grams, which keep the order trigrams lose:
 *   with trigrams alone, "xenphasol" matched every prompt holding "xenpha…" and "…phasol" as
 *   separate words (3,550 candidates to recheck in 1M prompts; none with 5-grams).
 * A query matches rows whose tokens contain all of the query's tokens; the substring itself is
 * then rechecked, so tokens only need to be necessary, never sufficient.
 */
const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]/u;
const WORD = /[\p{L}\p{N}]/u;

function* runs(text: string): Generator<{ cjk: boolean; chars: string[] }> {
  let current: string[] = [];
  let cjk = false;
  for (const ch of text.toLowerCase()) {
    const isCjk = CJK.test(ch);
    const isWord = isCjk || WORD.test(ch);
    if (!isWord || (current.length > 0 && isCjk !== cjk)) {
      if (current.length) yield { cjk, chars: current };
      current = [];
    }
    if (isWord) {
      current.push(ch);
      cjk = isCjk;
    }
  }
  if (current.length) yield { cjk, chars: current };
}

const GRAM = 5;

function* grams(chars: string[], n: number): Generator<string> {
  for (let i = 0; i + n <= chars.length; i++) yield chars.slice(i, i + n).join('');
}

function tokensOf(text: string, forQuery: boolean): string[] {
  const out = new Set<string>();
  for (const run of runs(text)) {
    const c = run.chars;
    if (run.cjk) {
      // A query needs only pairs (a single character: itself); a document needs both.
      if (!forQuery || c.length === 1) c.forEach((ch) => out.add(ch));
      for (let i = 0; i + 1 < c.length; i++) out.add(c[i]! + c[i + 1]!);
    } else if (c.length < 3) {
      // A short query word may be part of a longer word in the prompt ("fo" in "fox"): it
      // yields no token, and the recheck alone decides. A short document word is kept whole.
      if (!forQuery) out.add(`${c.join('')}$`);
    } else {
      // A query's 5-grams cover each of its trigrams, so a long query word needs only those.
      if (!forQuery || c.length < GRAM) for (const g of grams(c, 3)) out.add(g);
      if (c.length >= GRAM) for (const g of grams(c, GRAM)) out.add(g);
    }
  }
  return [...out];
}

export function documentTokens(prompt: string): string[] {
  return tokensOf(prompt, false);
}

export function queryTokens(query: string): string[] {
  return tokensOf(query, true);
}
