import { describe, it, expect } from "vitest";
import peerDonors from "../../test/fixtures/forensics-checks/peer_donors.json" with { type: "json" };
import { canonicalJson } from "../core/canonical.js";
import { createRng } from "../stats/rng.js";
import { binomialAllowance, calibrate, calibrateDigits, manufacturedSeries, manufacturedShiftedSeries, peerCurves, peerNbPhi } from "./calibration.js";
import { parseModelName } from "./models.js";
import type { PeerSet } from "./series.js";

const input = { name: "test", sha256: "0".repeat(64) };
// real comparators: GODT deceased donors per country-year (peer_donors.json, from /work/shared/data/international_deceased_donors.csv)
const peers: PeerSet = {
  name: "GODT deceased donors",
  series: Object.entries(peerDonors as Record<string, { x: number[]; y: number[] }>).map(([k, v]) => ({ name: k, x: v.x, y: v.y, input })),
};

describe("binomialAllowance", () => {
  it("is the 99.9% one-sided binomial bound (scipy)", () => {
    // c = smallest count with stats.binom.sf(c, n, 0.05) <= 0.001:
    //   n=20 -> 5 (sf(4)=0.00257, sf(5)=0.000329); n=100 -> 13 (sf(12)=0.00146, sf(13)=0.000463); n=400 -> 35
    expect(binomialAllowance(20, 0.05)).toBe(5);
    expect(binomialAllowance(100, 0.05)).toBe(13);
    expect(binomialAllowance(400, 0.05)).toBe(35);
    expect(binomialAllowance(0, 0.05)).toBe(0);
  });
});

describe("manufacturedSeries", () => {
  it("is round(a x^2)", () => {
    const y = manufacturedSeries(createRng(3), 9);
    const a = y[0]!;
    expect(y.every((v, i) => Math.abs(v - a * (i + 1) ** 2) <= (i + 1) ** 2)).toBe(true);
    expect(y.every(Number.isInteger)).toBe(true);
  });
});

describe("calibrate (quadratic, 2009-2017, real GODT peers)", () => {
  const report = calibrate(peers, { spec: parseModelName("quadratic"), seed: 20261128, sims: 99, synthetic: 20, manufactured: 20 });
  const group = (prefix: string) => report.groups.find((g) => g.name.startsWith(prefix))!;
  const rate = (g: string, test: string) => group(g).rates.find((t) => t.test === test)!;

  it("has the four groups: real leave-one-out, Poisson, peer-like NB (phi from the peers), manufactured", () => {
    expect(report.groups.map((g) => g.name.slice(0, 3))).toEqual(["(a)", "(b)", "(c)", "(d)", "(d)"]);
    // phi estimated from the peers' residuals about the quadratic: positive (real counts are over-dispersed)
    expect(report.nbPhi!).toBeGreaterThan(0);
    expect(group("(c)").name).toContain(`phi = ${Number(report.nbPhi!.toPrecision(4))}`);
  });
  it("false-flag rate of every test on real and peer-like series stays within nominal alpha + Monte Carlo allowance", () => {
    for (const name of ["(a)", "(c)"]) {
      const g = group(name);
      expect(g.runs).toBeGreaterThanOrEqual(20);
      for (const t of g.rates) {
        // flags after Holm (what a user sees) must not exceed what a level-0.05 test produces by chance (99.9% bound)
        expect(t.flags, `${name} / ${t.test}`).toBeLessThanOrEqual(t.allowance);
      }
      // the peer tests' own rule (parametric p < alpha and more regular than all) is a level-alpha rule too
      for (const test of ["forensics.peer-benchmark", "forensics.predict"]) expect(rate(name, test).flagsOwnRule, `${name} / ${test}`).toBeLessThanOrEqual(rate(name, test).allowance);
    }
  });
  it("Poisson-only synthetic series are not peer-like: the dispersion test does not flag them, and every run is decided", () => {
    const g = group("(b)");
    expect(rate("(b)", "forensics.dispersion").flags).toBeLessThanOrEqual(rate("(b)", "forensics.dispersion").allowance);
    expect(rate("(b)", "forensics.peer-benchmark").decided).toBe(g.runs);
  });
  it("flags manufactured series round(a x^2) and round(a (x - x0)^2) at a high rate", () => {
    for (const g of report.groups.filter((q) => q.name.startsWith("(d)"))) {
      expect(g.anyFlagRate!, g.name).toBeGreaterThanOrEqual(0.9);
      for (const test of ["forensics.dispersion", "forensics.peer-benchmark", "forensics.predict"]) {
        const t = g.rates.find((q) => q.test === test)!;
        expect(t.rate!, `${g.name} / ${test}`).toBeGreaterThanOrEqual(0.9);
      }
    }
  });
  it("is reproducible for a seed", () => {
    const small = () => calibrate(peers, { spec: parseModelName("quadratic"), seed: 5, sims: 49, synthetic: 3, manufactured: 3, skipReal: true });
    expect(canonicalJson(small())).toBe(canonicalJson(small()));
  });
});

describe("peer-like noise", () => {
  it("peerNbPhi is the pooled Pearson estimate over the peers' quadratic fits; peerCurves skip peers lacking a year", () => {
    const years = [2009, 2010, 2011, 2012, 2013, 2014, 2015, 2016, 2017];
    const curves = peerCurves(peers, parseModelName("quadratic"), years);
    // India starts in 2010 (fixture): left out
    expect(curves.map((c) => c.name)).not.toContain("India");
    expect(curves.length).toBe(peers.series.filter((s) => years.every((y) => s.x.includes(y))).length);
    expect(curves.every((c) => c.mu.every((m) => m >= 1))).toBe(true);
    const phi = peerNbPhi(peers, parseModelName("quadratic"), years)!;
    expect(phi).toBeGreaterThan(0);
  });
  it("manufacturedShiftedSeries is round(a (x - x0)^2) with x0 in [-3, 0.5]", () => {
    const y = manufacturedShiftedSeries(createRng(9), 9);
    expect(y.every(Number.isInteger)).toBe(true);
    // second differences of a (x - x0)^2 are 2a, up to rounding (+/- 2)
    const d2 = y.slice(2).map((v, i) => v - 2 * y[i + 1]! + y[i]!);
    expect(Math.max(...d2) - Math.min(...d2)).toBeLessThanOrEqual(4);
  });
});

describe("calibrateDigits (simulated: the battery's series are too short for digit tests)", () => {
  const rows = calibrateDigits({ seed: 7, reps: 40, n: 1500, sims: 20 });
  it("null samples: every digit test flags no more often than alpha + allowance", () => {
    const nulls = rows.filter((r) => r.sample === "null");
    expect(nulls.map((r) => r.test).sort()).toEqual(["benford-first", "benford-firsttwo", "benford-second", "last-digit", "rounding-5"]);
    for (const r of nulls) {
      expect(r.decided, r.test).toBe(40);
      expect(r.flags, r.test).toBeLessThanOrEqual(r.allowance);
    }
  });
  it("manufactured samples (heaped to 10s, uniform first digits) are flagged at a high rate", () => {
    for (const r of rows.filter((q) => q.sample === "manufactured")) expect(r.rate!, r.test).toBeGreaterThanOrEqual(0.9);
  });
});
