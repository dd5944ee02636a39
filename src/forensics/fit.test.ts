import { describe, it, expect } from "vitest";
import { canonicalJson } from "../core/canonical.js";
import { OrganAuditError } from "../core/errors.js";
import { DEFAULT_CANDIDATES, compareModels, fitFinding, fitModel, predictAt, type FitResult } from "./fit.js";
import type { ModelSpec } from "./models.js";
import type { Series } from "./series.js";

/*
 * Reference values: test/fixtures/forensics/reference.py (run once; python3, numpy 2.4, scipy 1.17,
 * mpmath). Linear models: exact least squares in 60-digit arithmetic (mpmath normal equations),
 *   X = [[mp.mpf(xi)**j for j in range(deg+1)] for xi in x]; b = (X.T*X)**-1 * X.T*y
 *   se = sqrt(RSS/(n-p) * diag(inv(X'X)))          (the numpy formula, in high precision)
 * Nonlinear: scipy.optimize.curve_fit(f, x, y, p0, ftol=1e-15, xtol=1e-15, gtol=1e-15) refined by
 *   60 Gauss-Newton steps in 60-digit arithmetic (curve_fit alone stops up to ~1e-5 short: scipy_coef).
 * Information criteria: K = k + 1; logLik = -n/2 (ln 2pi + ln(RSS/n) + 1); AICc = AIC + 2K(K+1)/(n-K-1);
 *   BIC = -2 logLik + K ln n.
 */
const REF = {
  c1_poly2: {
    coef: [0.75, -0.95, 2.25],
    se: [0.6224949798994366, 0.5678908345800273, 0.11180339887498948],
    rss: 0.05,
    r2: 0.9999092147072174,
    adjR2: 0.9997276441216523,
    logLik: 3.0882991365290717,
    aicc: null,
    bic: -0.6314208285785812,
  },
  c1_q1: {
    coef: [2.0451977401129944],
    se: [0.016145412617214923],
    rss: 0.2768361581920904,
    r2: 0.9994973469665146,
    r2u: 0.9998130748425441,
    logLik: -0.3345065416525044,
    aicc: 16.66901308330501,
    bic: 3.44160180554479,
  },
  us_poly0: {
    coef: [9014.777777777777],
    se: [351.06907272951355],
    rss: 8873963.555555556,
    r2: 0.0,
    adjR2: 0.0,
    logLik: -74.87678066897998,
    aicc: 155.75356133795995,
    bic: 154.14801049263238,
  },
  us_poly1: {
    coef: [-731331.6222222223, 367.6],
    se: [86020.11207886848, 42.711043390594284],
    rss: 766177.9555555555,
    r2: 0.9136600065169426,
    adjR2: 0.9013257217336487,
    logLik: -63.85420002947337,
    aicc: 138.50840005894673,
    bic: 134.3000737909554,
  },
  us_poly2: {
    coef: [173702368.97229436, -172853.83722943722, 43.004329004329],
    se: [41833822.20141613, 41543.06961752898, 10.31357076605214],
    rss: 196571.2831168831,
    r2: 0.9778485361263605,
    adjR2: 0.9704647148351472,
    logLik: -57.732448038908615,
    aicc: 133.46489607781723,
    bic: 124.2537943871621,
  },
  us_poly3: {
    coef: [50158203666.02381, -74628561.24278499, 37012.11038961039, -6.1186868686868685],
    se: [36615404422.578026, 54541405.902440995, 27081.15611659661, 4.482150678547633],
    rss: 143199.2012987013,
    r2: 0.9838629942074699,
    adjR2: 0.9741807907319517,
    logLik: -56.30690000269448,
    aicc: 142.61380000538895,
    bic: 123.59992289207007,
  },
  us_q1_2000: {
    coef: [40.943109550804294],
    se: [3.5149385409848337],
    rss: 41216775.33098328,
    r2: -3.6446861171950014,
    r2u: 0.9443219645749202,
    logLik: -81.78753774937564,
    aicc: 169.5750754987513,
    bic: 167.96952465342372,
  },
  ns_poly3: {
    coef: [6.666680952840795e17, -1000001428641714.5, 500000357178.32745, -83333333.33924505],
    se: [3.7796560693032054e18, 5669478434479182.0, 2834736382503.89, 472455591.2950503],
    rss: 3.2142857142857144,
    r2: 0.6785714285714286,
    adjR2: -0.2857142857142857,
    logLik: -5.990110785325765,
    aicc: null,
    bic: 20.02741113282203,
  },
  ns_poly1: {
    coef: [-1599998.600037835, 800.0000000189175],
    se: [692821.0158644302, 346.410161521967],
    rss: 3.6,
    r2: 0.64,
    adjR2: 0.52,
    logLik: -6.273432498593273,
    aicc: 42.546864997186546,
    bic: 17.37517873448885,
  },
  logistic: {
    coef: [936.8513568000315, 0.6903004324262442, 6.275839919276657],
    se: [8.485791241999943, 0.012466849698226498, 0.04023715933472559],
    scipy_coef: [936.8513563826514, 0.6903004331253059, 6.2758399173389225],
    rss: 244.68836044919337,
    r2: 0.999775332796149,
    r2u: 0.9999046529915138,
    logLik: -32.66981957972039,
    aicc: 80.00630582610745,
    bic: 74.93122025063425,
  },
  exponential: {
    coef: [10.054351165727722, 0.3382921179517221],
    se: [0.14830569631350016, 0.0020709682944181494],
    scipy_coef: [10.054351179254944, 0.33829211775871687],
    rss: 2.6496502187241715,
    r2: 0.9998554963946983,
    r2u: 0.9999424026646365,
    logLik: -7.2678605734131665,
    aicc: 25.335721146826334,
    bic: 21.12739487883499,
  },
  q1_x0: {
    coef: [2.415190207613087, 0.007200132028932938],
    se: [0.030625471907569566, 0.04153970323458748],
    scipy_coef: [2.415190188391939, 0.007200096634590399],
    rss: 3.0182120478170513,
    r2: 0.9998541644739168,
    r2u: 0.9999407659448165,
    logLik: -7.45240057458569,
    aicc: 26.90480114917138,
    bic: 21.143125774210887,
  },
  us_poly3_numpy_polyfit: [50158192406.27707, -74628544.47541413, 37012.102066614396, -6.118685491563769],
} as const;

