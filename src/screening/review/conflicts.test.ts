import { describe, it, expect } from "vitest";
import { OrganAuditError } from "../../core/errors.js";
import { agreementFinding } from "./agreement-report.js";
import { listConflicts, reviewerPairs, reviewersAt, stageOutcomes } from "./conflicts.js";
import { currentDecisions, makeDecision, type Decision } from "./decision.js";

let seq = 0;
function d(recordId: string, reviewer: string, decision: string, extra: Partial<Decision> = {}): Decision {
  seq++;
  return makeDecision({
    seq,
    recordId,
    reviewer,
    decision,
    stage: extra.stage ?? "title-abstract",
    reasonCode: extra.reasonCode ?? null,
    note: extra.note ?? null,
    time: "2026-11-28T10:00:00Z",
    resolution: extra.resolution ?? false,
  });
}

describe("decisions", () => {
  it("validates fields and names the field in the error", () => {
    expect(() => d("r1", "ann", "keep")).toThrow(/unknown decision "keep"/);
    try {
      makeDecision(
        {
          seq: 1,
          recordId: "r1",
          reviewer: "ann",
          decision: "exclude",
          stage: "full-text",
          time: "2026-11-28T10:00:00Z",
        },
        { file: "d.csv", line: 4 },
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(OrganAuditError);
      expect((e as OrganAuditError).code).toBe("SC_REV_REASON_REQUIRED");
      expect((e as OrganAuditError).message).toMatch(/^d\.csv:4, field "reasonCode"/);
    }
    expect(() => d("r1", "ann", "exclude", { reasonCode: "bad code!" })).toThrow(/reasonCode/);
    expect(() =>
      makeDecision({
        seq: 1,
        recordId: "r1",
        reviewer: "ann",
        decision: "include",
        stage: "title-abstract",
        time: "yesterday",
      }),
    ).toThrow(/ISO 8601/);
    expect(() => d("r1", " ", "include")).toThrow(/reviewer/);
  });

  it("a later decision by the same reviewer supersedes the earlier one", () => {
    const log = [d("r1", "ann", "include"), d("r1", "bob", "exclude"), d("r1", "ann", "exclude")];
    const cur = currentDecisions(log);
    expect(cur.map((x) => `${x.reviewer}:${x.decision}`)).toEqual(["bob:exclude", "ann:exclude"]);
  });
});

describe("dual screening outcomes and conflicts", () => {
  const log = [
    d("r1", "ann", "include"),
    d("r1", "bob", "include"),
    d("r2", "ann", "include"),
    d("r2", "bob", "exclude", { reasonCode: "wrong-population" }),
    d("r3", "ann", "maybe"),
    d("r3", "bob", "exclude"),
    d("r3", "carol", "exclude", { resolution: true, reasonCode: "not-transplant" }),
    d("r4", "ann", "exclude", { reasonCode: "animal-study" }),
    d("r4", "bob", "exclude"),
    d("r5", "ann", "include"),
    d("r6", "ann", "exclude", { stage: "full-text", reasonCode: "no-full-text" }),
  ];

  it("settles agreements, lists conflicts, honours resolutions and marks single reviews pending", () => {
    const o = stageOutcomes(log, "title-abstract", 2);
    expect(o.get("r1")?.status).toBe("include");
    expect(o.get("r2")?.status).toBe("conflict");
    expect(o.get("r3")).toMatchObject({ status: "exclude", reasonCode: "not-transplant", resolvedBy: "carol" });
    expect(o.get("r4")).toMatchObject({ status: "exclude", reasonCode: "animal-study" });
    expect(o.get("r5")?.status).toBe("pending");
    expect(o.has("r6")).toBe(false);
    expect(stageOutcomes(log, "title-abstract", 1).get("r5")?.status).toBe("include");
    expect(listConflicts(log, "title-abstract").map((c) => c.recordId)).toEqual(["r2"]);
    expect(stageOutcomes(log, "full-text").get("r6")).toMatchObject({ status: "exclude", reasonCode: "no-full-text" });
  });

  it("pairs only records both reviewers screened, ignoring resolutions", () => {
    expect(reviewerPairs(log, "title-abstract", "ann", "bob")).toEqual([
      { recordId: "r1", a: "include", b: "include" },
      { recordId: "r2", a: "include", b: "exclude" },
      { recordId: "r3", a: "maybe", b: "exclude" },
      { recordId: "r4", a: "exclude", b: "exclude" },
    ]);
    expect(reviewersAt(log, "title-abstract")).toEqual(["ann", "bob"]);
  });

  it("agreement finding: insufficient-data below 10 pairs, an estimate with kappa above", () => {
    const few = agreementFinding(log, "title-abstract", "ann", "bob");
    expect(few.verdict).toBe("insufficient-data");
    expect(few.result.cohenKappa).toBeNull();
    expect(few.caveats[0]?.code).toBe("C_SC_REV_FEW_PAIRS");
    // 50 records reproducing the 2 x 2 Wikipedia example (yes/yes 20, yes/no 5, no/yes 10, no/no 15): kappa 0.4
    const big: Decision[] = [];
    const cells: Array<[string, string, number]> = [
      ["include", "include", 20],
      ["include", "exclude", 5],
      ["exclude", "include", 10],
      ["exclude", "exclude", 15],
    ];
    let k = 0;
    for (const [a, b, n] of cells)
      for (let i = 0; i < n; i++) {
        k++;
        big.push(d(`p${k}`, "ann", a), d(`p${k}`, "bob", b));
      }
    const f = agreementFinding(big, "title-abstract", "ann", "bob");
    expect(f.verdict).toBe("estimate");
    expect(f.statistic?.value).toBeCloseTo(0.4, 12);
    expect(f.result.percentAgreement?.value).toBeCloseTo(0.7, 12);
    expect(f.result.table).toEqual([
      [15, 10],
      [5, 20],
    ]); // categories sorted: exclude, include; rows ann
    expect(JSON.stringify(f)).not.toMatch(/NaN|Infinity/);
  });
});
