/**
 * Duplicate detection and merging (pure). Four passes, each reported with its reason:
 *  1. "doi": the same normalised DOI; "pmid": the same PubMed id;
 *  2. "title": the same normalised title (NFKC, traditional → simplified, case and punctuation folded;
 *     at least `minTitleChars` characters), with years compatible (equal, within one year, or missing);
 *  3. "fuzzy": titles whose character-bigram Dice similarity is at least `fuzzyThreshold` and whose
 *     normalised lengths are within 10 % of each other (so "Comments on article by Tran, '<title>'" is not
 *     merged with the article), years compatible.
 * Two records with different DOIs, or different PubMed ids, are never merged (an erratum, a comment or
 * a companion paper has its own). In passes 2 and 3, when both records have an abstract of at least
 * 50 characters, the abstracts must also agree: Dice ≥ `abstractThreshold` (default 0.95) on their
 * shingles (Latin words, Han character bigrams). On the Cohen (2006) ASReview sets, titles alone merged
 * different drugs ("… study of guanfacine …" vs "… study of lofexidine …", abstracts 0.93) and comments
 * on an article with the article.
 * Groups are closed transitively (union-find). The record kept is the one with the most metadata (DOI,
 * abstract length, full text), ties to the first in input order; its empty fields are filled from the
 * duplicates, keywords are united.
 */
import type { ScreeningRecord } from "../records/record.js";
import { normaliseTitle } from "./normalise-title.js";

export type DuplicateReason = "doi" | "pmid" | "title" | "fuzzy";

export interface DuplicateLink {
  id: string;
  reason: DuplicateReason;
  /** id of the record it was found to duplicate */
  of: string;
  /** title similarity (Dice on character bigrams of normalised titles), 1 for equal titles */
  similarity: number;
}

export interface DuplicateGroup {
  kept: string;
  removed: DuplicateLink[];
}

export interface DedupeResult {
  records: ScreeningRecord[];
  groups: DuplicateGroup[];
  removed: number;
  byReason: Record<DuplicateReason, number>;
}

export interface DedupeOptions {
  fuzzyThreshold?: number;
  minTitleChars?: number;
  abstractThreshold?: number;
}

function bigrams(s: string): Set<string> {
  const c = Array.from(s);
  const g = new Set<string>();
  for (let i = 0; i + 1 < c.length; i++) g.add(c[i]! + c[i + 1]!);
  return g;
}

/** Shingles of a text: each Latin/digit word, and the character bigrams of each run of Han characters. */
export function shingles(text: string): Set<string> {
  const g = new Set<string>();
  for (const m of text.normalize("NFKC").toLowerCase().matchAll(/\p{Script=Han}+|[\p{L}\p{N}]+/gu)) {
    const w = m[0];
    if (/\p{Script=Han}/u.test(w)) {
      const c = Array.from(w);
      if (c.length === 1) g.add(w);
      for (let i = 0; i + 1 < c.length; i++) g.add(c[i]! + c[i + 1]!);
    } else g.add(w);
  }
  return g;
}

export function dice(a: Set<string>, b: Set<string>): number {
  if (a.size + b.size === 0) return 0;
  let shared = 0;
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  for (const g of small) if (big.has(g)) shared++;
  return (2 * shared) / (a.size + b.size);
}

const yearsCompatible = (a: number | null, b: number | null): boolean => a === null || b === null || Math.abs(a - b) <= 1;
const doisCompatible = (a: string | null, b: string | null): boolean => a === null || b === null || a === b;

function richness(r: ScreeningRecord): number {
  return (r.doi ? 1e9 : 0) + (r.fullText ? 1e8 : 0) + r.abstract.length + (r.year !== null ? 1 : 0);
}

