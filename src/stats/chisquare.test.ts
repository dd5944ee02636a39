import { describe, it, expect } from "vitest";
import { chiSquareGof, chiSquareIsf, chiSquareSf, noncentralChiSquareSf } from "./chisquare.js";

describe("chiSquareSf", () => {
  it("matches scipy.stats.chi2.sf to 1e-9", () => {
    // python3 -c "from scipy import stats; print(stats.chi2.sf(15.3,8), stats.chi2.sf(0.5,1), stats.chi2.sf(120.0,89), stats.chi2.sf(3.0,9))"
    expect(chiSquareSf(15.3, 8)).toBeCloseTo(0.053568025975795304, 9);
    expect(chiSquareSf(0.5, 1)).toBeCloseTo(0.47950012218695337, 9);
    expect(chiSquareSf(120.0, 89)).toBeCloseTo(0.015906674643860096, 9);
    expect(chiSquareSf(3.0, 9)).toBeCloseTo(0.9642949726850891, 9);
    expect(chiSquareSf(0, 3)).toBe(1);
  });
  it("inverts to scipy chi2.isf(0.05, 8) = 15.507313055865454", () => {
    expect(chiSquareIsf(0.05, 8)).toBeCloseTo(15.507313055865454, 6);
  });
  it("noncentral tail matches scipy.stats.ncx2.sf", () => {
    // stats.ncx2.sf(15.507313055865453, 8, 10.0) = 0.5877341983710898
    // stats.ncx2.sf(stats.chi2.isf(0.05, 9), 9, 25.0) = 0.9620200616666201
    expect(noncentralChiSquareSf(15.507313055865453, 8, 10)).toBeCloseTo(0.5877341983710898, 7);
    expect(noncentralChiSquareSf(chiSquareIsf(0.05, 9), 9, 25)).toBeCloseTo(0.9620200616666201, 6);
  });
});

describe("chiSquareGof", () => {
  it("matches scipy.stats.chisquare with Benford expectations", () => {
    // obs=[30,20,15,12,8,6,4,3,2]; p=np.log10(1+1/np.arange(1,10))
    // stats.chisquare(obs, p*sum(obs)) -> statistic 4.333567716088453, pvalue 0.8258439686386438
    const probs = Array.from({ length: 9 }, (_, i) => Math.log10(1 + 1 / (i + 1)));
    const r = chiSquareGof([30, 20, 15, 12, 8, 6, 4, 3, 2], probs);
    expect(r.chi2).toBeCloseTo(4.333567716088453, 9);
    expect(r.df).toBe(8);
    expect(r.pValue).toBeCloseTo(0.8258439686386438, 9);
  });
  it("rejects mismatched lengths", () => {
    expect(() => chiSquareGof([1, 2], [1])).toThrow(RangeError);
  });
});
