import { describe, it, expect } from "vitest";
import peerDonors from "../../test/fixtures/forensics-checks/peer_donors.json" with { type: "json" };
import { canonicalJson } from "../core/canonical.js";
import { makeFinding } from "../core/finding.js";
import { holmAdjust } from "../stats/holm.js";
import { applyHolm, runAudit } from "./audit.js";
import { parseModelName } from "./models.js";
import type { PeerSet, Series } from "./series.js";

const input = { name: "test", sha256: "0".repeat(64) };
// GODT deceased_donors_actual per country-year (test/fixtures/forensics-checks/peer_donors.json, from
// /work/shared/data/international_deceased_donors.csv via make_fixtures.py)
const peers: PeerSet = {
  name: "GODT deceased donors",
  series: Object.entries(peerDonors as Record<string, { x: number[]; y: number[] }>).map(([k, v]) => ({ name: k, x: v.x, y: v.y, input })),
};
const years = [2010, 2011, 2012, 2013, 2014, 2015, 2016, 2017, 2018];
// y = round(78.3 x^2), x = year - 2009 (test/fixtures/forensics-checks/manufactured.csv)
const manufactured: Series = { name: "manufactured", x: years, y: [78, 313, 705, 1253, 1958, 2819, 3837, 5011, 6342], input };
// China official annual deceased donors (test/fixtures/forensics-checks/china_donors.csv; 2012 not reported)
const china: Series = { name: "China", x: [2010, 2011, 2013, 2014, 2015, 2016, 2017, 2018], y: [34, 132, 849, 1700, 2766, 4080, 5146, 6302], input };

function fake(p: number | null, verdict: "flag" | "pass" | "insufficient-data" | "estimate", name: string) {
  return makeFinding({ method: `t.${name}`, methodVersion: "1", title: name, verdict, statement: name, pValue: p, result: {}, inputs: [input], parameters: {} });
}

describe("applyHolm", () => {
  it("adjusts only deciding findings with p-values, and downgrades flags that do not survive", () => {
    // family: 0.01 (flag), 0.04 (flag), 0.03 (pass), 0.005 (flag) -> Holm [0.03, 0.06, 0.06, 0.02] (see holm.test.ts)
    const fs = [
      fake(0.01, "flag", "a"),
      fake(0.04, "flag", "b"),
      fake(null, "flag", "rule"),
      fake(0.03, "pass", "c"),
      fake(0.001, "insufficient-data", "small"),
      fake(0.005, "flag", "d"),
      fake(null, "estimate", "fit"),
    ];
    const r = applyHolm(fs, 0.05);
    expect(r.m).toBe(4);
    expect(r.findings.map((f) => f.pAdjusted)).toEqual([0.03, 0.06, null, 0.06, null, 0.02, null].map((v) => (v === null ? null : expect.closeTo(v, 12))));
    expect(r.findings.map((f) => f.verdict)).toEqual(["flag", "pass", "flag", "pass", "insufficient-data", "flag", "estimate"]);
    expect(r.findings[1]!.caveats.map((c) => c.code)).toContain("C_CHK_HOLM_DOWNGRADE");
    expect(r.findings.every((f) => f.caveats.some((c) => c.code === "C_CHK_HOLM"))).toBe(true);
    expect(r.findings[0]!.caveats.find((c) => c.code === "C_CHK_HOLM")!.message).toMatch(/3 finding\(s\) with insufficient data or no p-value were excluded/);
  });
});

