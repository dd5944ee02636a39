import { describe, it, expect } from "vitest";
import {
  benfordFinding,
  benfordFirstProbs,
  benfordFirstTwoProbs,
  benfordSecondProbs,
  lastDigitFinding,
  leadingDigits,
  madConformity,
  roundingFinding,
} from "./digits.js";
import { canonicalJson } from "../core/canonical.js";

const input = { name: "test", sha256: "0".repeat(64) };
// Reference data and values: test/fixtures/forensics-checks/digits_reference.py (python3, numpy 2.4, scipy 1.17).
// A = [round(10**(1+3*((i*0.6180339887498949)%1))) for i in range(1,501)]  (Benford-like, low discrepancy)
// B = [100+(i*37)%900 for i in range(500)]                                  (uniform on 100..999)
const A = Array.from({ length: 500 }, (_, k) => Math.round(10 ** (1 + 3 * (((k + 1) * 0.6180339887498949) % 1))));
const B = Array.from({ length: 500 }, (_, i) => 100 + ((i * 37) % 900));

describe("Benford probabilities", () => {
  it("match numpy", () => {
    // np.log10(1+1/np.arange(1,10))[[0,8]] -> 0.3010299956639812, 0.04575749056067514
    expect(benfordFirstProbs()[0]).toBeCloseTo(0.3010299956639812, 14);
    expect(benfordFirstProbs()[8]).toBeCloseTo(0.04575749056067514, 14);
    // [sum(np.log10(1+1/(10*k+d)) for k in range(1,10)) for d in range(10)] -> d=0: 0.11967927, d=9: 0.08499735205769225
    expect(benfordSecondProbs()[0]).toBeCloseTo(0.11967927, 8);
    expect(benfordSecondProbs()[9]).toBeCloseTo(0.08499735205769225, 14);
    // np.log10(1+1/99) = 0.0043648054024501125
    expect(benfordFirstTwoProbs()[89]).toBeCloseTo(0.0043648054024501125, 15);
    for (const p of [benfordFirstProbs(), benfordSecondProbs(), benfordFirstTwoProbs()]) {
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
  });
  it("extracts leading digits", () => {
    expect(leadingDigits(715, 1)).toBe(7);
    expect(leadingDigits(715, 2)).toBe(71);
    expect(leadingDigits(0.0452, 2)).toBe(45);
    expect(leadingDigits(1e21, 2)).toBe(10);
  });
  it("classifies MAD with Nigrini's bands", () => {
    expect(madConformity(0.006, "first")).toBe("close");
    expect(madConformity(0.0121, "first")).toBe("marginal");
    expect(madConformity(0.016, "first")).toBe("nonconformity");
    expect(madConformity(0.0011, "firsttwo")).toBe("close");
    expect(madConformity(0.011, "second")).toBe("marginal");
  });
});

describe("benfordFinding", () => {
  it("first digit of A matches scipy.stats.chisquare and passes", () => {
    // first 500 chi2 0.44532602603444604 p 0.9999142348610962 MAD 0.002489880167340093
    const f = benfordFinding(A, "first", { input, seed: 7, sims: 200 });
    expect(f.result.n).toBe(500);
    expect(f.result.chi2).toBeCloseTo(0.44532602603444604, 9);
    expect(f.pValue).toBeCloseTo(0.9999142348610962, 9);
    expect(f.result.mad).toBeCloseTo(0.002489880167340093, 12);
    expect(f.result.conformity).toBe("close");
    expect(f.verdict).toBe("pass");
    expect(f.result.df).toBe(8);
    // discrete KS statistic (digits_reference.py): ks first A 0.00512125471966246
    expect(f.result.ks!.statistic).toBeCloseTo(0.00512125471966246, 12);
    expect(f.result.ks!.pValue).toBeGreaterThan(0.5);
  });
  it("first digit of uniform B is flagged", () => {
    // B first 500 chi2 182.72681173758878 p 2.753463656064784e-35 MAD 0.05734666473954719
    const f = benfordFinding(B, "first", { input, seed: 7, sims: 200 });
    expect(f.result.chi2).toBeCloseTo(182.72681173758878, 8);
    expect(f.pValue! / 2.753463656064784e-35).toBeCloseTo(1, 6);
    expect(f.result.mad).toBeCloseTo(0.05734666473954719, 12);
    expect(f.result.conformity).toBe("nonconformity");
    expect(f.verdict).toBe("flag");
    // discrete KS statistic (digits_reference.py): ks first B 0.2580599913279624
    expect(f.result.ks!.statistic).toBeCloseTo(0.2580599913279624, 12);
    // KS Monte Carlo: no simulated Benford sample is as far away -> minimum p = 1/(sims+1)
    expect(f.result.ks!.pValue).toBeCloseTo(1 / 201, 12);
  });
  it("second digit: statistic matches scipy, but power vs uniform is too low at n=500", () => {
    // A second 500 chi2 1.6464586192877386; B second chi2 5.9263217414110665 (scipy p 0.7472691004874603)
    // power: stats.ncx2.sf(stats.chi2.isf(0.05,9),9,500*sum((0.1-p2)**2/p2)) = 0.3344 < 0.5
    const a = benfordFinding(A, "second", { input, sims: 50 });
    expect(a.result.chi2).toBeCloseTo(1.6464586192877386, 9);
    expect(a.result.mad).toBeCloseTo(0.004907138984521597, 12);
    expect(a.result.power.power).toBeCloseTo(0.33441230881680317, 5);
    expect(a.verdict).toBe("insufficient-data");
    expect(a.pValue).toBeNull();
    const b = benfordFinding(B, "second", { input, sims: 50 });
    expect(b.result.chi2).toBeCloseTo(5.9263217414110665, 9);
  });
  it("first-two digits need n >= 1146 (5 / log10(100/99) = 1145.5)", () => {
    // B firsttwo 500 chi2 212.01735880275635 MAD 0.0059347224276206185
    const f = benfordFinding(B, "firsttwo", { input, sims: 20 });
    expect(f.result.nMin).toBe(1146);
    expect(f.result.chi2).toBeCloseTo(212.01735880275635, 8);
    expect(f.result.mad).toBeCloseTo(0.0059347224276206185, 12);
    expect(f.verdict).toBe("insufficient-data");
    expect(f.caveats.map((c) => c.code)).toContain("C_CHK_DIGITS_LOW_N");
    // with the sample repeated three times (n = 1500) the test can decide: chi2 scales by 3
    const g = benfordFinding([...B, ...B, ...B], "firsttwo", { input, sims: 20 });
    expect(g.result.chi2).toBeCloseTo(3 * 212.01735880275635, 6);
    expect(g.verdict).toBe("flag");
  });
  it("first digit needs n >= 110 (5 / log10(10/9) = 109.3)", () => {
    const f = benfordFinding(A.slice(0, 40), "first", { input, sims: 20 });
    expect(f.result.nMin).toBe(110);
    expect(f.verdict).toBe("insufficient-data");
    expect(f.pValue).toBeNull();
  });
  it("excludes and counts zeros, negatives, small values and non-finite values; never emits NaN", () => {
    const f = benfordFinding([0, -5, 3, Number.NaN, 12], "second", { input, sims: 10 });
    expect(f.result.excluded).toEqual({ nonFinite: 1, nonPositive: 2, belowMinimum: 1, nonInteger: 0 });
    expect(f.result.n).toBe(1);
    const empty = benfordFinding([0, 0, -1], "first", { input });
    expect(empty.result.n).toBe(0);
    expect(empty.result.chi2).toBeNull();
    expect(empty.verdict).toBe("insufficient-data");
    expect(() => canonicalJson(empty)).not.toThrow();
    expect(() => canonicalJson(f)).not.toThrow();
  });
  it("is deterministic for a seed", () => {
    const a = benfordFinding(B.slice(0, 120), "first", { input, seed: 3, sims: 100 });
    const b = benfordFinding(B.slice(0, 120), "first", { input, seed: 3, sims: 100 });
    expect(canonicalJson(a)).toBe(canonicalJson(b));
  });
});

describe("lastDigitFinding", () => {
  it("matches scipy.stats.chisquare on the values >= 100 of A", () => {
    // last A 333 [43, 37, 29, 33, 34, 27, 36, 26, 33, 35] chi2 6.90990990990991 p 0.6464986549371619
    const f = lastDigitFinding(A, { input });
    expect(f.result.n).toBe(333);
    expect(f.result.excluded.belowMinimum).toBe(167);
    expect(f.result.observed).toEqual([43, 37, 29, 33, 34, 27, 36, 26, 33, 35]);
    expect(f.result.chi2).toBeCloseTo(6.90990990990991, 9);
    expect(f.pValue).toBeCloseTo(0.6464986549371619, 9);
    expect(f.verdict).toBe("pass");
  });
  it("flags heaped values and reports too-small samples", () => {
    const heaped = A.map((x, i) => (i % 2 === 0 ? x - (x % 5) : x));
    expect(lastDigitFinding(heaped, { input }).verdict).toBe("flag");
    const small = lastDigitFinding([34, 132, 849, 2766, 4080], { input });
    expect(small.verdict).toBe("insufficient-data");
    expect(small.pValue).toBeNull();
  });
});

describe("roundingFinding", () => {
  it("matches scipy.stats.binomtest(alternative='greater')", () => {
    // values >= 100: round5 H 333 197 p 4.521894489748259e-55 ; round5 A 333 70 p 0.34136692850867695
    const heaped = A.map((x, i) => (i % 2 === 0 ? x - (x % 5) : x));
    const h = roundingFinding(heaped, { input, unit: 5 });
    expect(h.result.n).toBe(333);
    expect(h.result.rounded).toBe(197);
    expect(h.pValue! / 4.521894489748259e-55).toBeCloseTo(1, 6);
    expect(h.verdict).toBe("flag");
    const a = roundingFinding(A, { input, unit: 5 });
    expect(a.result.rounded).toBe(70);
    expect(a.pValue).toBeCloseTo(0.34136692850867695, 10);
    expect(a.verdict).toBe("pass");
  });
  it("says insufficient-data for a 9-point annual series", () => {
    const f = roundingFinding([34, 132, 426, 849, 1700, 2766, 4080, 5146, 6302], { input, unit: 10 });
    expect(f.verdict).toBe("insufficient-data");
    expect(f.pValue).toBeNull();
  });
  it("rejects an unknown unit", () => {
    expect(() => roundingFinding(A, { input, unit: 7 as 5 })).toThrow(/unit/);
  });
});
