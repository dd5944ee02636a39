import { describe, it, expect } from "vitest";
import { levenbergMarquardt } from "./levenberg-marquardt.js";

/*
 * Reference: the exponential case of test/fixtures/forensics/reference.py (scipy curve_fit refined in
 * 60-digit Gauss-Newton): y = a exp(b x), x = 0..8, y = [10,14,19,28,38,55,77,108,150]
 *   -> a = 10.054351165727722, b = 0.3382921179517221, RSS = 2.6496502187241715
 */
const model = {
  value: (p: number[], x: number) => p[0]! * Math.exp(p[1]! * x),
  gradient: (p: number[], x: number) => [Math.exp(p[1]! * x), p[0]! * x * Math.exp(p[1]! * x)],
};
const X = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const Y = [10, 14, 19, 28, 38, 55, 77, 108, 150];

describe("levenbergMarquardt", () => {
  it("converges to the high-precision optimum from a rough start", () => {
    const r = levenbergMarquardt(model, X, Y, [1, 0.1]);
    expect(r.converged).toBe(true);
    expect(Math.abs(r.params[0]! - 10.054351165727722) / 10.054351165727722).toBeLessThan(1e-10);
    expect(Math.abs(r.params[1]! - 0.3382921179517221) / 0.3382921179517221).toBeLessThan(1e-10);
    expect(Math.abs(r.rss - 2.6496502187241715) / 2.6496502187241715).toBeLessThan(1e-10);
    expect(r.unscaledCovariance).not.toBeNull();
  });
  it("reports a degenerate (non-identifiable) problem without NaN covariance", () => {
    // y = a * exp(b x) with all x = 0: b is not identifiable
    const r = levenbergMarquardt(model, [0, 0, 0], [1, 2, 3], [1, 1]);
    expect(r.unscaledCovariance).toBeNull();
    expect(Number.isFinite(r.rss)).toBe(true);
  });
});
