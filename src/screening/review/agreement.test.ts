import { describe, it, expect } from "vitest";
import { cohenKappa, crossTable, gwetAc1, percentAgreement, wilson, type AgreementTable } from "./agreement.js";

function table(counts: number[][], categories: string[]): AgreementTable {
  return { categories, counts, n: counts.flat().reduce((s, v) => s + v, 0) };
}

describe("agreement statistics against published examples", () => {
  // Gwet (2014) Handbook of Inter-Rater Reliability, dataset `cont3x3abstractors` (2 abstractors,
  // 100 pregnancies, 3 categories), as published in the irrCAC R package vignette "Calculating
  // Chance-corrected Agreement Coefficients" (irrCAC 1.0, CRAN 2019):
  //   kappa2.table  -> Cohen's Kappa 0.7964094, se 0.05891072
  //   gwet.ac1.table -> Gwet's AC1   0.8493305, se 0.04321747
  //   pa2.table      -> Percent agreement 0.89
  // The same values were recomputed by hand with numpy from the formulas in the docstrings:
  //   t=np.array([[13,0,0],[0,20,7],[0,4,56]]); p=t/t.sum(); ... -> 0.796409402183972 0.058910718326081475
  //   and 0.8493305482313462 0.04321746752255927
  const abstractors = table(
    [
      [13, 0, 0],
      [0, 20, 7],
      [0, 4, 56],
    ],
    ["Ectopic", "AIU", "NIU"],
  );

  it("Cohen's kappa and its Fleiss-Cohen-Everitt standard error", () => {
    const k = cohenKappa(abstractors);
    expect(k).not.toBeNull();
    expect(k?.value).toBeCloseTo(0.7964094, 7);
    expect(k?.se).toBeCloseTo(0.05891072, 8);
    expect(k?.chance).toBeCloseTo(0.4597, 12); // rows 13/27/60, columns 13/24/63: 0.13*0.13 + 0.27*0.24 + 0.60*0.63
    // normal interval kappa ± 1.959964 se (irrCAC prints (0.68, 0.913) with a t quantile)
    expect(k?.low).toBeCloseTo(0.796409402183972 - 1.959963984540054 * 0.058910718326081475, 9);
    expect(k?.high).toBeCloseTo(0.796409402183972 + 1.959963984540054 * 0.058910718326081475, 9);
  });

  it("Gwet's AC1 and its standard error", () => {
    const g = gwetAc1(abstractors);
    expect(g?.value).toBeCloseTo(0.8493305, 7);
    expect(g?.se).toBeCloseTo(0.04321747, 8);
  });

  it("percent agreement with the Wilson interval", () => {
    const pa = percentAgreement(abstractors);
    expect(pa?.value).toBe(0.89);
    // scipy: z=norm.ppf(0.975); Wilson(89,100) -> (0.8136870349691969, 0.9374580364293543)
    expect(pa?.low).toBeCloseTo(0.8136870349691969, 12);
    expect(pa?.high).toBeCloseTo(0.9374580364293543, 12);
  });

  it("the 2 x 2 worked example of the Wikipedia article on Cohen's kappa (kappa = 0.4)", () => {
    // 50 grant proposals: both yes 20, A yes/B no 5, A no/B yes 10, both no 15 -> po 0.7, pe 0.5, kappa 0.4.
    // AC1 by hand: pi_yes = (0.5 + 0.6)/2 = 0.55, pe = 2 * 0.55 * 0.45 = 0.495, AC1 = 0.205/0.505.
    const t = table(
      [
        [20, 5],
        [10, 15],
      ],
      ["yes", "no"],
    );
    expect(cohenKappa(t)?.value).toBeCloseTo(0.4, 12);
    expect(gwetAc1(t)?.value).toBeCloseTo(0.205 / 0.505, 12);
  });

  it("Wilson intervals of Newcombe (1998, Stat Med 17:857-872, Table II, method 3)", () => {
    // published to 4 decimals: 81/263 -> 0.2553-0.3662; 15/148 -> 0.0624-0.1605; 0/20 -> 0-0.1611; 1/29 -> 0.0061-0.1718
    const cases: Array<[number, number, number, number]> = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ];
    for (const [x, n, lo, hi] of cases) {
      const w = wilson(x, n);
      expect(w.low).toBeCloseTo(lo, 4);
      expect(w.high).toBeCloseTo(hi, 4);
    }
  });

  it("degenerate tables give null, never NaN", () => {
    const one = crossTable([
      ["exclude", "exclude"],
      ["exclude", "exclude"],
    ]);
    expect(one.categories).toEqual(["exclude"]);
    expect(cohenKappa(one)).toBeNull();
    expect(gwetAc1(one)).toBeNull();
    expect(percentAgreement(one)?.value).toBe(1);
    expect(percentAgreement(crossTable([]))).toBeNull();
  });

  it("crossTable counts pairs into rows (first rater) and columns (second rater)", () => {
    const t = crossTable([
      ["include", "exclude"],
      ["include", "include"],
      ["maybe", "exclude"],
    ]);
    expect(t.categories).toEqual(["exclude", "include", "maybe"]);
    expect(t.counts).toEqual([
      [0, 0, 0],
      [1, 1, 0],
      [1, 0, 0],
    ]);
    expect(() => crossTable([["a", "b"]], ["a"])).toThrow(RangeError);
  });
});