export function dedupeRecords(records: ScreeningRecord[], opts: DedupeOptions = {}): DedupeResult {
  const threshold = opts.fuzzyThreshold ?? 0.9;
  const minChars = opts.minTitleChars ?? 8;
  const absThreshold = opts.abstractThreshold ?? 0.95;
  const n = records.length;
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  // first link of each record: the other record, the reason and the similarity
  const link = new Map<number, { reason: DuplicateReason; of: number; similarity: number }>();
  // groups must stay DOI-consistent: track the DOI of each group root
  const groupDoi: (string | null)[] = records.map((r) => r.doi);
  const groupPmid: (string | null)[] = records.map((r) => r.pmid ?? null);
  const absGrams = new Map<number, Set<string>>();
  const abstractsAgree = (i: number, j: number): boolean => {
    const a = records[i]!.abstract;
    const b = records[j]!.abstract;
    if (a.length < 50 || b.length < 50) return true;
    const g = (k: number, t: string): Set<string> => {
      let x = absGrams.get(k);
      if (!x) absGrams.set(k, (x = shingles(t)));
      return x;
    };
    return dice(g(i, a), g(j, b)) >= absThreshold;
  };
  const groupYears: (number | null)[][] = records.map((r) => [r.year]);
  const union = (i: number, j: number, reason: DuplicateReason, similarity: number): boolean => {
    const a = find(i);
    const b = find(j);
    if (a === b) return false;
    if (!doisCompatible(groupDoi[a]!, groupDoi[b]!)) return false;
    if (!doisCompatible(groupPmid[a]!, groupPmid[b]!)) return false;
    if ((reason === "title" || reason === "fuzzy") && !abstractsAgree(i, j)) return false;
    if ((reason === "title" || reason === "fuzzy") && !groupYears[a]!.every((y) => groupYears[b]!.every((z) => yearsCompatible(y, z)))) return false;
    const [root, child] = a < b ? [a, b] : [b, a];
    parent[child] = root;
    groupDoi[root] = groupDoi[root] ?? groupDoi[child]!;
    groupPmid[root] = groupPmid[root] ?? groupPmid[child]!;
    groupYears[root] = [...groupYears[root]!, ...groupYears[child]!];
    if (!link.has(i)) link.set(i, { reason, of: j, similarity });
    if (!link.has(j)) link.set(j, { reason, of: i, similarity });
    return true;
  };
  // 1. DOI
  const byDoi = new Map<string, number>();
  records.forEach((r, i) => {
    if (!r.doi) return;
    const j = byDoi.get(r.doi);
    if (j === undefined) byDoi.set(r.doi, i);
    else union(j, i, "doi", 1);
  });
  const byPmid = new Map<string, number>();
  records.forEach((r, i) => {
    if (!r.pmid) return;
    const j = byPmid.get(r.pmid);
    if (j === undefined) byPmid.set(r.pmid, i);
    else union(j, i, "pmid", 1);
  });
  // 2. exact normalised title
  const norm = records.map((r) => normaliseTitle(r.title));
  const byTitle = new Map<string, number[]>();
  norm.forEach((t, i) => {
    if (Array.from(t).length < minChars) return;
    const prev = byTitle.get(t) ?? [];
    for (const j of prev) if (union(j, i, "title", 1)) break;
    prev.push(i);
    byTitle.set(t, prev);
  });
  // 3. fuzzy: candidates share a rare bigram (posting lists of frequent bigrams are skipped as blockers)
  const grams = norm.map((t) => (Array.from(t).length >= minChars ? bigrams(t) : new Set<string>()));
  const postings = new Map<string, number[]>();
  grams.forEach((g, i) => {
    for (const x of g) {
      const p = postings.get(x);
      if (p) p.push(i);
      else postings.set(x, [i]);
    }
  });
  const cap = Math.max(50, Math.ceil(n / 20));
  for (let i = 0; i < n; i++) {
    const gi = grams[i]!;
    if (gi.size === 0) continue;
    const cands = new Set<number>();
    for (const x of gi) {
      const p = postings.get(x)!;
      if (p.length > cap) continue;
      for (const j of p) if (j < i) cands.add(j);
    }
    for (const j of [...cands].sort((a, b) => a - b)) {
      if (find(i) === find(j)) continue;
      const gj = grams[j]!;
      const li = norm[i]!.length;
      const lj = norm[j]!.length;
      if (Math.min(li, lj) / Math.max(li, lj) < 0.9) continue;
      // the Dice bound from set sizes alone rules most candidates out cheaply
      if ((2 * Math.min(gi.size, gj.size)) / (gi.size + gj.size) < threshold) continue;
      const s = dice(gi, gj);
      if (s >= threshold) union(j, i, "fuzzy", Math.round(s * 1e6) / 1e6);
    }
  }
  // assemble groups
  const members = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    const m = members.get(r);
    if (m) m.push(i);
    else members.set(r, [i]);
  }
  const out: ScreeningRecord[] = [];
  const groups: DuplicateGroup[] = [];
  const byReason: Record<DuplicateReason, number> = { doi: 0, pmid: 0, title: 0, fuzzy: 0 };
  const keptAt = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const m = members.get(find(i))!;
    if (keptAt.has(find(i))) continue;
    let keep = m[0]!;
    for (const k of m) if (richness(records[k]!) > richness(records[keep]!)) keep = k;
    keptAt.set(find(i), keep);
    const merged = mergeInto(records[keep]!, m.filter((k) => k !== keep).map((k) => records[k]!));
    out.push(merged);
    if (m.length > 1) {
      const removed = m
        .filter((k) => k !== keep)
        .map((k) => {
          const l = link.get(k)!; // every member of a group of two or more has a link
          byReason[l.reason]++;
          return { id: records[k]!.id, reason: l.reason, of: records[l.of]!.id, similarity: l.similarity };
        });
      groups.push({ kept: records[keep]!.id, removed });
    }
  }
  return { records: out, groups, removed: n - out.length, byReason };
}

function mergeInto(keep: ScreeningRecord, dups: ScreeningRecord[]): ScreeningRecord {
  if (dups.length === 0) return keep;
  const r: ScreeningRecord = { ...keep, keywords: [...keep.keywords], labels: { ...keep.labels } };
  for (const d of dups) {
    if (!r.doi && d.doi) r.doi = d.doi;
    if (r.abstract === "" && d.abstract !== "") r.abstract = d.abstract;
    if (r.year === null && d.year !== null) r.year = d.year;
    if (!r.journal && d.journal) r.journal = d.journal;
    if (r.authors.length === 0 && d.authors.length > 0) r.authors = [...d.authors];
    if (r.fullText === undefined && d.fullText !== undefined) r.fullText = d.fullText;
    if (r.pmid === undefined && d.pmid !== undefined) r.pmid = d.pmid;
    for (const k of d.keywords) if (!r.keywords.includes(k)) r.keywords.push(k);
    for (const [k, v] of Object.entries(d.labels)) if (!(k in r.labels)) r.labels[k] = v;
  }
  return r;
}
