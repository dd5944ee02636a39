/**
 * Word segmentation for the word index: runs of Han characters in folded (simplified) text are cut into
 * words with jieba (precise mode with HMM for unknown words) and joined with spaces; other text is
 * kept as is. The FTS5 `porter unicode61` tokenizer then sees Chinese words as tokens, which ranks
 * word-level matches (bm25) and gives English stemming in the same index. Substring search does not depend
 * on this: the trigram index answers it.
 */
import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";

let jieba: Jieba | undefined;

function instance(): Jieba {
  jieba ??= Jieba.withDict(dict);
  return jieba;
}

const HAN_RUN = /\p{Script=Han}+/gu;

/** Folded text with each Han run replaced by its space-separated jieba words. */
export function segmentForIndex(folded: string): string {
  return folded.replace(HAN_RUN, (run) => ` ${instance().cut(run, true).join(" ")} `);
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
