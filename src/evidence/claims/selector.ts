import { canonicalJson } from "../../core/canonical.js";
import type { Finding } from "../../core/finding.js";
import type { FindingSelector } from "./model.js";

/**
 * Resolve a finding selector against a list of findings (pure). A selector must pick exactly one
 * finding: none is `unresolved` (the audit did not produce it, e.g. a model section not run), several
 * is `ambiguous` (the selector must be narrowed; the candidates are listed).
 */
export type Resolution =
  | { status: "resolved"; finding: Finding }
  | { status: "unresolved" }
  | { status: "ambiguous"; candidates: string[] };

export function matchesSelector(f: Finding, s: FindingSelector): boolean {
  if (f.method !== s.method) return false;
  if (s.parameters) {
    const params = f.provenance.parameters;
    for (const [k, v] of Object.entries(s.parameters)) {
      if (!(k in params)) return false;
      if (canonicalJson(params[k] ?? null) !== canonicalJson(v)) return false;
    }
  }
  if (s.titleIncludes !== undefined && !f.title.includes(s.titleIncludes)) return false;
  if (s.inputIncludes !== undefined && !f.provenance.inputs.some((i) => i.name.includes(s.inputIncludes!))) return false;
  return true;
}

export function resolveSelector(findings: readonly Finding[], s: FindingSelector): Resolution {
  const hits = findings.filter((f) => matchesSelector(f, s));
  if (hits.length === 1) return { status: "resolved", finding: hits[0]! };
  if (hits.length === 0) return { status: "unresolved" };
  return { status: "ambiguous", candidates: hits.map((f) => f.id) };
}

/** A short human label for a selector, e.g. `forensics.fit{model=poly2,to=2017}`. */
export function selectorLabel(s: FindingSelector): string {
  const parts: string[] = [];
  for (const k of Object.keys(s.parameters ?? {}).sort()) parts.push(`${k}=${String(s.parameters![k])}`);
  if (s.titleIncludes !== undefined) parts.push(`title~"${s.titleIncludes}"`);
  if (s.inputIncludes !== undefined) parts.push(`input~"${s.inputIncludes}"`);
  return parts.length ? `${s.method}{${parts.join(",")}}` : s.method;
}
