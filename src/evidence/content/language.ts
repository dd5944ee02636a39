/**
 * A coarse language guess for filtering (no I/O): "zh-Hant", "zh-Hans", "en", "mixed" or "und".
 * It counts Han characters against Latin letters, and calls Han text traditional when folding it to
 * simplified changes at least 5% of its Han characters. It is a filter aid, not a claim about the source.
 */
import { toSimplified } from "../search/normalize.js";

export type GuessedLanguage = "zh-Hans" | "zh-Hant" | "en" | "mixed" | "und";

export function guessLanguage(text: string): GuessedLanguage {
  const sample = text.length > 20000 ? text.slice(0, 20000) : text;
  const han = sample.match(/\p{Script=Han}/gu) ?? [];
  const latin = sample.match(/[A-Za-z]/g) ?? [];
  if (han.length === 0 && latin.length === 0) return "und";
  // a Han character carries roughly as much text as 4-5 Latin letters
  const hanWeight = han.length * 4;
  const zh = hanWeight >= latin.length * 0.25;
  const en = latin.length >= hanWeight * 0.25;
  if (zh && en && han.length >= 10 && latin.length >= 40) return "mixed";
  if (zh || (han.length > 0 && !en)) {
    const hanText = han.join("");
    const simp = toSimplified(hanText);
    let changed = 0;
    for (let i = 0; i < hanText.length; i++) if (hanText[i] !== simp[i]) changed++;
    return changed / hanText.length >= 0.05 ? "zh-Hant" : "zh-Hans";
  }
  return "en";
}
