import { describe, it, expect } from "vitest";
import { annualCapacity, capacityFinding, minimumRequirementBound, latestUnitPerHospital, periodRank, type HospitalUnit, type ParamRange } from "./capacity.js";
import { canonicalJson } from "../core/canonical.js";

const input = { name: "test", sha256: "0".repeat(64) };
const fixed = (v: number, basis = "test"): ParamRange => ({ low: v, high: v, basis, assumed: false });
function unit(over: Partial<HospitalUnit>): HospitalUnit {
  return {
    hospital: "H", organ: "all", period: "", beds: 100, occupancy: fixed(1), stayDays: fixed(30), transplantShare: fixed(1),
    claims: [], sourceIds: [], origin: "test", ...over,
  };
}

describe("capacity formula (METHODS.md C9)", () => {
  it("100 beds, 100% occupancy, 30-day stay -> 1,216.7 a year", () => {
    expect(annualCapacity(100, 1, 30)).toBeCloseTo(1216.6667, 4);
  });
  it("Renji urology: 70 beds, 5-day stay, full occupancy -> 5,110 a year", () => {
    expect(annualCapacity(70, 1, 5)).toBe(5110);
  });
  it("transplant share scales linearly; bad input is an error", () => {
    expect(annualCapacity(100, 0.5, 10, 0.2)).toBeCloseTo(365, 10);
    expect(() => annualCapacity(10, 1, 0)).toThrow(/stay > 0/);
  });
  it("minimum-requirement bound = centres x minimum x years", () => {
    expect(minimumRequirementBound(146, 20, 15)).toBe(43800);
  });
});

