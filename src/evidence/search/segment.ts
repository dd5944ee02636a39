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
