/**
 * What the index stores of a folded text (no I/O apart from jieba's dictionary): the `words` column (Latin
 * words and digits, each Han run as one token), the `chars` column (Han bigrams) and the `pinyin` column
 * (pinyin of the title) of the single FTS5 table (migration.ts). `segmentForIndex` (jieba words) is kept for
 * callers that rank Chinese by words; the SQLite index no longer uses it.
 */
import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";
import { fold } from "./normalize.js";
import { pinyinForIndex } from "./pinyin.js";

let jieba: Jieba | undefined;

function instance(): Jieba {
  jieba ??= Jieba.withDict(dict);
  return jieba;
}

const HAN_RUN = /\p{Script=Han}+/gu;

/**
 * Folded text with each Han run replaced by its space-separated jieba words. The runs of a text are cut in
 * one call, joined by "\n" (jieba splits its input into blocks at characters outside its block pattern, of
 * which "\n" is one, and returns the "\n" as its own token), which gives the same words as one call per run
 * at about half the cost (one native call per text instead of one per run). Falls back to one call per run
 * if the separators do not come back one for one.
 */
export function segmentForIndex(folded: string): string {
  const runs = folded.match(HAN_RUN);
  if (!runs) return folded;
  const per: string[][] = [[]];
  for (const tok of instance().cut(runs.join("\n"), true)) {
    if (tok === "\n") per.push([]);
    else per[per.length - 1]!.push(tok);
  }
  if (per.length !== runs.length) return folded.replace(HAN_RUN, (run) => ` ${instance().cut(run, true).join(" ")} `);
  let i = 0;
  return folded.replace(HAN_RUN, () => ` ${per[i++]!.join(" ")} `);
}

/**
 * Han bigrams of folded text for 1-2 character queries (below the trigram minimum): each run of Han
 * characters gives its overlapping bigrams (人民医院 → 人民 民医 医院) plus its last character followed by
 * "0" (院0), all space-separated. A 2-character query is then one token ("医院"), a 1-character query the
 * prefix query 院* (every occurrence of 院 starts a bigram or is the last of its run); both are exact, and
 * no bigram spans two runs (punctuation, Latin text or digits in between).
 */
export function charsForIndex(folded: string): string {
  const runs = folded.match(HAN_RUN);
  if (!runs) return "";
  const out: string[] = [];
  for (const run of runs) {
    const cps = [...run];
    for (let i = 0; i + 1 < cps.length; i++) out.push(cps[i]! + cps[i + 1]!);
    out.push(`${cps[cps.length - 1]!}0`);
  }
  return out.join(" ");
}

/**
 * The `words` column of the single FTS5 table: the folded text with each Han run set apart by spaces as one
 * token. Han terms are answered by the bigram column (`chars`), never by this one, so the runs need no
 * word segmentation here (jieba cost about half of the preparation time of a text: measured 5.4 of 8.8 s
 * per 100,000 corpus texts on a loaded machine); each run stays one token so that a Latin phrase does not
 * match across Chinese text ("liver 肝 transplant" is not the phrase "liver transplant").
 */
export function wordsForIndex(folded: string): string {
  return folded.replace(HAN_RUN, (run) => ` ${run} `);
}

/**
 * Han characters at the start of a text converted to pinyin beside the title's (0: titles only). Measured on
 * the benchmark corpus: pinyin of the first 20 Han characters of each text costs about 23 µs per text (2.3 s
 * for 100,000), the whole text about 60 µs; titles are converted in full.
 */
export const PINYIN_TEXT_CHARS = 0;

/** A title with %XX escapes (a URL) decoded, so that the Chinese of a URL path is seen; unchanged if it does not decode. */
export function decodePercent(title: string): string {
  if (!/%[0-9a-fA-F]{2}/.test(title)) return title;
  try {
    return decodeURI(title);
  } catch {
    return title;
  }
}

/** The values of a text's FTS5 row (table search_fts): Latin words (Han runs as single tokens), Han bigrams, pinyin of the title (and of the text's first Han characters). */
export function ftsValues(norm: string, title: string | null | undefined): { words: string; chars: string; pinyin: string } {
  const fromTitle = title ? pinyinForIndex(fold(decodePercent(title))) : "";
  const fromText = PINYIN_TEXT_CHARS > 0 ? pinyinForIndex(norm, PINYIN_TEXT_CHARS) : "";
  return { words: wordsForIndex(norm), chars: charsForIndex(norm), pinyin: fromTitle && fromText ? `${fromTitle} ${fromText}` : fromTitle || fromText };
}
