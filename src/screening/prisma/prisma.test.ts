import { describe, expect, it } from "vitest";
import { makeDecision, type Decision } from "../review/decision.js";
import { parseXml } from "../records/xml.js";
import { prismaCounts } from "./counts.js";
import { prismaFinding } from "./flow-finding.js";
import { prismaSvg } from "./svg.js";

let seq = 0;
const d = (recordId: string, stage: string, reviewer: string, decision: string, reasonCode: string | null = null, resolution = false): Decision =>
  makeDecision({ seq: ++seq, recordId, stage, reviewer, decision, reasonCode, time: "2026-11-28T12:00:00Z", resolution });

// Hand-worked example (dual screening, 2 reviewers required):
//  r1 A+B include → include;  r2 A+B exclude (wrong-population) → exclude;
//  r3 A include, B exclude → conflict, resolved include by C;  r4 A exclude, B include → unresolved conflict;
//  r5 A+B maybe;  r6 only A → pending;  r7 A+B exclude (not-human);  r8 no decision.
//  Full text: r1 A+B include; r3 A+B exclude not-retrieved; r2 (not sought) and dup9 (removed duplicate) ignored.
const log: Decision[] = [
  d("r1", "title-abstract", "A", "include"), d("r1", "title-abstract", "B", "include"),
  d("r2", "title-abstract", "A", "exclude", "wrong-population"), d("r2", "title-abstract", "B", "exclude"),
  d("r3", "title-abstract", "A", "include"), d("r3", "title-abstract", "B", "exclude"), d("r3", "title-abstract", "C", "include", null, true),
  d("r4", "title-abstract", "A", "exclude"), d("r4", "title-abstract", "B", "include"),
  d("r5", "title-abstract", "A", "maybe"), d("r5", "title-abstract", "B", "maybe"),
  d("r6", "title-abstract", "A", "include"),
  d("r7", "title-abstract", "A", "exclude", "not-human"), d("r7", "title-abstract", "B", "exclude", "not-human"),
  d("r1", "full-text", "A", "include"), d("r1", "full-text", "B", "include"),
  d("r3", "full-text", "A", "exclude", "not-retrieved"), d("r3", "full-text", "B", "exclude", "not-retrieved"),
  d("r2", "full-text", "A", "exclude", "wrong-design"),
  d("dup9", "title-abstract", "A", "include"),
];
const input = {
  identified: [{ source: "pubmed.nbib", n: 6 }, { source: "cnki.txt", n: 4 }],
  duplicatesRemoved: 2,
  recordIds: ["r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8"],
  decisions: log,
  requiredReviewers: 2,
};

describe("prismaCounts", () => {
  const c = prismaCounts(input);
  it("derives every box of the flow from the decision log (hand-worked example)", () => {
    expect(c.identifiedTotal).toBe(10);
    expect(c.duplicatesRemoved).toBe(2);
    expect(c.screened).toBe(4); // r1, r2, r3, r7
    expect(c.screeningExcluded).toBe(2); // r2, r7
    expect(c.screeningExcludedByReason).toEqual([{ reason: "not-human", n: 1 }, { reason: "wrong-population", n: 1 }]);
    expect(c.screeningAwaiting).toBe(4); // r4 conflict, r5 maybe, r6 pending, r8 none
    expect(c.titleAbstract).toMatchObject({ conflict: 1, maybe: 1, pending: 1, undecided: 1 });
    expect(c.sought).toBe(2); // r1, r3
    expect(c.notRetrieved).toBe(1); // r3
    expect(c.assessed).toBe(1); // r1
    expect(c.fullTextExcluded).toBe(0);
    expect(c.included).toBe(1);
    expect(c.ignoredDecisions).toBe(2); // r2 full text (not sought), dup9
  });
  it("single screening: one reviewer settles a record", () => {
    const c1 = prismaCounts({ ...input, requiredReviewers: 1 });
    // r6 (A include) now settles; r4 and r3's reviewers still disagree (r3 resolved)
    expect(c1.screened).toBe(5);
    expect(c1.sought).toBe(3);
  });
});

describe("prismaSvg and prismaFinding", () => {
  const c = prismaCounts(input);
  it("is deterministic, well-formed XML and shows the counts", () => {
    const svg = prismaSvg(c);
    expect(prismaSvg(prismaCounts(input))).toBe(svg);
    const root = parseXml(svg);
    expect(root.name).toBe("svg");
    for (const s of ["pubmed.nbib (n = 6)", "Total (n = 10)", "Duplicate records removed (n = 2)", "Records screened (n = 4)", "Records excluded (n = 2)", "Reports not retrieved (n = 1)", "Reports assessed for eligibility (n = 1)", "Studies included in review (n = 1)", "Awaiting a decision (n = 4)"]) {
      expect(svg).toContain(s);
    }
    expect(prismaSvg(c, { title: "A <b> & c" })).toContain("A &lt;b&gt; &amp; c");
  });
  it("a finding with caveats for unresolved, maybe and pending records, never NaN", () => {
    const f = prismaFinding(input, [{ name: "project.sqlite", sha256: "0".repeat(64) }]);
    expect(f.verdict).toBe("estimate");
    expect(f.caveats.map((x) => x.code)).toEqual(["C_SC_PRISMA_UNRESOLVED", "C_SC_PRISMA_MAYBE", "C_SC_PRISMA_PENDING"]);
    expect(f.statement).toContain("incomplete");
    // the total awaiting is split by stage, so it matches the diagram's two "Awaiting" boxes
    expect(f.statement).toContain(`${c.screeningAwaiting + c.fullTextAwaiting} record(s) still await a decision (4 at title/abstract, ${c.fullTextAwaiting} at full text)`);
    expect(JSON.stringify(f)).not.toMatch(/NaN|Infinity/);
  });
});
