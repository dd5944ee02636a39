/**
 * Title normalisation for duplicate detection (pure): Unicode NFKC (full-width → ASCII), traditional →
 * simplified Chinese (OpenCC t→cn), lower case, and only letters and digits kept (punctuation, spaces
 * and the "（虚构记录）"-style brackets' punctuation removed; their letters stay).
 */
import { Converter } from "opencc-js";

let toSimplified: ((s: string) => string) | null = null;

export function normaliseTitle(title: string): string {
  const conv = (toSimplified ??= Converter({ from: "t", to: "cn" }));
  const s = title.normalize("NFKC").toLowerCase();
  const simplified = /\p{Script=Han}/u.test(s) ? String(conv(s)) : s;
  return Array.from(simplified)
    .filter((c) => /[\p{L}\p{N}]/u.test(c))
    .join("");
}
