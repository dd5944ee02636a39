import { describe, it, expect } from "vitest";
import { binomialPowerGreater, binomTest } from "./binomial.js";

describe("binomTest", () => {
  it("matches scipy.stats.binomtest to 1e-10", () => {
    // python3 -c "from scipy import stats; print(stats.binomtest(7,20,0.2).pvalue,
    //   stats.binomtest(7,20,0.2,alternative='greater').pvalue, stats.binomtest(1,20,0.2,alternative='less').pvalue,
    //   stats.binomtest(30,100,0.2).pvalue, stats.binomtest(3,10,0.5).pvalue)"
    expect(binomTest(7, 20, 0.2)).toBeCloseTo(0.09822172861346881, 10);
    expect(binomTest(7, 20, 0.2, "greater")).toBeCloseTo(0.08669251356740035, 10);
    expect(binomTest(1, 20, 0.2, "less")).toBeCloseTo(0.0691752902764109, 10);
    expect(binomTest(30, 100, 0.2)).toBeCloseTo(0.016945359676785184, 10);
    expect(binomTest(3, 10, 0.5)).toBeCloseTo(0.34375, 12);
  });
  it("rejects impossible arguments", () => {
    expect(() => binomTest(5, 3, 0.5)).toThrow(RangeError);
    expect(() => binomTest(1, 3, 1.5)).toThrow(RangeError);
  });
});

describe("binomialPowerGreater", () => {
  it("finds the critical count and exact power (n=20, p0=0.2, p1=0.4, alpha=0.05)", () => {
    // stats.binom.sf(7,20,0.2)=0.0321 <= 0.05 and stats.binom.sf(6,20,0.2)=0.0867 > 0.05 -> critical 8
    // power = stats.binom.sf(7,20,0.4) = 0.5841070624424645
    const r = binomialPowerGreater(20, 0.2, 0.4, 0.05);
    expect(r.critical).toBe(8);
    expect(r.power).toBeCloseTo(0.5841070624424645, 10);
  });
});
