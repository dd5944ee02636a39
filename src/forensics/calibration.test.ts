import { describe, it, expect } from "vitest";
import peerDonors from "../../test/fixtures/forensics-checks/peer_donors.json" with { type: "json" };
import { canonicalJson } from "../core/canonical.js";
import { createRng } from "../stats/rng.js";
import { binomialAllowance, calibrate, calibrateDigits, manufacturedSeries } from "./calibration.js";
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

  it("false-flag rate of every test on genuine series stays within nominal alpha + Monte Carlo allowance", () => {
    for (const name of ["real", "synthetic: logistic growth + Poisson", "synthetic: logistic growth + negative binomial"]) {
      const g = group(name);
      expect(g.runs).toBeGreaterThanOrEqual(19);
      for (const t of g.rates) {
        // flags after Holm (what a user sees) must not exceed what a level-0.05 test produces by chance (99.9% bound)
        expect(t.flags, `${name} / ${t.test}`).toBeLessThanOrEqual(t.allowance);
      }
    }
  });
  it("flags manufactured series at a high rate", () => {
    const g = group("manufactured");
    expect(g.anyFlagRate).toBeGreaterThanOrEqual(0.9);
    const disp = g.rates.find((t) => t.test === "forensics.dispersion")!;
    expect(disp.rate!).toBeGreaterThanOrEqual(0.9);
    // the peer benchmark's own rule ("more regular than every peer") holds for every manufactured series
    expect(g.rates.find((t) => t.test === "forensics.peer-benchmark")!.flagsOwnRule).toBe(g.runs);
  });
  it("is reproducible for a seed", () => {
    const small = () => calibrate(peers, { spec: parseModelName("quadratic"), seed: 5, sims: 49, synthetic: 3, manufactured: 3, skipReal: true });
    expect(canonicalJson(small())).toBe(canonicalJson(small()));
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
