/**
 * Tokenisers for ranking. Text is split into runs of Han characters and everything else:
 * - non-Han runs: lower-cased word tokens of two or more letters/digits (scikit-learn's default
 *   token pattern `\b\w\w+\b`), stop words removed, then word n-grams of 1..ngramMax joined by a space;
 * - Han runs: overlapping character bigrams (a one-character run gives the character), and/or the
 *   words of a segmenter (jieba; injected so that this file stays pure), prefixed `w:` so that a
 *   two-character word and the identical bigram stay separate features.
 * A run of Chinese characters is never one token (the fault of whitespace tokenisers on Chinese).
 */
import { ENGLISH_STOP_WORDS } from "./stopwords.js";

export type ChineseMode = "bigram" | "words" | "both";

export interface TokenizerOptions {
  /** largest English word n-gram (1 = unigrams only); default 1 */
  ngramMax?: number;
  /** remove English stop words; default true */
  stopWords?: boolean;
  /** Chinese features: character bigrams, segmenter words, or both; default "bigram" */
  chinese?: ChineseMode;
  /** word segmenter for Han runs (e.g. jieba's `cut`); required when chinese is "words" or "both" */
  segment?: (text: string) => string[];
}

const HAN_RUN = /(\p{Script=Han}+)/u;
const WORD = /[\p{L}\p{N}_][\p{L}\p{N}_]+/gu;

/** English word tokens with stop words removed, then word n-grams 1..ngramMax. */
export function englishTokens(text: string, ngramMax = 1, stopWords = true): string[] {
  const words = (text.toLowerCase().match(WORD) ?? []).filter((w) => !stopWords || !ENGLISH_STOP_WORDS.has(w));
  if (ngramMax <= 1) return words;
  const out = [...words];
  for (let n = 2; n <= ngramMax; n++)
    for (let i = 0; i + n <= words.length; i++) out.push(words.slice(i, i + n).join(" "));
  return out;
}

/** Overlapping character bigrams of a run of Han characters (the character itself when the run has one). */
export function chineseBigrams(run: string): string[] {
  const chars = [...run];
  if (chars.length === 1) return chars;
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(`${chars[i]}${chars[i + 1]}`);
  return out;
}

export function tokenize(text: string, opts: TokenizerOptions = {}): string[] {
  const mode = opts.chinese ?? "bigram";
  if (mode !== "bigram" && !opts.segment) throw new RangeError(`chinese mode "${mode}" needs a segmenter`);
  const parts = text.normalize("NFKC").split(HAN_RUN);
  const out: string[] = [];
  const ngramMax = opts.ngramMax ?? 1;
  const stop = opts.stopWords ?? true;
  // split() with a capturing group alternates non-Han (even index) and Han runs (odd index);
  // English n-grams never cross a Han run
  parts.forEach((part, i) => {
    if (part === "") return;
    if (i % 2 === 0) {
      out.push(...englishTokens(part, ngramMax, stop));
      return;
    }
    if (mode !== "words") out.push(...chineseBigrams(part));
    if (mode !== "bigram" && opts.segment)
      for (const w of opts.segment(part)) if (/\p{Script=Han}/u.test(w)) out.push(`w:${w}`);
  });
  return out;
}
