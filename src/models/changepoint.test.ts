import { describe, it, expect } from "vitest";
import { changepointFinding, candidateBreaks, decimalYear } from "./changepoint.js";
import { canonicalJson } from "../core/canonical.js";

// The series below are the contents of test/fixtures/models-other/{synthetic_break_1999,
// tianjin_liver_1998_2004,too_short}.csv (the pure core's tests do no file I/O; the CLI tests read the files).
const FIXTURES: Record<string, { x: number[]; y: number[] }> = {
  "synthetic_break_1999.csv": {
    x: Array.from({ length: 20 }, (_, i) => 1990 + i),
    y: [27, 23, 20, 23, 21, 27, 23, 36, 35, 32, 44, 46, 84, 119, 174, 243, 339, 584, 769, 1180],
  },
  "tianjin_liver_1998_2004.csv": { x: [1998, 1999, 2000, 2001, 2002, 2003, 2004], y: [9, 24, 78, 129, 272, 289, 800] },
  "too_short.csv": { x: [2000, 2001, 2002, 2003], y: [10, 20, 40, 80] },
};
function fixture(name: string): { x: number[]; y: number[] } {
  return FIXTURES[name]!;
}
const input = { name: "fixture", sha256: "0".repeat(64) };

describe("changepointFinding on a synthetic series with a known break", () => {
  // Fixture generated once by test/fixtures/models-other/reference/cp_ref.py:
  //   rs = np.random.default_rng(20261128); x = np.arange(1990, 2010)
  //   y = rs.poisson(exp(log(20) + 0.03*(x-1990) + 0.35*maximum(x-1999, 0)))
  // Reference fits: scipy.optimize (BFGS + Newton polish) on every admissible break (>= 3 points
  // each side); chi2.ppf(0.95, 1) = 3.841458820694124.
  const s = fixture("synthetic_break_1999.csv");
  const f = changepointFinding({ name: "synthetic", x: s.x, y: s.y, input }, { seed: 5, bootstrap: 199 });

  it("profile deviances match scipy to 1e-6", () => {
    const ref: Record<number, number> = {
      1992: 184.1090859352292, 1995: 98.11976759232725, 1999: 20.32534918346859,
      2000: 15.921028875041753, 2001: 20.255364910967828, 2007: 217.35293736834302,
    };
    expect(f.result.profile.map((p) => p.tau)).toEqual(Array.from({ length: 16 }, (_, i) => 1992 + i));
    for (const p of f.result.profile) if (ref[p.tau] !== undefined) expect(Math.abs(p.deviance - ref[p.tau]!)).toBeLessThan(1e-6);
    expect(Math.abs(f.result.noBreak!.deviance - 298.4898312305429)).toBeLessThan(1e-6);
  });

  it("places the break, its interval and the growth rates as scipy does", () => {
    expect(f.verdict).toBe("estimate");
    expect(f.result.break).toBe(2000);
    expect(f.result.interval).toMatchObject({ low: 2000, high: 2000 });
    expect(f.result.dispersion!).toBeCloseTo(0.9427572171806323, 8);
    expect(f.result.dispersionUsed).toBe(1);
    expect(f.result.before!.rate).toBeCloseTo(0.05810175637492064, 8);
    expect(f.result.before!.low).toBeCloseTo(0.031086568539928455, 8);
    expect(f.result.before!.high).toBeCloseTo(0.08582476098886029, 8);
    expect(f.result.after!.rate).toBeCloseTo(0.470500739002845, 8);
    expect(f.result.after!.low).toBeCloseTo(0.44979741683430785, 8);
    expect(f.result.after!.high).toBeCloseTo(0.4914997076829825, 8);
    expect(f.result.lrt!.statistic).toBeCloseTo(282.56880235550113, 6);
    // no bootstrap replicate comes near a deviance drop of 282: p = 1/(B+1)
    expect(f.result.lrt!.bootstrapP).toBeCloseTo(1 / 200, 12);
    expect(f.statement).toContain("inconsistent with a single constant growth rate");
    expect(f.provenance.seed).toBe(5);
  });

  it("is byte-identical for the same seed", () => {
    const g = changepointFinding({ name: "synthetic", x: s.x, y: s.y, input }, { seed: 5, bootstrap: 199 });
    expect(canonicalJson(g)).toBe(canonicalJson(f));
  });

  it("reports the distance of the break from event dates", () => {
    const g = changepointFinding(
      { name: "synthetic", x: s.x, y: s.y, input },
      { bootstrap: 0, xOffset: 0.5, events: [{ date: "1999-07-20", label: "crackdown" }] },
    );
    // 1999-07-20 is day 201 of 365 -> 1999 + 200/365 = 1999.547945...; break 2000 + 0.5 offset
    expect(g.result.events[0]!.at).toBeCloseTo(1999 + 200 / 365, 6);
    expect(g.result.events[0]!.distance).toBeCloseTo(2000.5 - (1999 + 200 / 365), 6);
    expect(g.result.events[0]!.insideInterval).toBe(false);
    expect(g.provenance.seed).toBeNull();
  });
});

