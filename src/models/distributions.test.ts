import { describe, expect, it } from "vitest";
import { createRng } from "../stats/rng.js";
import {
  BulkUniforms,
  distCdf,
  distMean,
  distQuantile,
  distVariance,
  fillNormals,
  fromNormalScores,
  gammaDraw,
  invRegIncBeta,
  phi,
  phiInv,
  regIncBeta,
  sampleInto,
  type Dist,
} from "./distributions.js";

// Reference values computed once with scipy 1.17 (python3):
//   from scipy import stats, special; import numpy as np
//   tri = stats.triang(c=2/6, loc=1, scale=6)                     # triangular(1, 3, 7)
//   tri.ppf([0.05,0.25,0.5,0.9]), tri.mean(), tri.var()
//   tn = stats.truncnorm((0-3)/2, np.inf, loc=3, scale=2)         # normal(3, 2) truncated at 0
//   tn.mean(), tn.var(), tn.ppf([0.05,0.5,0.95]), tn.cdf(1.0)
//   ln = stats.lognorm(s=0.5, scale=np.exp(1.0))                  # lognormal(mu=1, sigma=0.5)
//   ln.mean(), ln.var(), ln.ppf([0.05,0.5,0.95])
//   be = stats.beta(1.8, 4.2, loc=2, scale=5)                     # PERT(2, 3, 7), lambda 4
//   be.mean(), be.var(), be.ppf([0.05,0.5,0.95]), be.cdf(3.0)
//   special.betainc(2.5,0.7,0.3), special.betainc(0.5,0.5,0.99), special.betaincinv(2.5,0.7,0.3)
//   special.ndtr([-8,-3.5,-1,0.5,2.5,6]); special.ndtri([1e-10,0.025,0.5,0.975])

const tri: Dist = { kind: "triangular", min: 1, mode: 3, max: 7 };
const tnorm: Dist = { kind: "normal", mean: 3, sd: 2, lower: 0 };
const logn: Dist = { kind: "lognormal", mu: 1, sigma: 0.5 };
const pert: Dist = { kind: "pert", min: 2, mode: 3, max: 7 };

describe("analytic moments and quantiles (against scipy)", () => {
  it("triangular", () => {
    expect(distMean(tri)).toBeCloseTo(3.6666666666666665, 12);
    expect(distVariance(tri)).toBeCloseTo(1.5555555555555558, 12);
    const ref = [1.7745966692414834, 2.732050807568877, 3.5358983848622447, 5.450806661517033];
    [0.05, 0.25, 0.5, 0.9].forEach((p, i) => expect(distQuantile(tri, p)).toBeCloseTo(ref[i]!, 12));
    expect(distCdf(tri, distQuantile(tri, 0.3))).toBeCloseTo(0.3, 12);
  });
  it("normal truncated at 0", () => {
    expect(distMean(tnorm)).toBeCloseTo(3.2775795009177013, 10);
    expect(distVariance(tnorm)).toBeCloseTo(3.090211117917175, 10);
    const ref = [0.5834093309979442, 3.167656973113117, 6.356285038547368];
    [0.05, 0.5, 0.95].forEach((p, i) => expect(distQuantile(tnorm, p)).toBeCloseTo(ref[i]!, 9));
    expect(distCdf(tnorm, 1)).toBeCloseTo(0.09842344774572244, 12);
  });
  it("lognormal", () => {
    expect(distMean(logn)).toBeCloseTo(3.080216848918031, 12);
    expect(distVariance(logn)).toBeCloseTo(2.694758124344946, 12);
    const ref = [1.1943154625015757, 2.718281828459045, 6.186854588195452];
    [0.05, 0.5, 0.95].forEach((p, i) => expect(distQuantile(logn, p)).toBeCloseTo(ref[i]!, 9));
  });
  it("PERT = scaled Beta(1.8, 4.2)", () => {
    expect(distMean(pert)).toBeCloseTo(3.5, 12);
    expect(distVariance(pert)).toBeCloseTo(0.75, 12);
    const ref = [2.2948869380590864, 3.3833612969625944, 5.106383620080951];
    [0.05, 0.5, 0.95].forEach((p, i) => expect(distQuantile(pert, p)).toBeCloseTo(ref[i]!, 9));
    expect(distCdf(pert, 3)).toBeCloseTo(0.33158186178551863, 10);
  });
  it("incomplete beta and its inverse", () => {
    expect(regIncBeta(0.3, 2.5, 0.7)).toBeCloseTo(0.029814024845250465, 12);
    expect(regIncBeta(0.99, 0.5, 0.5)).toBeCloseTo(0.9362314391414803, 12);
    expect(invRegIncBeta(0.3, 2.5, 0.7)).toBeCloseTo(0.7097758912148804, 10);
  });
  it("uniform and fixed", () => {
    const u: Dist = { kind: "uniform", a: 10, b: 30 };
    expect(distMean(u)).toBe(20);
    expect(distVariance(u)).toBeCloseTo(400 / 12, 12);
    expect(distQuantile(u, 0.25)).toBe(15);
    expect(distQuantile({ kind: "fixed", value: 7 }, 0.9)).toBe(7);
    expect(() => distQuantile(u, 1.5)).toThrow(RangeError);
  });
  it("standard normal CDF (Hart/West) and quantile match scipy ndtr/ndtri", () => {
    const zs = [-8, -3.5, -1, 0.5, 2.5, 6];
    const ref = [
      6.22096057427174e-16, 0.00023262907903552502, 0.15865525393145707, 0.6914624612740131, 0.9937903346742238,
      0.9999999990134123,
    ];
    zs.forEach((z, i) => {
      expect(Math.abs(phi(z) - ref[i]!)).toBeLessThan(1e-15);
      expect(Math.abs(phi(z) - ref[i]!) / ref[i]!).toBeLessThan(1e-8);
    });
    // |z| < √2 uses the Cephes erf rational (no exponential), |z| ≥ √2 Hart/West; both sides of the
    // switch against mpmath (python3: from mpmath import mp; mp.dps = 40; float(mp.ncdf(z)))
    const zs2 = [-1.4142135623730951, -1.2, -0.3, 0.999, 1.0, 1.3, 1.4142135623730951, 1.5];
    const ref2 = [
      0.07864960352514255, 0.11506967022170828, 0.3820885778110474, 0.8411026543586817, 0.8413447460685429,
      0.9031995154143897, 0.9213503964748575, 0.9331927987311419,
    ];
    zs2.forEach((z, i) => expect(Math.abs(phi(z) - ref2[i]!)).toBeLessThan(3e-16));
    expect(phi(NaN)).toBeNaN();
    const ps = [1e-10, 0.025, 0.5, 0.975];
    const q = [-6.361340902404056, -1.9599639845400545, 0, 1.959963984540054];
    // @stdlib's quantile is accurate to about 2e-9 relative in the far tail (p = 1e-10)
    ps.forEach((p, i) => expect(Math.abs(phiInv(p) - q[i]!)).toBeLessThanOrEqual(1e-8 * Math.max(1, Math.abs(q[i]!))));
  });
});

