import { describe, expect, it } from "vitest";
import { createRng } from "../stats/rng.js";
import {
  pearson,
  quantile,
  quantilesInPlace,
  ranks,
  selectInPlace,
  spearman,
  summarizeInPlace,
  summarizeWithRange,
} from "./quantiles.js";

// Reference values from numpy 2.4 / scipy 1.17:
//   x = np.array([3.,1.,4.,1.,5.,9.,2.,6.,5.,3.,5.]); y = np.array([2.,7.,1.,8.,2.,8.,1.,8.,2.,8.,4.])
//   np.quantile(x, [0,0.05,0.25,0.5,0.75,0.95,1])   -> [1, 1, 2.5, 4, 5, 7.5, 9]   (method "linear" = type 7)
//   stats.rankdata(x)                                 -> [4.5,1.5,6,1.5,8,11,3,10,8,4.5,8]
//   stats.spearmanr(x, y).statistic                   -> 0.1384567651467695
//   stats.pearsonr(x, y).statistic                    -> 0.09422924859889797
const x = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
const y = [2, 7, 1, 8, 2, 8, 1, 8, 2, 8, 4];

describe("type-7 quantiles by selection", () => {
  it("match numpy on a small sample with ties", () => {
    const got = quantilesInPlace(Float64Array.from(x), [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1]);
    expect(got).toEqual([1, 1, 2.5, 4, 5, 7.5, 9]);
    expect(quantile(x, 0.95)).toBe(7.5);
  });
  it("match a full sort on 100,001 random values, any probability order", () => {
    const rng = createRng(5);
    const a = new Float64Array(100_001);
    for (let i = 0; i < a.length; i++) a[i] = rng.normal() * 1000 + (i % 7);
    const sorted = Float64Array.from(a).sort();
    const q7 = (p: number): number => {
      const h = (sorted.length - 1) * p;
      const k = Math.floor(h);
      return k + 1 < sorted.length ? sorted[k]! + (h - k) * (sorted[k + 1]! - sorted[k]!) : sorted[k]!;
    };
    const ps = [0.95, 0.05, 0.5, 0.25, 0.75, 0.001, 0.999, 0.3333];
    const got = quantilesInPlace(a, ps);
    ps.forEach((p, i) => expect(got[i]).toBe(q7(p)));
  });
  it("selectInPlace partitions around k", () => {
    const a = Float64Array.from([5, 3, 9, 1, 7, 3, 8, 2, 6]);
    const v = selectInPlace(a, 4);
    expect(v).toBe(5);
    for (let i = 0; i < 4; i++) expect(a[i]).toBeLessThanOrEqual(5);
    for (let i = 5; i < a.length; i++) expect(a[i]).toBeGreaterThanOrEqual(5);
  });
  it("empty input and bad probabilities are errors", () => {
    expect(() => quantilesInPlace(new Float64Array(0), [0.5])).toThrow(RangeError);
    expect(() => quantilesInPlace(Float64Array.from([1]), [1.2])).toThrow(RangeError);
  });
  it("summary: mean, sd and quantiles", () => {
    const s = summarizeInPlace(Float64Array.from([1, 2, 3, 4]));
    // np.mean 2.5, np.std(ddof=1) 1.2909944487358056, np.quantile(.., [.05,.25,.5,.75,.95]) = [1.15,1.75,2.5,3.25,3.85]
    expect(s.mean).toBe(2.5);
    expect(s.sd).toBeCloseTo(1.2909944487358056, 14);
    expect([s.p05, s.p25, s.p50, s.p75, s.p95].map((v) => Math.round(v * 1e12) / 1e12)).toEqual([
      1.15, 1.75, 2.5, 3.25, 3.85,
    ]);
  });
});

describe("ranks and correlations", () => {
  it("average ranks for ties (scipy rankdata)", () => {
    expect([...ranks(Float64Array.from(x))]).toEqual([4.5, 1.5, 6, 1.5, 8, 11, 3, 10, 8, 4.5, 8]);
  });
  it("Spearman and Pearson match scipy", () => {
    expect(spearman(Float64Array.from(x), Float64Array.from(y))).toBeCloseTo(0.1384567651467695, 12);
    expect(pearson(Float64Array.from(x), Float64Array.from(y))).toBeCloseTo(0.09422924859889797, 12);
  });
  it("constant input gives null, not NaN", () => {
    expect(spearman(Float64Array.from([1, 1, 1]), Float64Array.from([1, 2, 3]))).toBeNull();
  });
});

describe("histogram order statistics (large samples)", () => {
  const exactQ7 = (values: Float64Array, p: number): number => {
    const sorted = Float64Array.from(values).sort();
    const h = (sorted.length - 1) * p;
    const k = Math.floor(h);
    return k + 1 < sorted.length ? sorted[k]! + (h - k) * (sorted[k + 1]! - sorted[k]!) : sorted[k]!;
  };
  const ps = [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1];
  it("heavy tail (lognormal sigma 4), heavy ties and a constant sample give exactly the sorted answer", () => {
    const rng = createRng(21);
    const heavy = new Float64Array(50_000);
    for (let i = 0; i < heavy.length; i++) heavy[i] = Math.exp(4 * rng.normal());
    const ties = new Float64Array(50_000);
    for (let i = 0; i < ties.length; i++) ties[i] = rng.int(3) - 1;
    const constant = new Float64Array(10_000).fill(-2.5);
    for (const arr of [heavy, ties, constant]) {
      const got = quantilesInPlace(Float64Array.from(arr), ps);
      ps.forEach((p, i) => expect(got[i]).toBe(exactQ7(arr, p)));
    }
  });
});

describe("summaries of large samples", () => {
  it("summarizeInPlace (fused passes) = two-pass mean/sd and sorted type-7 quantiles; summarizeWithRange agrees", () => {
    const rng = createRng(31);
    const a = new Float64Array(60_001);
    for (let i = 0; i < a.length; i++) a[i] = Math.exp(rng.normal()) * 100 - 50;
    let s = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const x of a) {
      s += x;
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    const mean = s / a.length;
    let ss = 0;
    for (const x of a) ss += (x - mean) ** 2;
    const sorted = Float64Array.from(a).sort();
    const q7 = (p: number): number => {
      const h = (sorted.length - 1) * p;
      const k = Math.floor(h);
      return sorted[k]! + (h - k) * (sorted[k + 1]! - sorted[k]!);
    };
    const want = {
      mean,
      sd: Math.sqrt(ss / (a.length - 1)),
      p05: q7(0.05),
      p25: q7(0.25),
      p50: q7(0.5),
      p75: q7(0.75),
      p95: q7(0.95),
    };
    expect(summarizeInPlace(Float64Array.from(a))).toEqual(want);
    expect(summarizeWithRange(Float64Array.from(a), s, min, max)).toEqual(want);
  });
});
