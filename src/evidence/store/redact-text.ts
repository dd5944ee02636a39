/**
 * Replace every occurrence of each term by "[REDACTED]" (pure). Longer terms are replaced first, so
 * that "张三丰" is not left as "[REDACTED]丰" when "张三" is also a term. Matching is exact after
 * NFC normalisation of both the text and the terms.
 */
export const REDACTION_MARK = "[REDACTED]";

export function redactText(text: string, terms: readonly string[]): { text: string; replaced: number } {
  const clean = [...new Set(terms.map((t) => t.normalize("NFC")).filter((t) => t.length > 0))].sort((a, b) => b.length - a.length);
  let out = text.normalize("NFC");
  let replaced = 0;
  for (const t of clean) {
    const parts = out.split(t);
    replaced += parts.length - 1;
    out = parts.join(REDACTION_MARK);
  }
  return { text: out, replaced };
}