const US = [7943, 8126, 8143, 8269, 8596, 9079, 9970, 10286, 10721]; // GODT 2010-2017 + SRTR 2018
const YEARS = [2010, 2011, 2012, 2013, 2014, 2015, 2016, 2017, 2018];
const XN = [2000.0, 2000.001, 2000.002, 2000.003, 2000.004];
const YN = [1, 3, 2, 5, 4];

function relErr(a: number | null | undefined, b: number): number {
  if (a === null || a === undefined) return Number.POSITIVE_INFINITY;
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

function expectClose(
  f: FitResult,
  ref: { coef: readonly number[]; se: readonly number[]; rss: number; r2: number; [k: string]: unknown },
  tol = 1e-9,
): void {
  expect(f.status).toBe("ok");
  ref.coef.forEach((c, i) => expect(relErr(f.coefficients![i], c)).toBeLessThan(tol));
  ref.se.forEach((s, i) => expect(relErr(f.standardErrors![i], s)).toBeLessThan(tol));
  expect(relErr(f.rss, ref.rss)).toBeLessThan(tol);
  if (ref.r2 === 0) expect(Math.abs(f.r2!)).toBeLessThan(1e-12);
  else expect(relErr(f.r2, ref.r2)).toBeLessThan(tol);
  for (const key of ["adjR2", "aicc", "bic", "logLik"] as const) {
    const v = ref[key];
    if (typeof v === "number") {
      if (v === 0) expect(Math.abs(f[key]!)).toBeLessThan(1e-12);
      else expect(relErr(f[key], v)).toBeLessThan(tol);
    }
  }
  if (typeof ref.r2u === "number") expect(relErr(f.r2Uncentered, ref.r2u)).toBeLessThan(tol);
}

const poly = (degree: 0 | 1 | 2 | 3): ModelSpec => ({ kind: "poly", degree });

describe("fitModel: METHODS.md capability C1", () => {
  it("one-parameter quadratic y = a x^2 on x=[1..4], y=[2,8,18,33]", () => {
    const f = fitModel([1, 2, 3, 4], [2, 8, 18, 33], { kind: "quadratic1", x0: 0 });
    expect(f.coefficients![0]).toBeCloseTo(724 / 354, 12);
    expect(f.coefficients![0]).toBeCloseTo(2.045198, 6);
    expect(f.r2).toBeCloseTo(0.999497, 6); // centered
    expect(f.r2Uncentered).toBeCloseTo(0.999813, 6); // uncentered
    expect(f.caveats.map((c) => c.code)).toContain("C_FIT_R2_CONVENTIONS");
    expectClose(f, REF.c1_q1);
  });
  it("general quadratic gives (c, b, a) = (0.75, -0.95, 2.25), R^2 0.999909; AICc undefined at n = 4", () => {
    const f = fitModel([1, 2, 3, 4], [2, 8, 18, 33], poly(2));
    expect(f.coefficients![0]).toBeCloseTo(0.75, 12);
    expect(f.coefficients![1]).toBeCloseTo(-0.95, 12);
    expect(f.coefficients![2]).toBeCloseTo(2.25, 12);
    expect(f.r2).toBeCloseTo(0.999909, 6);
    expect(f.r2Uncentered).toBeNull();
    expect(f.aicc).toBeNull();
    expect(f.caveats.map((c) => c.code)).toContain("C_FIT_AICC_UNDEFINED");
    expectClose(f, REF.c1_poly2);
    f.residuals!.forEach((r, i) => expect(r).toBeCloseTo([-0.05, 0.15, -0.15, 0.05][i]!, 12));
  });
  it("exact data y = 5x^2: a = 5, R^2 = 1, no NaN anywhere (AICc/BIC null, caveat)", () => {
    const f = fitModel([1, 2, 3, 4], [5, 20, 45, 80], { kind: "quadratic1", x0: 0 });
    expect(f.coefficients![0]).toBeCloseTo(5, 12);
    expect(f.r2).toBe(1);
    expect(f.r2Uncentered).toBe(1);
    expect(f.adjR2).toBe(1);
    expect(f.aicc).toBeNull();
    expect(f.bic).toBeNull();
    expect(f.perfectFit).toBe(true);
    expect(f.standardErrors).toEqual([0]);
    expect(f.caveats.map((c) => c.code)).toContain("C_FIT_PERFECT");
    expect(() => canonicalJson(f)).not.toThrow();
  });
});

describe("fitModel: raw years as x (US deceased donors 2010-2018)", () => {
  it.each([0, 1, 2, 3] as const)("poly%i agrees with the 60-digit reference to 1e-9", (d) => {
    expectClose(fitModel(YEARS, US, poly(d)), REF[`us_poly${d}`]);
  });
  it("cubic on raw years is more accurate than np.polyfit (which is off by ~2e-7)", () => {
    const f = fitModel(YEARS, US, poly(3));
    expect(relErr(REF.us_poly3_numpy_polyfit[0], REF.us_poly3.coef[0])).toBeGreaterThan(1e-8);
    expect(relErr(f.coefficients![0], REF.us_poly3.coef[0])).toBeLessThan(1e-12);
    expect(f.caveats.map((c) => c.code)).toContain("C_FIT_RAW_COEF_ILL_CONDITIONED");
  });
  it("one-parameter quadratic about x0 = 2000: centered R^2 negative, uncentered 0.944", () => {
    const f = fitModel(YEARS, US, { kind: "quadratic1", x0: 2000 });
    expectClose(f, REF.us_q1_2000);
    expect(f.r2!).toBeLessThan(0);
  });
  it("predictAt reproduces the fitted values and the raw-coefficient polynomial", () => {
    const f = fitModel(YEARS, US, poly(2));
    YEARS.forEach((x, i) => expect(predictAt(f, x)).toBeCloseTo(f.fitted![i]!, 8));
    const c = f.coefficients as number[];
    expect(predictAt(f, 2019)).toBeCloseTo(c[0]! + c[1]! * 2019 + c[2]! * 2019 ** 2, 3);
  });
});

describe("fitModel: near-singular designs", () => {
  it("x = 2000.000..2000.004: cubic and line agree with the 60-digit reference", () => {
    expectClose(fitModel(XN, YN, poly(3)), REF.ns_poly3, 1e-9);
    expectClose(fitModel(XN, YN, poly(1)), REF.ns_poly1, 1e-9);
    expect(fitModel(XN, YN, poly(3)).caveats.map((c) => c.code)).toContain("C_FIT_RAW_COEF_ILL_CONDITIONED");
  });
  it("cubic on 4 points: insufficient-data (no residual df), no NaN", () => {
    const f = fitModel([1, 2, 3, 4], [1, 3, 2, 5], poly(3));
    expect(f.status).toBe("insufficient-data");
    expect(f.reason).toBe("C_FIT_TOO_FEW_POINTS");
    expect(() => canonicalJson(f)).not.toThrow();
  });
  it("all-equal x is rejected as duplicate x; a constant model on one x is fine", () => {
    expect(() => fitModel([3, 3, 3], [1, 2, 3], poly(1))).toThrow(OrganAuditError);
    expect(fitModel([3], [2], poly(0)).status).toBe("insufficient-data");
  });
  it("all-equal y: R^2 undefined (null) with a caveat", () => {
    const f = fitModel([1, 2, 3, 4], [3, 3, 3, 3], poly(1));
    expect(f.r2).toBeNull();
    expect(f.caveats.map((c) => c.code)).toContain("C_FIT_CONSTANT_Y");
    expect(() => canonicalJson(f)).not.toThrow();
  });
  it("bad input: non-finite, length mismatch, duplicate x raise OrganAuditError", () => {
    expect(() => fitModel([1, 2, 3], [1, Number.NaN, 3], poly(1))).toThrow(/expected a number/);
    expect(() => fitModel([1, 2, 3], [1, 2], poly(1))).toThrow(/x has 3 values but y has 2/);
    expect(() => fitModel([1, 2, 2], [1, 2, 3], poly(1))).toThrow(/duplicate x value 2/);
  });
});

describe("fitModel: nonlinear models", () => {
  it("logistic agrees with the refined curve_fit reference to 1e-9 (and with raw curve_fit to 1e-5)", () => {
    const f = fitModel([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [20, 33, 48, 90, 160, 270, 420, 590, 720, 810, 870], {
      kind: "logistic",
    });
    expectClose(f, REF.logistic);
    REF.logistic.scipy_coef.forEach((c, i) => expect(relErr(f.coefficients![i], c)).toBeLessThan(1e-5));
  });
  it("exponential agrees to 1e-9", () => {
    expectClose(
      fitModel([0, 1, 2, 3, 4, 5, 6, 7, 8], [10, 14, 19, 28, 38, 55, 77, 108, 150], { kind: "exponential" }),
      REF.exponential,
    );
  });
  it("quadratic1 with fitted x0 agrees to 1e-9", () => {
    expectClose(
      fitModel([1, 2, 3, 4, 5, 6, 7, 8], [3, 10, 21, 39, 60, 87, 117, 155], { kind: "quadratic1" }),
      REF.q1_x0,
    );
  });
  it("exponential on raw years: same curve as on shifted x (a rescaled by exp(b*2000))", () => {
    const y = [10, 14, 19, 28, 38, 55, 77, 108, 150];
    const f0 = fitModel([0, 1, 2, 3, 4, 5, 6, 7, 8], y, { kind: "exponential" });
    const f1 = fitModel([2000, 2001, 2002, 2003, 2004, 2005, 2006, 2007, 2008], y, { kind: "exponential" });
    expect(relErr(f1.coefficients![1], f0.coefficients![1] as number)).toBeLessThan(1e-9);
    expect(relErr(f1.rss, f0.rss!)).toBeLessThan(1e-9);
    expect(relErr(predictAt(f1, 2009), predictAt(f0, 9))).toBeLessThan(1e-9);
  });
  it("exponential with non-positive values: insufficient-data, not NaN", () => {
    const f = fitModel([1, 2, 3], [0, -1, 0], { kind: "exponential" });
    expect(f.status).toBe("insufficient-data");
    expect(() => canonicalJson(f)).not.toThrow();
  });
});

describe("cumulative fits and model comparison", () => {
  it("cumulative: fits the running total and says so", () => {
    const f = fitModel([1, 2, 3, 4, 5], [1, 2, 3, 4, 5], poly(2), { cumulative: true });
    expect(f.y).toEqual([1, 3, 6, 10, 15]);
    expect(f.perfectFit).toBe(true); // n(n+1)/2 is exactly quadratic
    expect(f.coefficients![2]).toBeCloseTo(0.5, 12);
    expect(f.caveats.map((c) => c.code)).toContain("C_FIT_CUMULATIVE");
    expect(f.caveats.map((c) => c.code)).not.toContain("C_FIT_UNEVEN_X");
    const gap = fitModel([2010, 2011, 2013, 2014], [1, 2, 3, 4], poly(1), { cumulative: true });
    expect(gap.caveats.map((c) => c.code)).toContain("C_FIT_UNEVEN_X");
  });
  it("predictAt refuses a fit without an estimate instead of returning NaN", () => {
    const f = fitModel([1, 2, 3], [1, 2, 3], poly(3));
    expect(() => predictAt(f, 4)).toThrow(/no estimate/);
  });
  it("Akaike weights sum to 1 and deltaAicc is 0 for the best model", () => {
    const rows = compareModels(YEARS, US, [poly(0), poly(1), poly(2), poly(3)]);
    const w = rows.map((r) => r.akaikeWeight ?? 0);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(Math.min(...rows.map((r) => r.deltaAicc!))).toBe(0);
    // AICc from the reference: poly2 133.46 is the smallest
    expect(rows[2]!.deltaAicc).toBe(0);
    expect(rows[1]!.deltaAicc).toBeCloseTo(REF.us_poly1.aicc - REF.us_poly2.aicc, 9);
  });
});

describe("fitFinding", () => {
  const series: Series = {
    name: "US deceased donors",
    x: YEARS,
    y: US,
    input: { name: "test", sha256: "0".repeat(64) },
  };
  it("is an estimate with provenance, window and comparison", () => {
    const f = fitFinding(series, poly(2), { from: 2010, to: 2017 });
    expect(f.verdict).toBe("estimate");
    expect(f.result.n).toBe(8);
    expect(f.result.comparison!.length).toBe(7);
    expect(f.provenance.parameters).toMatchObject({ model: "poly2", from: 2010, to: 2017 });
    expect(() => canonicalJson(f)).not.toThrow();
    expect(f.id).toBe(fitFinding(series, poly(2), { from: 2010, to: 2017 }).id);
  });
  it("insufficient-data when the window holds too few points", () => {
    const f = fitFinding(series, poly(3), { from: 2016 });
    expect(f.verdict).toBe("insufficient-data");
    expect(() => canonicalJson(f)).not.toThrow();
  });
});

describe("never NaN or Infinity, whatever the data", () => {
  const cases: [string, number[], number[]][] = [
    ["linear data", [1, 2, 3, 4, 5, 6, 7, 8], [2, 4, 6, 8, 10, 12, 14, 16]],
    ["constant", [1, 2, 3, 4, 5, 6, 7, 8], [5, 5, 5, 5, 5, 5, 5, 5]],
    ["zeros", [1, 2, 3, 4, 5], [0, 0, 0, 0, 0]],
    ["mixed signs", [1, 2, 3, 4, 5], [-1, -3, 2, -5, 4]],
    ["tiny", [1, 2, 3, 4, 5, 6], [1e-300, 2e-300, 3e-300, 4e-300, 5e-300, 6e-300]],
    ["huge (overflow)", [1, 2, 3, 4, 5, 6], [1e300, 2e300, 3e300, 4e300, 5e300, 6e300]],
    ["saw-tooth on years", [2010, 2011, 2012, 2013, 2014, 2015, 2016, 2017], [1, 1000, 1, 1000, 1, 1000, 1, 1000]],
  ];
  it.each(cases)("%s: every model gives a serialisable result", (_, x, y) => {
    for (const spec of DEFAULT_CANDIDATES) {
      const f = fitModel(x, y, spec);
      expect(() => canonicalJson(f)).not.toThrow();
      if (f.status === "insufficient-data") expect(f.reason).toMatch(/^C_FIT_/);
    }
  });
  it("overflowing values are reported as such", () => {
    expect(fitModel([1, 2, 3, 4, 5, 6], [1e300, 2e300, 3e300, 4e300, 5e300, 6e300], poly(1)).reason).toBe(
      "C_FIT_OVERFLOW",
    );
  });
});
