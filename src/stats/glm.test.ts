import { describe, it, expect } from "vitest";
import { fitPoissonGlm, poissonUnitDeviance } from "./glm.js";

// Reference values: numpy/scipy, computed once with test/fixtures/models-other/reference/glm_ref.py (scipy.optimize BFGS on the
// Poisson log-likelihood, polished by Newton steps with numpy.linalg.solve):
//   x = np.arange(1998, 2005); y = [9, 24, 78, 129, 272, 289, 800]
//   X0 = column_stack([ones, x - 1998]); X1 = column_stack([ones, x - 1998, maximum(x - 2000, 0)])
//   dev = 2*sum(where(y>0, y*log(y/mu), 0) - (y - mu)); cov = inv(X.T @ (mu[:,None]*X))
//   ll = sum(y*log(mu) - mu - gammaln(y + 1)); pearson = sum((y - mu)**2/mu)
const x = [1998, 1999, 2000, 2001, 2002, 2003, 2004];
const y = [9, 24, 78, 129, 272, 289, 800];

describe("fitPoissonGlm (IRLS)", () => {
  it("matches scipy on the no-break log-linear model", () => {
    const f = fitPoissonGlm(x.map((v) => [1, v - 1998]), y);
    expect(f.converged).toBe(true);
    expect(f.beta[0]).toBeCloseTo(2.88298717, 6);
    expect(f.beta[1]).toBeCloseTo(0.62333555, 6);
    expect(Math.abs(f.deviance - 65.67792639385621)).toBeLessThan(1e-6);
    expect(Math.abs(f.logLik - -55.5609937266774)).toBeLessThan(1e-6);
    expect(Math.abs(f.pearsonChi2 - 62.336611531728785)).toBeLessThan(1e-6);
    expect(Math.sqrt(f.covUnscaled[0]![0]!)).toBeCloseTo(0.09400936, 6);
    expect(Math.sqrt(f.covUnscaled[1]![1]!)).toBeCloseTo(0.01836619, 6);
    expect(f.dfResidual).toBe(5);
  });

  it("matches scipy on the hinge model with the break at 2000", () => {
    const f = fitPoissonGlm(x.map((v) => [1, v - 1998, Math.max(v - 2000, 0)]), y);
    expect(f.beta[0]).toBeCloseTo(2.15485936, 6);
    expect(f.beta[1]).toBeCloseTo(1.05383061, 6);
    expect(f.beta[2]).toBeCloseTo(-0.47030803, 6);
    expect(Math.abs(f.deviance - 53.84122182483326)).toBeLessThan(1e-6);
    expect(Math.abs(f.pearsonChi2 - 50.504513851125694)).toBeLessThan(1e-6);
    expect(Math.abs(f.covUnscaled[1]![2]! - -0.020331622263133817)).toBeLessThan(1e-8);
  });

  it("fits exact log-linear data with zero deviance", () => {
    const yy = [0, 1, 2, 3, 4].map((i) => 5 * Math.exp(0.5 * i));
    const f = fitPoissonGlm([0, 1, 2, 3, 4].map((i) => [1, i]), yy);
    expect(f.beta[0]).toBeCloseTo(Math.log(5), 9);
    expect(f.beta[1]).toBeCloseTo(0.5, 9);
    expect(f.deviance).toBeLessThan(1e-9);
  });

  it("reports non-convergence when a mean collapses to zero (separation)", () => {
    const f = fitPoissonGlm([0, 1, 2, 3].map((i) => [1, i >= 2 ? 1 : 0]), [0, 0, 5, 7]);
    expect(f.converged).toBe(false);
  });

  it("rejects negative counts and ragged input", () => {
    expect(() => fitPoissonGlm([[1], [1]], [1, -1])).toThrow(RangeError);
    expect(() => fitPoissonGlm([[1, 0], [1]], [1, 2])).toThrow(RangeError);
  });

  it("unit deviance handles y = 0", () => {
    expect(poissonUnitDeviance(0, 2.5)).toBe(5);
    expect(poissonUnitDeviance(3, 3)).toBe(0);
  });
});
