import { describe, it, expect } from "vitest";
import { chiSquareCdf, chiSquareSf, studentTCdf, studentTQuantile } from "./distributions.js";

/*
 * References: scipy 1.17
 *   stats.chi2.cdf(0.35*6, 6) = 0.08972443012460708; stats.chi2.cdf(3.0, 2) = 0.7768698398515702
 *   stats.chi2.cdf(12.5, 9) = 0.8134340251415489
 *   stats.t.ppf(0.975, 3) = 3.1824463052837078; stats.t.ppf(0.975, 7) = 2.364624251592784
 */
describe("distribution wrappers", () => {
  it("chi-square cdf matches scipy to 1e-9", () => {
    expect(Math.abs(chiSquareCdf(0.35 * 6, 6)! - 0.08972443012460708)).toBeLessThan(1e-9);
    expect(Math.abs(chiSquareCdf(3.0, 2)! - 0.7768698398515702)).toBeLessThan(1e-9);
    expect(Math.abs(chiSquareSf(12.5, 9)! - (1 - 0.8134340251415489))).toBeLessThan(1e-9);
  });
  it("t quantile matches scipy and inverts the cdf", () => {
    expect(studentTQuantile(0.975, 3)!).toBeCloseTo(3.1824463052837078, 9);
    expect(studentTQuantile(0.975, 7)!).toBeCloseTo(2.364624251592784, 9);
    expect(studentTCdf(2.364624251592784, 7)!).toBeCloseTo(0.975, 9);
  });
  it("returns null outside the domain, never NaN", () => {
    expect(chiSquareCdf(1, 0)).toBeNull();
    expect(chiSquareCdf(Number.NaN, 3)).toBeNull();
    expect(chiSquareCdf(-1, 3)).toBe(0);
    expect(studentTQuantile(1, 5)).toBeNull();
    expect(studentTQuantile(0.5, 0)).toBeNull();
    expect(studentTCdf(Number.NaN, 3)).toBeNull();
  });
});