describe("Monte Carlo", () => {
  it("fixed parameters give the formula value at every quantile", () => {
    const f = capacityFinding([unit({})], [input], { draws: 100, seed: 1 });
    for (const q of f.result.units[0]!.quantiles) expect(q.value).toBeCloseTo(1216.6667, 4);
  });

  it("uniform occupancy: quantiles match the analytic uniform quantiles within MC tolerance", () => {
    // capacity = 100 x 365/20 x U(0.6, 1.0): q_p = 1825 x (0.6 + 0.4 p). Sample-median SE for a uniform
    // of width w = 1825 x 0.4 is w / (2 sqrt(n)); tolerance 4 SE.
    const n = 20000;
    const f = capacityFinding([unit({ occupancy: { low: 0.6, high: 1, basis: "t", assumed: true }, stayDays: fixed(20) })], [input], { draws: n, seed: 9 });
    const u = f.result.units[0]!;
    const w = 1825 * 0.4;
    expect(Math.abs(u.quantiles[2]!.value - 1825 * 0.8)).toBeLessThan((4 * w) / (2 * Math.sqrt(n)));
    expect(Math.abs(u.quantiles[0]!.value - 1825 * (0.6 + 0.4 * 0.025))).toBeLessThan(0.01 * w);
    expect(u.point).toBeCloseTo(1460, 9);
    expect(u.lowest).toBeCloseTo(1095, 9);
    expect(u.highest).toBeCloseTo(1825, 9);
  });

  it("the same seed reproduces the same quantiles byte for byte; another seed differs", () => {
    const units = [unit({ occupancy: { low: 0.6, high: 1, basis: "t", assumed: true }, stayDays: { low: 10, high: 40, basis: "t", assumed: true } })];
    const a = capacityFinding(units, [input], { draws: 5000, seed: 42 });
    const b = capacityFinding(units, [input], { draws: 5000, seed: 42 });
    const c = capacityFinding(units, [input], { draws: 5000, seed: 43 });
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(a.result.units[0]!.quantiles[2]!.value).not.toBe(c.result.units[0]!.quantiles[2]!.value);
    expect(a.provenance.seed).toBe(42);
    expect(a.caveats.map((x) => x.code)).toContain("C_CAP_ASSUMED");
  });

  it("shared draws: two identical units sum to exactly twice one unit; independent draws give a narrower sum", () => {
    const r: ParamRange = { low: 0.5, high: 1, basis: "t", assumed: true };
    const units = [unit({ hospital: "A", occupancy: r }), unit({ hospital: "B", occupancy: r })];
    const s = capacityFinding(units, [input], { draws: 4000, seed: 3, correlation: "shared" });
    const i = capacityFinding(units, [input], { draws: 4000, seed: 3, correlation: "independent" });
    expect(s.result.aggregate.quantiles[4]!.value).toBeCloseTo(2 * s.result.units[0]!.quantiles[4]!.value, 6);
    const width = (f: typeof s): number => f.result.aggregate.quantiles[4]!.value - f.result.aggregate.quantiles[0]!.value;
    expect(width(i)).toBeLessThan(width(s));
  });

  it("compares claimed volumes with the interval", () => {
    const f = capacityFinding(
      [unit({ claims: [{ value: 5000, period: "2005", qualifier: "exact", sourceId: "X" }, { value: 100, period: "2005", qualifier: "exact", sourceId: "Y" }] })],
      [input], { draws: 100, seed: 1 },
    );
    const cl = f.result.units[0]!.claims;
    expect(cl[0]!.position).toBe("above-interval");
    expect(cl[0]!.ratioToMedian).toBeCloseTo(5000 / 1216.6667, 3);
    expect(cl[1]!.position).toBe("below-interval");
    expect(f.statement).toContain("inconsistent with the stated beds and stays");
  });

  it("turnover: beds x turnover x share; surgeon ceiling = surgeons x per-surgeon range", () => {
    const f = capacityFinding(
      [unit({ beds: 40, turnover: { low: 10, high: 20, basis: "t", assumed: false }, surgeons: { value: 6, basis: "t" } })],
      [input], { draws: 20000, seed: 2, perSurgeonPerYear: { low: 50, high: 100, basis: "assumption", assumed: true } },
    );
    const u = f.result.units[0]!;
    expect(u.point).toBe(600);
    expect(u.lowest).toBe(400);
    expect(u.highest).toBe(800);
    // 40 x U(10, 20): median 600, SE of the sample median = width/(2 sqrt n) = 400/(2 sqrt 20000)
    expect(Math.abs(u.quantiles[2]!.value - 600)).toBeLessThan((4 * 400) / (2 * Math.sqrt(20000)));
    expect(u.surgeonCeiling).toMatchObject({ surgeons: 6, low: 300, high: 600 });
  });
  it("extrapolation = centres x mean unit capacity, with its caveat", () => {
    const f = capacityFinding([unit({ hospital: "A" }), unit({ hospital: "B", beds: 300 })], [input], { draws: 50, seed: 1, extrapolateTo: { centres: 169, basis: "NHC2018" } });
    // fixed parameters: mean of 1,216.67 and 3,650 = 2,433.33; x 169
    expect(f.result.extrapolation!.quantiles[2]!.value).toBeCloseTo(((1216.6667 + 3650) / 2) * 169, 1);
    expect(f.caveats.map((c) => c.code)).toContain("C_CAP_EXTRAPOLATION");
    expect(capacityFinding([unit({})], [input], { draws: 5 }).result.extrapolation).toBeNull();
  });
  it("a unit with no beds has capacity 0 and no claim ratio (null, not NaN)", () => {
    const f = capacityFinding([unit({ beds: 0, claims: [{ value: 10, period: "", qualifier: "", sourceId: "X" }] })], [input], { draws: 10, seed: 1 });
    expect(f.result.units[0]!.claims[0]!.ratioToMedian).toBeNull();
    expect(() => canonicalJson(f)).not.toThrow();
  });
  it("rejects bad ranges and empty tables", () => {
    expect(() => capacityFinding([unit({ stayDays: { low: 30, high: 20, basis: "t", assumed: false } })], [input])).toThrow(/invalid range/);
    expect(() => capacityFinding([], [input])).toThrow(/no hospital units/);
  });
});

describe("one unit per hospital for sums", () => {
  it("latest period wins; among equally recent figures the smaller bed count", () => {
    expect(periodRank("before 2006-09")).toBe(2005.5);
    expect(periodRank("after 1999-11")).toBe(1999.5);
    expect(periodRank("undated")).toBe(-Infinity);
    const us = [
      unit({ hospital: "T", period: "before 2006-09", beds: 120 }),
      unit({ hospital: "T", period: "2006-09", beds: 700 }),
      unit({ hospital: "T", period: "2006-09", beds: 500 }),
      unit({ hospital: "R", organ: "kidney", period: "1999-11", beds: 29 }),
      unit({ hospital: "R", organ: "kidney", period: "after 1999-11", beds: 70 }),
      unit({ hospital: "R", organ: "liver", period: "2004", beds: 13 }),
    ];
    expect(latestUnitPerHospital(us).map((u) => u.beds)).toEqual([500, 70, 13]);
  });
});
