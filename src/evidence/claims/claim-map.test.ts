import { describe, expect, it } from "vitest";
import { makeFinding, type Finding, type Verdict } from "../../core/finding.js";
import { bearingOf, buildClaimMap, sortTimeline, type LinkRecord } from "./claim-map.js";
import type { TimelineEvent } from "./model.js";

function f(method: string, verdict: Verdict, parameters: Record<string, unknown> = {}): Finding {
  return makeFinding({ method, methodVersion: "1", title: method, verdict, statement: `${method} ${verdict}`, result: {}, inputs: [], parameters });
}

const claim = { id: "C1", caseId: null, title: "t", statement: "The investigation claims that x.", counterpoints: "" };
const link = (p: Partial<LinkRecord> & Pick<LinkRecord, "id" | "kind" | "ref">): LinkRecord => ({
  claimId: "C1", stance: "context", note: "", selector: null, expect: null, resolvedVerdict: null, ...p,
});
const ev = (id: string, date: string): TimelineEvent => ({ id, date, precision: "day", titleEn: id, titleZh: null, category: "policy", sourceIds: [], origin: "test" });

describe("bearingOf", () => {
  it("maps verdict and expectation to a bearing", () => {
    expect(bearingOf("flag", "flag")).toBe("matches-expectation");
    expect(bearingOf("pass", "flag")).toBe("does-not-match");
    expect(bearingOf("pass", "pass")).toBe("matches-expectation");
    expect(bearingOf("insufficient-data", "flag")).toBe("undecided");
    expect(bearingOf("estimate", "flag")).toBe("no-verdict");
    expect(bearingOf("flag", null)).toBe("no-verdict");
    expect(bearingOf(null, "flag")).toBe("unresolved");
  });
});

describe("buildClaimMap", () => {
  const old = f("forensics.counter", "flag", { v: 1 });
  const now = f("forensics.counter", "pass", { v: 2 });
  const links: LinkRecord[] = [
    link({ id: "L1", kind: "item", ref: "I-1", stance: "supports" }),
    link({ id: "L2", kind: "item", ref: "I-gone", stance: "contradicts" }),
    link({ id: "L3", kind: "source", ref: "SRC1", stance: "supports" }),
    link({ id: "L4", kind: "finding", ref: old.id, selector: { method: "forensics.counter" }, expect: "flag", resolvedVerdict: "flag" }),
    link({ id: "L5", kind: "finding", ref: "", selector: { method: "model.accounting" } }),
    link({ id: "L6", kind: "event", ref: "E2" }),
    link({ id: "L7", kind: "event", ref: "E1" }),
    link({ id: "L8", kind: "entity", ref: "ent" }),
    link({ id: "L9", kind: "source", ref: "C2-only", claimId: "C2" }),
  ];
  const input = {
    claims: [claim],
    links,
    items: new Map([["I-1", { id: "I-1", sha256: "ab".repeat(32), label: "page.html", evidenceType: "hospital-web-page" }]]),
    sources: new Map([["SRC1", { id: "SRC1", title: "T", author: "A", year: "2019", qualityGrade: "B", url: "u" }]]),
    events: new Map([["E1", ev("E1", "1999-07-20")], ["E2", ev("E2", "2015-01-01")]]),
    entities: new Map([["ent", { id: "ent", kind: "person", name: "N" }]]),
  };

  it("re-resolves finding links, reports id changes, and counts evidence by stance", () => {
    const [m] = buildClaimMap({ ...input, findings: [now] });
    expect(m!.items.map((i) => [i.id, i.stance, i.missing])).toEqual([["I-1", "supports", false], ["I-gone", "contradicts", true]]);
    expect(m!.sources.map((s) => [s.id, s.title])).toEqual([["SRC1", "T"]]);
    expect(m!.summary.evidence).toEqual({ supports: 2, contradicts: 1, context: 0 });
    const [counter, accounting] = m!.findings;
    expect(counter).toMatchObject({ linkedId: old.id, currentId: now.id, idChanged: true, verdict: "pass", linkedVerdict: "flag", bearing: "does-not-match" });
    expect(accounting).toMatchObject({ currentId: null, verdict: null, bearing: "unresolved", linkedId: null });
    expect(m!.summary.findings["does-not-match"]).toBe(1);
    expect(m!.summary.findings.unresolved).toBe(1);
    expect(m!.events.map((e) => e.id)).toEqual(["E1", "E2"]);
    expect(m!.entities.map((e) => e.name)).toEqual(["N"]);
  });

  it("without findings shows the stored verdict and marks links not computed", () => {
    const [m] = buildClaimMap({ ...input, findings: null });
    expect(m!.findings.map((x) => x.bearing)).toEqual(["not-computed", "not-computed"]);
    expect(m!.findings[0]).toMatchObject({ linkedVerdict: "flag", verdict: null });
  });

  it("lists ambiguous candidates", () => {
    const [m] = buildClaimMap({ ...input, findings: [now, f("forensics.counter", "flag", { v: 3 })] });
    expect(m!.findings[0]!.bearing).toBe("unresolved");
    expect(m!.findings[0]!.ambiguous).toHaveLength(2);
  });
});

describe("sortTimeline", () => {
  it("orders by ISO date; a year-precision date sorts before the days of that year", () => {
    const out = sortTimeline([ev("b", "2007-05-01"), ev("a", "2007"), ev("c", "1999-07-20"), ev("d", "2007-03")]);
    expect(out.map((e) => e.id)).toEqual(["c", "a", "d", "b"]);
  });
});