/** Sample mean within 4 standard errors (SE = sd/sqrt(n), sd from the analytic variance). */
function expectMeanWithin4SE(d: Dist, draws: Float64Array): void {
  let s = 0;
  for (const x of draws) s += x;
  const se = Math.sqrt(distVariance(d) / draws.length);
  expect(Math.abs(s / draws.length - distMean(d))).toBeLessThan(4 * se);
}

describe("samplers", () => {
  const n = 200_000;
  for (const d of [
    tri,
    tnorm,
    logn,
    pert,
    { kind: "uniform", a: -1, b: 3 } as Dist,
    { kind: "normal", mean: 0.5, sd: 1, lower: 0 } as Dist,
  ]) {
    it(`${d.kind} ${JSON.stringify(d)}: mean within 4 SE and never below the support`, () => {
      const out = new Float64Array(d.kind === "pert" ? 20_000 : n);
      sampleInto(d, createRng(7), out);
      expectMeanWithin4SE(d, out);
      const lo = d.kind === "normal" ? (d.lower ?? -Infinity) : d.kind === "lognormal" ? 0 : distQuantile(d, 0);
      expect(Math.min(...out.subarray(0, 10_000))).toBeGreaterThanOrEqual(lo);
    });
  }

  it("ziggurat normals: moments and Kolmogorov-Smirnov distance to Φ", () => {
    const m = 200_000;
    const z = new Float64Array(m);
    fillNormals(createRng(11), z);
    let s = 0;
    let s2 = 0;
    for (const x of z) {
      s += x;
      s2 += x * x;
    }
    const mean = s / m;
    const variance = s2 / m - mean * mean;
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(m));
    // SE of the sample variance of N(0,1) is sqrt(2/n)
    expect(Math.abs(variance - 1)).toBeLessThan(4 * Math.sqrt(2 / m));
    const sorted = Float64Array.from(z).sort();
    let dmax = 0;
    for (let i = 0; i < m; i++) {
      const f = phi(sorted[i]!);
      dmax = Math.max(dmax, Math.abs(f - i / m), Math.abs(f - (i + 1) / m));
    }
    // KS critical value at alpha = 0.001 is 1.95/sqrt(n)
    expect(dmax).toBeLessThan(1.95 / Math.sqrt(m));
    // tails are reached (the ziggurat's tail algorithm is exercised): P(|Z| > 3.4426) ≈ 5.8e-4
    expect(sorted[0]!).toBeLessThan(-3.45);
    expect(sorted[m - 1]!).toBeGreaterThan(3.45);
  });

  it("PERT by the gamma ratio: Kolmogorov-Smirnov distance to the Beta CDF (regularised incomplete beta)", () => {
    for (const d of [pert, { kind: "pert", min: 0, mode: 1, max: 10 } as Dist]) {
      const m = 100_000;
      const out = new Float64Array(m);
      sampleInto(d, createRng(13), out);
      out.sort();
      let dmax = 0;
      for (let i = 0; i < m; i++) {
        const f = distCdf(d, out[i]!);
        dmax = Math.max(dmax, Math.abs(f - i / m), Math.abs(f - (i + 1) / m));
      }
      // KS critical value at alpha = 0.001 is 1.95/sqrt(n)
      expect(dmax).toBeLessThan(1.95 / Math.sqrt(m));
      expect(out[0]!).toBeGreaterThanOrEqual(d.kind === "pert" ? d.min : 0);
    }
  });

  it("Marsaglia-Tsang gamma (and the a < 1 boost): mean a and variance a within 4 SE", () => {
    for (const a of [0.5, 1, 2.3, 15]) {
      const src = new BulkUniforms(createRng(17));
      const m = 200_000;
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < m; i++) {
        const g = gammaDraw(src, a);
        s += g;
        s2 += g * g;
      }
      const mean = s / m;
      const variance = s2 / m - mean * mean;
      expect(Math.abs(mean - a)).toBeLessThan(4 * Math.sqrt(a / m));
      // Var of the sample variance ≈ σ⁴(2 + 6/a)/n (gamma excess kurtosis 6/a)
      expect(Math.abs(variance - a)).toBeLessThan(4 * a * Math.sqrt((2 + 6 / a) / m));
    }
  });

  it("samplers draw from the bulk stream only: the uniform()/normal() stream is left as it was", () => {
    const r = createRng(21);
    const ref = createRng(21);
    for (const d of [tri, tnorm, logn, pert, { kind: "normal", mean: 0.5, sd: 1, lower: 0 } as Dist]) {
      sampleInto(d, r, new Float64Array(5000));
    }
    fillNormals(r, new Float64Array(5000));
    expect([r.uniform(), r.normal(), r.uniform()]).toEqual([ref.uniform(), ref.normal(), ref.uniform()]);
  });

  it("same seed, same draws; different seed, different draws", () => {
    const a = new Float64Array(1000);
    const b = new Float64Array(1000);
    sampleInto(tri, createRng(3), a);
    sampleInto(tri, createRng(3), b);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    sampleInto(tri, createRng(4), b);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(false);
    // the same for every kind, including the rejection paths (truncated normal, PERT, ziggurat tails)
    for (const d of [tnorm, logn, pert, { kind: "normal", mean: 0.5, sd: 1, lower: 0 } as Dist]) {
      const x = new Float64Array(20_000);
      const y = new Float64Array(20_000);
      sampleInto(d, createRng(5), x);
      sampleInto(d, createRng(5), y);
      expect(Buffer.from(x.buffer).equals(Buffer.from(y.buffer))).toBe(true);
    }
  });

  it("fromNormalScores maps a score to the quantile at Φ(z)", () => {
    const z = Float64Array.from([-1.959963984540054, 0, 1]);
    const out = new Float64Array(3);
    fromNormalScores(tri, z, out);
    expect(out[0]).toBeCloseTo(distQuantile(tri, 0.025), 9);
    expect(out[1]).toBeCloseTo(distQuantile(tri, 0.5), 12);
    fromNormalScores(logn, z, out);
    expect(out[2]).toBeCloseTo(Math.exp(1.5), 12);
  });

  it("normal scores into normals: exact when truncation is negligible, by inversion otherwise", () => {
    const z = Float64Array.from([-2, 0, 1.5]);
    const out = new Float64Array(3);
    // P(X < 0) = Φ(−10) ≈ 7.6e-24: transformed as mean + sd·z
    fromNormalScores({ kind: "normal", mean: 5000, sd: 500, lower: 0 }, z, out);
    expect([...out]).toEqual([4000, 5000, 5750]);
    // normal(3, 2) truncated at 0 (mass 0.0668): x = F⁻¹(Φ(z)) of the truncated distribution
    fromNormalScores(tnorm, z, out);
    [-2, 0, 1.5].forEach((zz, i) => expect(out[i]).toBeCloseTo(distQuantile(tnorm, phi(zz)), 9));
    expect(out[1]).toBeCloseTo(3.167656973113117, 9); // scipy truncnorm median (see above)
  });
});
