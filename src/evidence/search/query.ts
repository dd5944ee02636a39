/**
 * Query parsing and planning (no I/O). A query is a list of terms separated by spaces; "double quotes"
 * make a phrase; a leading "-" excludes a term. Every term is folded like the documents (normalize.ts) and
 * classified (`kind`, also used by the PostgreSQL index, pg-index.ts):
 *
 * - `trigram`: terms of 3+ code points that contain Han characters, or that are not plain words;
 * - `like`: Han terms of 1-2 code points;
 * - `word`: Latin/digit words and phrases (English stemming: "transplants" finds "transplantation").
 *
 * The SQLite index plans the whole query as ONE FTS5 expression on its single table (`ftsPlan`, `termFts`):
 * words and phrases in the columns `words` and `pinyin`, a run of Han characters of any length as the
 * phrase of its bigrams in `chars` (exact), mixed-script terms pre-filtered by their whole-token pieces and
 * checked with LIKE. All terms must match (AND); excluded terms must not (FTS5 NOT, or NOT LIKE).
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
 * The bigram-column query for a 1-2 character Han term (column chars, see segment.ts): the token itself
 * for 2 characters, a prefix query for 1; null when the term has non-Han characters or more characters
 * (hanRunPhrase handles every length; this helper is kept for other callers).
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

/** An FTS5 MATCH expression for a trigram table (positive terms only; the SQLite index no longer has one). */
export function trigramMatchExpression(terms: QueryTerm[]): string | null {
  const pos = terms.filter((t) => t.kind === "trigram" && !t.negated);
  if (pos.length === 0) return null;
  return pos.map((t) => ftsQuote(t.folded)).join(" AND ");
}

/** A LIKE pattern for a substring, with %, _ and the escape character escaped (ESCAPE '\'). */
export function likePattern(s: string): string {
  return `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The bigram-column query for one run of Han characters (segment.ts: charsForIndex): 1 character = prefix
 * query `"院"*`, 2 = the token, 3+ = the phrase of its overlapping bigrams (`"器官 官移 移植"`), which matches
 * exactly the texts holding the run as a substring (bigrams never span two runs).
 */
export function hanRunPhrase(run: string): string {
  const cps = [...run];
  if (cps.length === 1) return `${ftsQuote(cps[0]!)}*`;
  if (cps.length === 2) return ftsQuote(run);
  const bigrams: string[] = [];
  for (let i = 0; i + 1 < cps.length; i++) bigrams.push(cps[i]! + cps[i + 1]!);
  return ftsQuote(bigrams.join(" "));
}

/** The columns a word term is matched in: the segmented words and the pinyin of names (pinyin.ts). */
export const WORD_COLUMNS = "{words pinyin}";

/**
 * The single-table FTS5 expression of one term (table search_fts, columns words, chars, pinyin), and whether
 * that expression is exact. Exact: a word or phrase (column filter on words and pinyin), a term that is one
 * run of Han characters (bigram phrase in chars). Otherwise (mixed scripts, punctuation, spaces inside a Han
 * term) the expression is a pre-filter built from the pieces that must be whole tokens (Han runs, and Latin
 * or digit runs bounded inside the term), and the exact substring is checked by LIKE on the folded text;
 * null when no piece can be indexed (then LIKE alone decides, by a scan).
 */
export function termFts(t: QueryTerm): { expr: string | null; exact: boolean } {
  if (t.kind === "word") {
    const p = wordPhrase(t);
    return p === '""' ? { expr: null, exact: false } : { expr: `${WORD_COLUMNS} : ${p}`, exact: true };
  }
  if (/^\p{Script=Han}+$/u.test(t.folded)) return { expr: `chars : ${hanRunPhrase(t.folded)}`, exact: true };
  const parts: string[] = [];
  const re = /\p{Script=Han}+|(?:(?!\p{Script=Han})[\p{L}\p{N}])+/gu;
  let m: RegExpExecArray | null;
  while ((m = re.exec(t.folded)) !== null) {
    const piece = m[0];
    if (/\p{Script=Han}/u.test(piece)) parts.push(`chars : ${hanRunPhrase(piece)}`);
    else if (m.index > 0 && m.index + piece.length < t.folded.length) {
      // a Latin/digit run with a non-token character on each side inside the term is a whole token of the text
      parts.push(`words : ${ftsQuote(piece)}`);
    }
  }
  // a 1-character Han piece is a prefix query (a merge of many doclists): left to LIKE when other pieces exist
  const whole = parts.filter((p) => !p.endsWith("*"));
  const use = whole.length > 0 ? whole : parts;
  return { expr: use.length > 0 ? use.join(" AND ") : null, exact: false };
}

export interface FtsPlan {
  /** one FTS5 MATCH expression for search_fts (positive terms ANDed, exact negated terms excluded with NOT); null if none */
  match: string | null;
  /** terms to check with LIKE on the folded text (inexact positive terms, and negated terms that FTS5 cannot exclude exactly) */
  like: { pattern: string; negated: boolean }[];
  /** negated exact terms when there is no positive FTS expression to subtract them from: one expression for NOT IN */
  exclude: string | null;
}

/** Plan a parsed query on the single FTS5 table: the intersection (and exclusions) happen inside FTS5. */
export function ftsPlan(terms: QueryTerm[]): FtsPlan {
  const pos: string[] = [];
  const neg: string[] = [];
  const like: FtsPlan["like"] = [];
  for (const t of terms) {
    const f = termFts(t);
    if (t.negated) {
      if (f.exact && f.expr) neg.push(f.expr);
      else like.push({ pattern: likePattern(t.folded), negated: true });
      continue;
    }
    if (f.expr) pos.push(f.expr);
    if (!f.exact) like.push({ pattern: likePattern(t.folded), negated: false });
  }
  const negExpr = neg.length > 0 ? neg.map((n) => `(${n})`).join(" OR ") : null;
  if (pos.length === 0) return { match: null, like, exclude: negExpr };
  const posExpr = pos.map((p) => `(${p})`).join(" AND ");
  return { match: negExpr ? `(${posExpr}) NOT (${negExpr})` : posExpr, like, exclude: null };
}