describe("jump model (change of slope and level)", () => {
  // Reference: test/fixtures/models-other/reference/jump_ref.py, X = [1, x-1990, (x-tau)+, 1[x > tau]] with >= 3 points each side (strict after)
  const s = fixture("synthetic_break_1999.csv");
  const f = changepointFinding({ name: "synthetic", x: s.x, y: s.y, input }, { model: "jump", bootstrap: 0 });
  it("profile deviances and the best fit match scipy", () => {
    expect(f.result.profile.map((p) => p.tau)).toEqual(Array.from({ length: 15 }, (_, i) => 1992 + i));
    const ref: Record<number, number> = { 1992: 142.4410504125387, 1999: 15.725115518843708, 2001: 15.083400216376177, 2006: 138.13121728555902 };
    for (const p of f.result.profile) if (ref[p.tau] !== undefined) expect(Math.abs(p.deviance - ref[p.tau]!)).toBeLessThan(1e-6);
    expect(f.result.break).toBe(2001);
    // jump coefficient 0.24296287, se 0.10808949972263213 (dispersion 15.1627/16 < 1, so unscaled)
    expect(f.result.jump!.coefficient).toBeCloseTo(0.24296287, 6);
    expect(f.result.jump!.se).toBeCloseTo(0.10808949972263213, 6);
    expect(f.result.dispersion!).toBeCloseTo(15.162676656290147 / 16, 8);
    expect(f.result.lrt!.df).toBe(2);
    expect(f.statement).toContain("level multiplied by");
  });
});

describe("changepointFinding on the Tianjin liver series 1998-2004 (EPOCH2016_TJ)", () => {
  const s = fixture("tianjin_liver_1998_2004.csv");
  const f = changepointFinding({ name: "Tianjin liver", x: s.x, y: s.y, input }, { seed: 1, bootstrap: 199 });
  it("matches scipy deviances and says the break cannot be located", () => {
    // scipy (glm_ref.py): deviances 2000 -> 53.84122182483326, 2001 -> 60.27909787608888, 2002 -> 64.23639792443697
    expect(f.result.profile.map((p) => p.tau)).toEqual([2000, 2001, 2002]);
    expect(Math.abs(f.result.profile[0]!.deviance - 53.84122182483326)).toBeLessThan(1e-6);
    expect(Math.abs(f.result.profile[1]!.deviance - 60.27909787608888)).toBeLessThan(1e-6);
    expect(Math.abs(f.result.profile[2]!.deviance - 64.23639792443697)).toBeLessThan(1e-6);
    // dispersion = pearson / (7 - 3) = 50.504513851125694 / 4
    expect(f.result.dispersion!).toBeCloseTo(50.504513851125694 / 4, 8);
    // threshold 3.841458820694124 * 12.626 covers all three candidates
    expect(f.result.interval).toMatchObject({ low: 2000, high: 2002 });
    const codes = f.caveats.map((c) => c.code);
    expect(codes).toContain("C_CP_OVERDISPERSED");
    expect(codes).toContain("C_CP_INTERVAL_SPANS_ALL");
    expect(f.result.lrt!.bootstrapP!).toBeGreaterThan(0.05);
    expect(f.statement).toContain("consistent with a single constant growth rate");
  });
});

describe("insufficient data and bad input", () => {
  it("four points cannot hold 3 points on each side of a break (the point at the break counts on both sides)", () => {
    const s = fixture("too_short.csv");
    const f = changepointFinding({ name: "short", x: s.x, y: s.y, input });
    expect(f.verdict).toBe("insufficient-data");
    expect(f.result.break).toBeNull();
    expect(f.caveats[0]!.code).toBe("C_CP_TOO_FEW_POINTS");
    expect(() => canonicalJson(f)).not.toThrow();
  });
  it("all-zero counts give insufficient-data, not NaN", () => {
    const f = changepointFinding({ name: "zeros", x: [1, 2, 3, 4, 5, 6, 7], y: [0, 0, 0, 0, 0, 0, 0], input }, { bootstrap: 0 });
    expect(f.verdict).toBe("insufficient-data");
    expect(() => canonicalJson(f)).not.toThrow();
  });
  it("rejects negative counts and unsorted x", () => {
    expect(() => changepointFinding({ name: "bad", x: [1, 2, 3], y: [1, -1, 2], input })).toThrow(/non-negative/);
    expect(() => changepointFinding({ name: "bad", x: [1, 3, 2], y: [1, 1, 2], input })).toThrow(/increasing/);
  });
  it("grid candidates with a monthly step respect the minimum segment", () => {
    const c = candidateBreaks([2000, 2001, 2002, 2003, 2004, 2005], { step: 0.5 });
    expect(c).toEqual([2002, 2002.5, 2003]);
  });
  it("decimal years", () => {
    expect(decimalYear("1999")).toBe(1999.5);
    expect(decimalYear("2000-01-01")).toBe(2000);
    expect(decimalYear("2001-02")).toBeCloseTo(2001 + (31 + 14) / 365, 10);
    expect(() => decimalYear("2001-02-30")).toThrow(/does not exist/);
  });
});
