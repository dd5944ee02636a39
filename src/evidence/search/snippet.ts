/**
 * Snippets with highlighted matches (no I/O). Matches are found in the folded text (so a simplified query
 * highlights traditional characters) and shown in the original text when folding kept its length (the usual
 * case: NFKC, OpenCC t→s and lower-casing are character-for-character for CJK and ASCII); otherwise the
 * folded text is shown.
 */
import type { QueryTerm } from "./query.js";

export interface SnippetOptions {
  /** characters of context before the first match (default 30) */
  context?: number;
  /** maximum snippet length in characters, markers excluded (default 120) */
  maxLength?: number;
  open?: string;
  close?: string;
}

export interface Snippet {
  /** the snippet with markers inserted */
  text: string;
  /** [start, end) of each highlight in the snippet text without markers */
  ranges: [number, number][];
}

const SUFFIXES = ["ational", "ations", "ation", "ments", "ment", "ings", "ing", "ies", "ers", "er", "ed", "es", "ly", "s"];

/** A crude English stem for highlighting words found by the porter index (not the index's own stemmer). */
export function crudeStem(word: string): string {
  for (const suf of SUFFIXES) {
    if (word.endsWith(suf) && word.length - suf.length >= 4) return word.slice(0, word.length - suf.length);
  }
  return word;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Match ranges of the positive terms in the folded text, sorted and merged. */
export function matchRanges(norm: string, terms: QueryTerm[], limit = 1000): [number, number][] {
  const ranges: [number, number][] = [];
  for (const t of terms) {
    if (t.negated) continue;
    if (t.kind === "word") {
      for (const w of t.folded.split(/[^\p{L}\p{N}]+/u)) {
        if (w === "") continue;
        const re = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRe(crudeStem(w))}[\\p{L}\\p{N}]*`, "gu");
        let m: RegExpExecArray | null;
        while ((m = re.exec(norm)) !== null && ranges.length < limit) ranges.push([m.index, m.index + m[0].length]);
      }
    } else {
      const needle = t.folded;
      let i = norm.indexOf(needle);
      while (i >= 0 && ranges.length < limit) {
        ranges.push([i, i + needle.length]);
        i = norm.indexOf(needle, i + Math.max(1, needle.length));
      }
    }
  }
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

function safeCut(s: string, i: number): number {
  // do not split a surrogate pair
  if (i > 0 && i < s.length) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff) return i - 1;
  }
  return i;
}

export function makeSnippet(original: string, norm: string, terms: QueryTerm[], opts: SnippetOptions = {}): Snippet {
  const context = opts.context ?? 30;
  const maxLength = opts.maxLength ?? 120;
  const open = opts.open ?? "[";
  const close = opts.close ?? "]";
  const shown = original.length === norm.length ? original : norm;
  const ranges = matchRanges(norm, terms);
  const first = ranges[0];
  let start = first ? Math.max(0, first[0] - context) : 0;
  let end = Math.min(shown.length, start + maxLength);
  if (first && first[1] > end) end = Math.min(shown.length, first[1]);
  start = safeCut(shown, start);
  end = safeCut(shown, end);
  const flat = (s: string): string => s.replace(/\s+/g, " ");
  let text = "";
  const out: [number, number][] = [];
  const prefix = start > 0 ? "…" : "";
  let cursor = start;
  let plainLen = prefix.length;
  text += prefix;
  for (const [a, b] of ranges) {
    if (a >= end) break;
    if (b <= start) continue;
    const s0 = Math.max(a, start);
    const s1 = Math.min(b, end);
    const before = flat(shown.slice(cursor, s0));
    const hit = flat(shown.slice(s0, s1));
    text += before + open + hit + close;
    plainLen += before.length;
    out.push([plainLen, plainLen + hit.length]);
    plainLen += hit.length;
    cursor = s1;
  }
  text += flat(shown.slice(cursor, end)) + (end < shown.length ? "…" : "");
  return { text, ranges: out };
}