describe("runAudit", () => {
  const opts = { spec: parseModelName("quadratic"), peers, seed: 11, sims: 199, to: 2017 };
  it("runs one finding per test and Holm-adjusts the battery", () => {
    const r = runAudit(manufactured, opts);
    expect(r.findings.map((f) => f.method)).toEqual([
      "forensics.fit",
      "forensics.peer-benchmark",
      "forensics.predict",
      "forensics.dispersion",
      "forensics.digits.benford-first",
      "forensics.digits.last-digit",
      "forensics.digits.rounding",
    ]);
    const family = r.findings.map((f) => ((f.verdict === "flag" || f.verdict === "pass") && typeof f.pValue === "number" ? f.pValue : null));
    const want = holmAdjust(family);
    r.findings.forEach((f, i) => expect(f.pAdjusted ?? null).toEqual(want[i] ?? null));
    for (const f of r.findings) if (f.verdict === "flag" && f.pAdjusted !== null && f.pAdjusted !== undefined) expect(f.pAdjusted).toBeLessThan(0.05);
    expect(() => canonicalJson(r)).not.toThrow();
  });
  it("flags a series manufactured from y = round(78.3 x^2) (too smooth for counting noise)", () => {
    const r = runAudit(manufactured, opts);
    const disp = r.findings.find((f) => f.method === "forensics.dispersion")!;
    expect(disp.verdict).toBe("flag");
    // the digit tests cannot decide on 8 values and say so
    for (const f of r.findings.filter((g) => g.method.startsWith("forensics.digits"))) expect(f.verdict).toBe("insufficient-data");
  });
  it("adds ratio and consistency findings when extra series are given", () => {
    const organs: Series = { name: "organs", x: [2015, 2016], y: [7758, 11620], input };
    const donors: Series = { name: "donors", x: [2015, 2016], y: [2766, 4080], input };
    const r = runAudit(china, {
      ...opts,
      ratios: [{ numerator: organs, denominator: donors, name: "organs per donor" }],
      comparisons: [{ other: { name: "GODT China", x: [2015, 2016], y: [2766, 4080], input }, options: { expect: "equal" } }],
    });
    const bounds = r.findings.find((f) => f.method === "forensics.ratios.bounds")!;
    expect(bounds.verdict).toBe("pass");
    expect(bounds.pAdjusted).toBeNull();
    expect(r.findings.find((f) => f.method === "forensics.consistency.equal")!.verdict).toBe("pass");
  });
  it("is byte-identical for the same seed", () => {
    expect(canonicalJson(runAudit(china, opts))).toBe(canonicalJson(runAudit(china, opts)));
  });
  it("peerMatch 'length' compares China's 8 years (2012 missing) with each peer's 8 latest years; minPeers is passed on", () => {
    const w = { spec: parseModelName("quadratic"), peers, seed: 11, sims: 99, from: 2010, to: 2018 };
    const byYears = runAudit(china, w).findings.find((f) => f.method === "forensics.peer-benchmark")!;
    const byLength = runAudit(china, { ...w, peerMatch: "length" }).findings.find((f) => f.method === "forensics.peer-benchmark")!;
    const pred = runAudit(china, { ...w, peerMatch: "length" }).findings.find((f) => f.method === "forensics.predict")!;
    // fixture peers with at least 8 values in 2010-2018, and those with all of China's years
    const eligible = peers.series.filter((s) => s.x.filter((x) => x >= 2010 && x <= 2018).length >= 8).length;
    const withAllYears = peers.series.filter((s) => china.x.every((x) => s.x.includes(x))).length;
    expect((byYears.result as { peers: unknown[] }).peers.length).toBe(withAllYears);
    expect((byLength.result as { peers: unknown[] }).peers.length).toBe(eligible);
    expect(byLength.provenance.parameters.match).toBe("length");
    expect(pred.provenance.parameters.match).toBe("length");
    const strict = runAudit(china, { ...w, peerMatch: "length", minPeers: 100 }).findings.find((f) => f.method === "forensics.peer-benchmark")!;
    expect(strict.verdict).toBe("insufficient-data");
    expect(strict.caveats.map((c) => c.code)).toContain("C_PEER_TOO_FEW");
  });
  it("a flag downgraded by Holm says so in its statement", () => {
    const fs = [fake(0.04, "flag", "b"), fake(0.03, "pass", "c")];
    const r = applyHolm(fs, 0.05);
    expect(r.findings[0]!.verdict).toBe("pass");
    expect(r.findings[0]!.statement).toMatch(/After Holm's correction across the 2 tests of the battery \(adjusted p = 0\.06\)/);
  });
  it("rejects a bad alpha", () => {
    expect(() => runAudit(china, { ...opts, alpha: 1.5 })).toThrow(/alpha/);
  });
});
