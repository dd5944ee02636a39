/**
 * Evaluation of parsed screening rules against a record's fields. Pure: no I/O.
 *
 * Positions are in characters (Unicode code points), 1-based like R. An exact phrase matches
 * case-insensitively; a phrase that starts (ends) with a Latin letter or digit must start (end) on a
 * word boundary, and a trailing `*` makes it a prefix ("transplant*"). `fuzzy(p, d)` takes, per phrase
 * and field, the best window of R's running-cosine search (window = phrase length, q = 1) and keeps it
 * when its distance is strictly below `d` (Robertson & Lavee kept distances < 0.28).
 * `A NEAR/n B` keeps the hits of A and B that lie within n characters of each other (gap between the
 * two spans, 0 when they overlap); `A NOTNEAR/n B` keeps the hits of A with no hit of B within n.
 */
import { afindRunningCosineMany, prepareText, type PreparedText } from "../match/running-cosine.js";
import type { ScreeningRecord } from "../records/record.js";
import type { Rule, RuleExpr, RuleField, RuleSet } from "./parse.js";

export interface RuleHit {
  field: RuleField;
  /** 1-based start, in characters */
  start: number;
  /** 1-based inclusive end, in characters */
  end: number;
  text: string;
  phrase: string;
  /** running-cosine distance, for fuzzy hits */
  distance?: number;
}

export interface RuleResult {
  rule: string;
  matched: boolean;
  /** the hits that made the rule true (empty when it matched only through NOT) */
  hits: RuleHit[];
}

interface FieldText {
  field: RuleField;
  chars: string[];
  lower: string[];
  prepared: PreparedText | null;
}

interface Eval {
  ok: boolean;
  hits: RuleHit[];
}

export function fieldText(r: ScreeningRecord, f: RuleField): string {
  switch (f) {
    case "title":
      return r.title;
    case "abstract":
      return r.abstract;
    case "keywords":
      return r.keywords.join("; ");
    case "fulltext":
      return r.fullText ?? "";
  }
}

const LATIN_WORD = /[A-Za-z0-9]/;

function isLatinWordChar(c: string | undefined): boolean {
  return c !== undefined && LATIN_WORD.test(c);
}

/** All exact (case-insensitive, word-bounded for Latin) occurrences of a phrase in a field. */
function exactHits(ft: FieldText, phrase: string): RuleHit[] {
  const prefix = phrase.endsWith("*");
  const p = Array.from((prefix ? phrase.slice(0, -1) : phrase).toLowerCase());
  if (p.length === 0) return [];
  const hits: RuleHit[] = [];
  const t = ft.lower;
  const needStart = isLatinWordChar(p[0]);
  const needEnd = !prefix && isLatinWordChar(p[p.length - 1]);
  outer: for (let i = 0; i + p.length <= t.length; i++) {
    for (let j = 0; j < p.length; j++) if (t[i + j] !== p[j]) continue outer;
    if (needStart && i > 0 && isLatinWordChar(t[i - 1])) continue;
    let end = i + p.length;
    if (prefix) while (end < t.length && isLatinWordChar(t[end])) end++;
    else if (needEnd && end < t.length && isLatinWordChar(t[end])) continue;
    hits.push({ field: ft.field, start: i + 1, end, text: ft.chars.slice(i, end).join(""), phrase });
  }
  return hits;
}

function fuzzyHits(ft: FieldText, phrases: readonly string[], maxDistance: number): RuleHit[] {
  if (ft.chars.length === 0) return [];
  const pt = (ft.prepared ??= prepareText(ft.chars.join("")));
  const hits: RuleHit[] = [];
  afindRunningCosineMany(pt, phrases).forEach((r, i) => {
    if (r.location === null || r.distance === null || !(r.distance < maxDistance)) return;
    const len = Array.from(r.match).length;
    hits.push({ field: ft.field, start: r.location, end: r.location + len - 1, text: r.match, phrase: phrases[i]!, distance: r.distance });
  });
  return hits;
}

function gap(a: RuleHit, b: RuleHit): number {
  if (a.end < b.start) return b.start - a.end - 1;
  if (b.end < a.start) return a.start - b.end - 1;
  return 0;
}

function dedupeHits(hits: RuleHit[]): RuleHit[] {
  const seen = new Set<string>();
  const out: RuleHit[] = [];
  for (const h of hits) {
    const k = `${h.field}:${h.start}:${h.end}:${h.phrase}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(h);
    }
  }
  return out.sort((a, b) => a.start - b.start || a.end - b.end || (a.phrase < b.phrase ? -1 : a.phrase > b.phrase ? 1 : 0));
}

function evalExpr(e: RuleExpr, ft: FieldText): Eval {
  switch (e.kind) {
    case "phrase": {
      const hits = e.phrases.flatMap((p) => exactHits(ft, p));
      return { ok: hits.length > 0, hits };
    }
    case "fuzzy": {
      const hits = fuzzyHits(ft, e.phrases, e.maxDistance);
      return { ok: hits.length > 0, hits };
    }
    case "not": {
      const r = evalExpr(e.item, ft);
      return { ok: !r.ok, hits: [] };
    }
    case "and": {
      const hits: RuleHit[] = [];
      for (const item of e.items) {
        const r = evalExpr(item, ft);
        if (!r.ok) return { ok: false, hits: [] };
        hits.push(...r.hits);
      }
      return { ok: true, hits: dedupeHits(hits) };
    }
    case "or": {
      const hits: RuleHit[] = [];
      let ok = false;
      for (const item of e.items) {
        const r = evalExpr(item, ft);
        if (r.ok) {
          ok = true;
          hits.push(...r.hits);
        }
      }
      return { ok, hits: dedupeHits(hits) };
    }
    case "near": {
      const l = evalExpr(e.left, ft);
      if (!l.ok) return { ok: false, hits: [] };
      const r = evalExpr(e.right, ft);
      if (e.negated) {
        const keep = l.hits.filter((a) => !r.hits.some((b) => gap(a, b) <= e.distance));
        return { ok: keep.length > 0, hits: keep };
      }
      if (!r.ok) return { ok: false, hits: [] };
      const keepL = l.hits.filter((a) => r.hits.some((b) => gap(a, b) <= e.distance));
      const keepR = r.hits.filter((b) => l.hits.some((a) => gap(a, b) <= e.distance));
      return { ok: keepL.length > 0, hits: dedupeHits([...keepL, ...keepR]) };
    }
  }
}

/** Evaluate one rule on a record: true when it holds in any of the rule's fields. */
export function evaluateRule(rule: Rule, record: ScreeningRecord): RuleResult {
  const hits: RuleHit[] = [];
  let matched = false;
  for (const f of rule.fields) {
    const text = fieldText(record, f);
    const chars = Array.from(text);
    const ft: FieldText = { field: f, chars, lower: chars.map((c) => c.toLowerCase()), prepared: null };
    const r = evalExpr(rule.expr, ft);
    if (r.ok) {
      matched = true;
      hits.push(...r.hits);
    }
  }
  return { rule: rule.name, matched, hits };
}

/** Evaluate every rule of a set on a record. */
export function evaluateRules(set: RuleSet, record: ScreeningRecord): RuleResult[] {
  return set.rules.map((r) => evaluateRule(r, record));
}
