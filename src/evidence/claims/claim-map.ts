import type { Finding, Verdict } from "../../core/finding.js";
import type { Expect, FindingSelector, LinkKind, Stance, TimelineEvent } from "./model.js";
import { resolveSelector, selectorLabel } from "./selector.js";

/**
 * Claim-map assembly (pure): for each claim, the items, sources, findings, events and entities
 * linked to it, with each finding's current verdict and how that verdict bears on the claim.
 */

export interface ClaimRecord {
  id: string;
  caseId: string | null;
  title: string;
  statement: string;
  counterpoints: string;
}

export interface LinkRecord {
  id: string;
  claimId: string;
  kind: LinkKind;
  /** item id, source id, event id or entity id; for findings the id it resolved to when linked (or "") */
  ref: string;
  stance: Stance;
  note: string;
  selector: FindingSelector | null;
  expect: Expect | null;
  resolvedVerdict: Verdict | null;
}

export interface ItemSummary {
  id: string;
  sha256: string;
  label: string;
  evidenceType: string | null;
}

export interface SourceSummary {
  id: string;
  title: string;
  author: string;
  year: string;
  qualityGrade: string;
  url: string;
}

export interface EntitySummary {
  id: string;
  kind: string;
  name: string;
}

/**
 * How a finding bears on a claim that expects a verdict:
 * - `matches-expectation`: the verdict is the one the claim predicts (e.g. the claim predicts a flag);
 * - `does-not-match`: the opposite verdict; a pass is not proof against the claim, only the absence of this signal;
 * - `undecided`: insufficient data;
 * - `no-verdict`: an estimate, or no expectation stated;
 * - `unresolved`: the findings given contain no finding for the selector (or several);
 * - `not-computed`: no findings were supplied, only the verdict stored at link time is shown.
 */
export type Bearing = "matches-expectation" | "does-not-match" | "undecided" | "no-verdict" | "unresolved" | "not-computed";

export interface FindingEntry {
  linkId: string;
  selector: FindingSelector | null;
  selectorLabel: string;
  stance: Stance;
  expect: Expect | null;
  note: string;
  /** id stored when the link was made */
  linkedId: string | null;
  linkedVerdict: Verdict | null;
  /** id and verdict in the findings supplied now */
  currentId: string | null;
  verdict: Verdict | null;
  title: string | null;
  statement: string | null;
  /** true when the selector now resolves to a different id (inputs, parameters or tool version changed) */
  idChanged: boolean;
  ambiguous: string[];
  bearing: Bearing;
}

export interface ClaimMapEntry {
  claim: ClaimRecord;
  items: (ItemSummary & { linkId: string; stance: Stance; note: string; missing: boolean })[];
  sources: (SourceSummary & { linkId: string; stance: Stance; note: string; missing: boolean })[];
  findings: FindingEntry[];
  events: (TimelineEvent & { linkId: string })[];
  entities: (EntitySummary & { linkId: string })[];
  summary: {
    evidence: Record<Stance, number>;
    findings: Record<Bearing, number>;
  };
}

export interface ClaimMapInput {
  claims: readonly ClaimRecord[];
  links: readonly LinkRecord[];
  items: ReadonlyMap<string, ItemSummary>;
  sources: ReadonlyMap<string, SourceSummary>;
  events: ReadonlyMap<string, TimelineEvent>;
  entities: ReadonlyMap<string, EntitySummary>;
  /** findings of a current audit run; null when none were computed */
  findings: readonly Finding[] | null;
}

export function bearingOf(verdict: Verdict | null, expect: Expect | null): Bearing {
  if (verdict === null) return "unresolved";
  if (verdict === "insufficient-data") return "undecided";
  if (verdict === "estimate" || expect === null) return "no-verdict";
  return verdict === expect ? "matches-expectation" : "does-not-match";
}

function findingEntry(l: LinkRecord, findings: readonly Finding[] | null): FindingEntry {
  const base = {
    linkId: l.id,
    selector: l.selector,
    selectorLabel: l.selector ? selectorLabel(l.selector) : l.ref,
    stance: l.stance,
    expect: l.expect,
    note: l.note,
    linkedId: l.ref === "" ? null : l.ref,
    linkedVerdict: l.resolvedVerdict,
  };
  if (findings === null) {
    return { ...base, currentId: null, verdict: null, title: null, statement: null, idChanged: false, ambiguous: [], bearing: "not-computed" };
  }
  const r = l.selector ? resolveSelector(findings, l.selector) : ((): ReturnType<typeof resolveSelector> => {
    const f = findings.find((x) => x.id === l.ref);
    return f ? { status: "resolved", finding: f } : { status: "unresolved" };
  })();
  if (r.status !== "resolved") {
    return {
      ...base, currentId: null, verdict: null, title: null, statement: null, idChanged: false,
      ambiguous: r.status === "ambiguous" ? r.candidates : [], bearing: "unresolved",
    };
  }
  const f = r.finding;
  return {
    ...base,
    currentId: f.id,
    verdict: f.verdict,
    title: f.title,
    statement: f.statement,
    idChanged: base.linkedId !== null && base.linkedId !== f.id,
    ambiguous: [],
    bearing: bearingOf(f.verdict, l.expect),
  };
}

const ZERO_STANCES = (): Record<Stance, number> => ({ supports: 0, contradicts: 0, context: 0 });
const ZERO_BEARINGS = (): Record<Bearing, number> => ({
  "matches-expectation": 0, "does-not-match": 0, undecided: 0, "no-verdict": 0, unresolved: 0, "not-computed": 0,
});

/** Assemble the claim map. Claims keep their input order; links keep theirs within each claim. */
export function buildClaimMap(input: ClaimMapInput): ClaimMapEntry[] {
  const byClaim = new Map<string, LinkRecord[]>();
  for (const l of input.links) {
    const list = byClaim.get(l.claimId) ?? [];
    list.push(l);
    byClaim.set(l.claimId, list);
  }
  return input.claims.map((claim) => {
    const entry: ClaimMapEntry = {
      claim,
      items: [], sources: [], findings: [], events: [], entities: [],
      summary: { evidence: ZERO_STANCES(), findings: ZERO_BEARINGS() },
    };
    for (const l of byClaim.get(claim.id) ?? []) {
      switch (l.kind) {
        case "item": {
          const it = input.items.get(l.ref);
          entry.items.push({ ...(it ?? { id: l.ref, sha256: "", label: "(item not in archive)", evidenceType: null }), linkId: l.id, stance: l.stance, note: l.note, missing: !it });
          entry.summary.evidence[l.stance]++;
          break;
        }
        case "source": {
          const s = input.sources.get(l.ref);
          entry.sources.push({ ...(s ?? { id: l.ref, title: "(source not in the data package)", author: "", year: "", qualityGrade: "", url: "" }), linkId: l.id, stance: l.stance, note: l.note, missing: !s });
          entry.summary.evidence[l.stance]++;
          break;
        }
        case "finding": {
          const fe = findingEntry(l, input.findings);
          entry.findings.push(fe);
          entry.summary.findings[fe.bearing]++;
          break;
        }
        case "event": {
          const ev = input.events.get(l.ref);
          if (ev) entry.events.push({ ...ev, linkId: l.id });
          break;
        }
        case "entity": {
          const en = input.entities.get(l.ref);
          if (en) entry.entities.push({ ...en, linkId: l.id });
          break;
        }
      }
    }
    entry.events.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    return entry;
  });
}

/** Sort events chronologically (ISO dates of day, month or year precision sort as strings). */
export function sortTimeline<E extends { date: string; id: string }>(events: readonly E[]): E[] {
  return [...events].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
