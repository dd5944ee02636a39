/**
 * Query parsing and planning (no I/O). A query is a list of terms separated by spaces; "double quotes"
 * make a phrase; a leading "-" excludes a term. Every term is folded like the documents (normalize.ts) and
 * routed to the index that can answer it:
 *
 * - `trigram`: terms of 3+ code points that contain Han characters, or that are not plain words
 *   (FTS5 trigram over the folded text: Chinese substrings without relying on spaces);
 * - `like`: Han terms of 1-2 code points (FTS5 trigram cannot match below 3 characters), answered by
 *   LIKE on the same folded column;
 * - `word`: Latin/digit words and phrases (FTS5 `porter unicode61` over the folded, segmented text:
 *   English stemming, so "transplants" finds "transplantation").
 *
 * All terms must match (AND); excluded terms must not.
 */
import { fold, hasHan, cpLength } from "./normalize.js";

export type TermKind = "trigram" | "like" | "word";

export interface QueryTerm {
  /** the term as typed */
  raw: string;
  /** folded form (what is matched) */
  folded: string;
  kind: TermKind;
  negated: boolean;
}

export interface ParsedQuery {
  terms: QueryTerm[];
}

/** Split into raw terms: "quoted phrases", -negation, whitespace separation (ASCII and ideographic space). */
export function tokenizeQuery(q: string): { text: string; negated: boolean; quoted: boolean }[] {
  const out: { text: string; negated: boolean; quoted: boolean }[] = [];
  const re = /(-?)"([^"]*)"|(-?)([^\s\u3000"]+)/gu;
  let m: RegExpExecArray | null;
  while ((m = re.exec(q)) !== null) {
    if (m[2] !== undefined) {
      const t = m[2].trim();
      if (t !== "") out.push({ text: t, negated: m[1] === "-", quoted: true });
    } else if (m[4] !== undefined) {
      const neg = m[3] === "-";
      if (m[4] !== "") out.push({ text: m[4], negated: neg, quoted: false });
    }
  }
  return out;
}

const WORDLIKE = /^[\p{L}\p{N}][\p{L}\p{N}'’\- ]*$/u;

export function classify(folded: string): TermKind {
  if (hasHan(folded)) return cpLength(folded.replace(/\s+/g, "")) >= 3 ? "trigram" : "like";
  if (WORDLIKE.test(folded)) return "word";
  return cpLength(folded) >= 3 ? "trigram" : "word";
}

const EDGE_PUNCT = /^[\s:;,.!?'"()[\]{}*^，。：；！？、（）《》“”‘’]+|[\s:;,.!?'"()[\]{}*^，。：；！？、（）《》“”‘’]+$/gu;

export function parseQuery(q: string): ParsedQuery {
  const terms: QueryTerm[] = [];
  for (const t of tokenizeQuery(q)) {
    // sentence punctuation around a term ("liver:", "(肝)", "*") is not part of it
    const folded = fold(t.text).trim().replace(EDGE_PUNCT, "");
    if (folded === "") continue;
    terms.push({ raw: t.text, folded, kind: classify(folded), negated: t.negated });
  }
  return { terms };
}

/** An FTS5 string literal: "..." with embedded quotes doubled. */
export function ftsQuote(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/**
 * The bigram-index query for a 1-2 character Han term (table search_chars, see segment.ts): the token
 * itself for 2 characters, a prefix query for 1; null when the term has non-Han characters (then LIKE on
 * the folded text decides, by a scan).
 */
export function charsPhrase(folded: string): string | null {
  const cps = [...folded.replace(/\s+/g, "")];
  if (cps.length === 0 || cps.length > 2 || !cps.every((c) => /\p{Script=Han}/u.test(c))) return null;
  return cps.length === 2 ? ftsQuote(cps.join("")) : `${ftsQuote(cps[0]!)}*`;
}

/** The FTS5 phrase for one word term: its letters and digits, punctuation dropped. */
export function wordPhrase(t: QueryTerm): string {
  return ftsQuote(t.folded.replace(/[^\p{L}\p{N}\s]+/gu, " ").replace(/\s+/g, " ").trim());
}

/** An FTS5 MATCH expression for the positive word terms (AND of phrases). */
export function wordMatchExpression(terms: QueryTerm[]): string | null {
  const pos = terms.filter((t) => t.kind === "word" && !t.negated);
  if (pos.length === 0) return null;
  return pos.map(wordPhrase).join(" AND ");
}

/** An FTS5 MATCH expression for the trigram index (positive terms only). */
export function trigramMatchExpression(terms: QueryTerm[]): string | null {
  const pos = terms.filter((t) => t.kind === "trigram" && !t.negated);
  if (pos.length === 0) return null;
  return pos.map((t) => ftsQuote(t.folded)).join(" AND ");
}

/** A LIKE pattern for a substring, with %, _ and the escape character escaped (ESCAPE '\'). */
export function likePattern(s: string): string {
  return `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
