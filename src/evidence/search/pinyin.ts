/**
 * Toneless pinyin of Han text for the search index's `pinyin` column, so that a query typed in pinyin
 * (`zhengzhou`, `zheng zhou`, `Zhèngzhōu`) finds 郑州. Uses pinyin-pro (its phrase dictionary picks the
 * reading of polyphonic characters from the context: 重庆 → chong qing, 银行 → yin hang).
 *
 * For each Han run of the (folded, simplified) text the column holds the syllables in order (so a quoted
 * query "zheng zhou" is a phrase), then the joined syllables of every dictionary word inside the run (jieba
 * full mode: 中南大学湘雅医院 → zhongnan, zhongnandaxue, daxue, xiangya, xiangyayiyuan, yiyuan, ...) and of
 * the whole run when it has at most 12 characters (so `zhengzhou` and `xiangya` are tokens). Only titles
 * (file names, URLs) are converted, not whole texts (segment.ts ftsValues, PINYIN_TEXT_CHARS; measured:
 * about 60 µs per text for a whole text, 23 µs for its first 20 Han characters).
 *
 * Limits: a polyphonic character outside pinyin-pro's phrases may get its most frequent reading only
 * (a query with the other reading misses it); ü is indexed as u (the tokenizer removes diacritics), so
 * `lu` finds 吕 and `lv` does not; a joined query that is neither a dictionary word nor a whole short run
 * (`huaxiyi`) is not a token; full mode also yields some spurious words (南大 in 中南大学), so `nanda`
 * finds 中南大学.
 */
import { pinyin } from "pinyin-pro";
import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";

let jieba: Jieba | undefined;

function words(run: string): string[] {
  jieba ??= Jieba.withDict(dict);
  return jieba.cutAll(run);
}

/** Runs up to this many characters are also indexed as one joined token (上海长征医院 → shanghaichangzhengyiyuan). */
const MAX_JOINED_RUN = 12;

const HAN_RUN = /\p{Script=Han}+/gu;

/** Toneless syllables of one Han run, one per character (pinyin-pro reads the run as a whole). */
export function syllables(run: string): string[] {
  const out = pinyin(run, { toneType: "none", type: "array" }) as string[];
  return out.map((s) => s.toLowerCase());
}

/**
 * The pinyin column of a text: syllables of every Han run, then the joined syllables of each word of two or
 * more characters. `maxChars` bounds the number of Han characters converted (the first ones of the text).
 * "" when the text has no Han character.
 */
export function pinyinForIndex(folded: string, maxChars = Number.POSITIVE_INFINITY): string {
  const runs = folded.match(HAN_RUN);
  if (!runs) return "";
  const syl: string[] = [];
  const joined = new Set<string>();
  let budget = maxChars;
  for (const full of runs) {
    if (budget <= 0) break;
    const cps = [...full];
    const run = cps.length > budget ? cps.slice(0, budget).join("") : full;
    budget -= Math.min(cps.length, budget);
    const s = syllables(run);
    if (s.length !== [...run].length) {
      // not one syllable per character (should not happen for Han text): keep the syllables only
      syl.push(...s);
      continue;
    }
    syl.push(...s);
    // every dictionary word of the run (jieba full mode: overlapping words, in order of their start), and the
    // whole run if short, as joined syllables
    let cursor = 0;
    for (const w of words(run)) {
      const at = run.indexOf(w, cursor);
      if (at < 0) continue;
      cursor = at;
      const from = [...run.slice(0, at)].length;
      const n = [...w].length;
      if (n >= 2) joined.add(s.slice(from, from + n).join(""));
    }
    if (s.length >= 2 && s.length <= MAX_JOINED_RUN) joined.add(s.join(""));
  }
  return [...syl, ...joined].join(" ");
}

