import { describe, it, expect } from "vitest";
import poissonCdf from "@stdlib/stats-base-dists-poisson-cdf";
import { chiSquareSf } from "./distributions.js";
import { createRng } from "./rng.js";
import { sampleGamma, sampleNegBinomial, sampleOverdispersedCount, samplePoisson } from "./sampling.js";

function moments(v: number[]): { mean: number; variance: number } {
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  return { mean, variance: v.reduce((s, x) => s + (x - mean) ** 2, 0) / (v.length - 1) };
}

/** chi-square goodness of fit of Poisson draws to the exact Poisson pmf, bins pooled at the tails */
function poissonGofP(mu: number, draws: number[]): number {
  const lo = Math.max(0, Math.floor(mu - 3 * Math.sqrt(mu)));
  const hi = Math.ceil(mu + 3 * Math.sqrt(mu));
  const edges: number[] = [];
  for (let k = lo; k <= hi; k++) edges.push(k);
  // bin 0 = (<= lo), one bin each for lo+1..hi, last = (> hi)
  const obs = new Array<number>(edges.length + 1).fill(0);
  for (const d of draws) {
    if (d <= lo) obs[0]!++;
    else if (d > hi) obs[edges.length]!++;
    else obs[d - lo]!++;
  }
  const probs: number[] = [poissonCdf(lo, mu)];
  for (let k = lo + 1; k <= hi; k++) probs.push(poissonCdf(k, mu) - poissonCdf(k - 1, mu));
  probs.push(1 - poissonCdf(hi, mu));
  let x2 = 0;
  probs.forEach((p, i) => (x2 += (obs[i]! - draws.length * p) ** 2 / (draws.length * p)));
  return chiSquareSf(x2, probs.length - 1)!;
}

describe("samplers (seeded)", () => {
  it.each([0.7, 4, 9.5, 10, 37, 2500])("Poisson(%d): mean and variance within 4 SE over 20000 draws", (mu) => {
    const rng = createRng(11);
    const d = Array.from({ length: 20000 }, () => samplePoisson(rng, mu));
    const m = moments(d);
    expect(Math.abs(m.mean - mu)).toBeLessThan(4 * Math.sqrt(mu / 20000));
    expect(Math.abs(m.variance / mu - 1)).toBeLessThan(4 * Math.sqrt(2 / 20000) * 1.5);
    expect(d.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
  });
  it.each([4, 50, 800])("Poisson(%d) draws pass a chi-square goodness-of-fit test against the exact pmf", (mu) => {
    const rng = createRng(99);
    const d = Array.from({ length: 20000 }, () => samplePoisson(rng, mu));
    expect(poissonGofP(mu, d)).toBeGreaterThan(0.001);
  });
  it("gamma(shape, scale) and negative binomial moments", () => {
    const rng = createRng(5);
    const g = moments(Array.from({ length: 20000 }, () => sampleGamma(rng, 0.5, 3)));
    expect(g.mean).toBeCloseTo(1.5, 1);
    expect(g.variance / 4.5).toBeGreaterThan(0.9);
    expect(g.variance / 4.5).toBeLessThan(1.1);
    const nb = moments(Array.from({ length: 20000 }, () => sampleNegBinomial(rng, 200, 20)));
    // Var = mu + mu^2 / k = 200 + 2000 = 2200
    expect(Math.abs(nb.mean - 200)).toBeLessThan(4 * Math.sqrt(2200 / 20000));
    expect(nb.variance / 2200).toBeGreaterThan(0.9);
    expect(nb.variance / 2200).toBeLessThan(1.1);
  });
  it("same seed, same draws", () => {
    const a = createRng(3);
    const b = createRng(3);
    const da = Array.from({ length: 50 }, () => samplePoisson(a, 123.4));
    const db = Array.from({ length: 50 }, () => samplePoisson(b, 123.4));
    expect(da).toEqual(db);
  });
  it("rejects invalid parameters", () => {
    const rng = createRng(1);
    expect(() => samplePoisson(rng, -1)).toThrow(RangeError);
    expect(() => sampleGamma(rng, 0, 1)).toThrow(RangeError);
    expect(samplePoisson(rng, 0)).toBe(0);
  });
});

describe("count samplers (moments; formerly beside the GLM)", () => {
  // moments checked against the distributions' own means/variances with Monte Carlo tolerance
  // (5 standard errors of the sample mean, sd/sqrt(n))
  it("Poisson draws have the right mean and variance for small and large means", () => {
    for (const lam of [3.5, 250]) {
      const rng = createRng(42);
      const n = 40000;
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const k = samplePoisson(rng, lam);
        expect(Number.isInteger(k) && k >= 0).toBe(true);
        s += k;
        s2 += k * k;
      }
      const m = s / n;
      const v = s2 / n - m * m;
      expect(Math.abs(m - lam)).toBeLessThan(5 * Math.sqrt(lam / n));
      expect(Math.abs(v / lam - 1)).toBeLessThan(0.05);
    }
  });

  it("gamma and negative-binomial draws have the right moments and are reproducible", () => {
    const rng = createRng(7);
    const n = 40000;
    let s = 0;
    for (let i = 0; i < n; i++) s += sampleGamma(rng, 0.7, 3);
    expect(Math.abs(s / n - 2.1)).toBeLessThan(5 * Math.sqrt((0.7 * 9) / n));
    const r1 = createRng(9);
    const r2 = createRng(9);
    const a = Array.from({ length: 50 }, () => sampleOverdispersedCount(r1, 100, 10));
    const b = Array.from({ length: 50 }, () => sampleOverdispersedCount(r2, 100, 10));
    expect(a).toEqual(b);
    const r3 = createRng(11);
    let t = 0;
    let t2 = 0;
    for (let i = 0; i < n; i++) {
      const k = sampleOverdispersedCount(r3, 100, 10);
      t += k;
      t2 += k * k;
    }
    const m = t / n;
    expect(Math.abs(m - 100)).toBeLessThan(5 * Math.sqrt(1000 / n));
    expect(Math.abs((t2 / n - m * m) / 1000 - 1)).toBeLessThan(0.08);
  });
});
