import { OrganAuditError } from "../core/errors.js";
import { caveat, makeFinding, type Caveat, type Finding, type InputRef } from "../core/finding.js";
import { binomialPowerGreater, binomTest } from "../stats/binomial.js";
import { chiSquareGof, chiSquareIsf, noncentralChiSquareSf } from "../stats/chisquare.js";
import { createRng } from "../stats/rng.js";

/**
 * Digit tests: Benford first digit, second digit and first-two digits; last-digit uniformity; rounding
 * (heaping on multiples of 5, 10 or 100).
 *
 * Decision rule shared by the chi-square tests: the test is run only when (a) every expected cell count
 * is at least 5 (n >= nMin = ceil(5 / smallest cell probability)) and (b) its power at the chosen alpha
 * against a stated alternative is at least 0.5; otherwise the verdict is `insufficient-data` with a
 * caveat, and the p-value is null (the statistic and MAD are still reported for description).
 */

export const DIGITS_METHOD_VERSION = "1.0.0";

export type DigitTestKind = "first" | "second" | "firsttwo";

/** Benford first-digit probabilities P(D1 = d) = log10(1 + 1/d), d = 1..9. */
export function benfordFirstProbs(): number[] {
  return Array.from({ length: 9 }, (_, i) => Math.log10(1 + 1 / (i + 1)));
}

/** Benford second-digit probabilities P(D2 = d) = sum_{k=1..9} log10(1 + 1/(10k + d)), d = 0..9. */
export function benfordSecondProbs(): number[] {
  return Array.from({ length: 10 }, (_, d) => {
    let s = 0;
    for (let k = 1; k <= 9; k++) s += Math.log10(1 + 1 / (10 * k + d));
    return s;
  });
}

/** Benford first-two-digit probabilities P(D1D2 = d) = log10(1 + 1/d), d = 10..99. */
export function benfordFirstTwoProbs(): number[] {
  return Array.from({ length: 90 }, (_, i) => Math.log10(1 + 1 / (i + 10)));
}

/** Nigrini's MAD conformity bands (Nigrini 2012, Forensic Analytics, table 7.1). */
export const MAD_BANDS: Record<DigitTestKind, [number, number, number]> = {
  first: [0.006, 0.012, 0.015],
  second: [0.008, 0.01, 0.012],
  firsttwo: [0.0012, 0.0018, 0.0022],
};

export type Conformity = "close" | "acceptable" | "marginal" | "nonconformity";

export function madConformity(mad: number, kind: DigitTestKind): Conformity {
  const [a, b, c] = MAD_BANDS[kind];
  if (mad <= a) return "close";
  if (mad <= b) return "acceptable";
  if (mad <= c) return "marginal";
  return "nonconformity";
}

/** The first k significant digits of a positive finite number, as an integer (k = 1 or 2). */
export function leadingDigits(v: number, k: 1 | 2): number {
  const e = v.toExponential(14); // "d.dddddddddddddde+X", 15 significant digits
  const s = e[0]! + (k === 2 ? e[2]! : "");
  return Number(s);
}

interface DigitCells {
  labels: number[];
  probs: number[];
  /** cell index of a usable value, or null when the value is excluded */
  cell: (v: number) => number | null;
  minValue: number;
}

function cellsFor(kind: DigitTestKind): DigitCells {
  if (kind === "first") {
    return { labels: [1, 2, 3, 4, 5, 6, 7, 8, 9], probs: benfordFirstProbs(), cell: (v) => leadingDigits(v, 1) - 1, minValue: 0 };
  }
  if (kind === "second") {
    return {
      labels: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      probs: benfordSecondProbs(),
      cell: (v) => leadingDigits(v, 2) % 10,
      minValue: 10,
    };
  }
  return {
    labels: Array.from({ length: 90 }, (_, i) => i + 10),
    probs: benfordFirstTwoProbs(),
    cell: (v) => leadingDigits(v, 2) - 10,
    minValue: 10,
  };
}

export interface DigitExclusions {
  nonFinite: number;
  nonPositive: number;
  belowMinimum: number;
  nonInteger: number;
}

export interface PowerInfo {
  alternative: string;
  alpha: number;
  power: number;
}

export interface BenfordResult {
  test: DigitTestKind;
  n: number;
  excluded: DigitExclusions;
  digits: number[];
  observed: number[];
  expectedProportions: number[];
  chi2: number | null;
  df: number;
  /** asymptotic chi-square p-value; null when the decision rule says the test cannot decide */
  pValue: number | null;
  mad: number | null;
  conformity: Conformity | null;
  /** discrete Kolmogorov-Smirnov statistic max_d |F_obs(d) - F_Benford(d)| with a seeded Monte Carlo p-value */
  ks: { statistic: number; pValue: number; sims: number } | null;
  nMin: number;
  power: PowerInfo;
}

export interface DigitOptions {
  input: InputRef;
  /** label of the values, e.g. "deceased donors" */
  name?: string;
  alpha?: number;
  seed?: number;
  sims?: number;
}

function checkAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new OrganAuditError("F_CHK_BAD_OPTION", { option: "alpha", detail: `must be in (0, 1), found ${alpha}` });
}

function partition(values: readonly number[], minValue: number, integerOnly: boolean): { kept: number[]; excluded: DigitExclusions } {
  const excluded: DigitExclusions = { nonFinite: 0, nonPositive: 0, belowMinimum: 0, nonInteger: 0 };
  const kept: number[] = [];
  for (const v of values) {
    if (!Number.isFinite(v)) excluded.nonFinite++;
    else if (v <= 0) excluded.nonPositive++;
    else if (v < minValue) excluded.belowMinimum++;
    else if (integerOnly && !Number.isInteger(v)) excluded.nonInteger++;
    else kept.push(v);
  }
  return { kept, excluded };
}

function exclusionCaveats(ex: DigitExclusions, minValue: number): Caveat[] {
  const out: Caveat[] = [];
  if (ex.nonFinite) out.push(caveat("C_CHK_DIGITS_EXCLUDED", { excluded: ex.nonFinite, reason: "not a finite number" }));
  if (ex.nonPositive) out.push(caveat("C_CHK_DIGITS_EXCLUDED", { excluded: ex.nonPositive, reason: "zero or negative" }));
  if (ex.belowMinimum) out.push(caveat("C_CHK_DIGITS_EXCLUDED", { excluded: ex.belowMinimum, reason: `below ${minValue}` }));
  if (ex.nonInteger) out.push(caveat("C_CHK_DIGITS_EXCLUDED", { excluded: ex.nonInteger, reason: "not an integer" }));
  return out;
}

/** Power of a chi-square GOF test at level alpha against alternative cell probabilities (noncentral chi-square). */
export function chiSquarePower(n: number, p0: readonly number[], p1: readonly number[], alpha: number): number {
  const df = p0.length - 1;
  let lambda = 0;
  p0.forEach((p, i) => {
    const d = (p1[i] as number) - p;
    lambda += (d * d) / p;
  });
  return noncentralChiSquareSf(chiSquareIsf(alpha, df), df, n * lambda);
}

function cumulative(xs: readonly number[]): number[] {
  let s = 0;
  return xs.map((x) => (s += x));
}

function ksStatistic(counts: readonly number[], n: number, cdf: readonly number[]): number {
  let s = 0;
  let d = 0;
  counts.forEach((c, i) => {
    s += c;
    d = Math.max(d, Math.abs(s / n - (cdf[i] as number)));
  });
  return d;
}

/** Monte Carlo p-value of the discrete KS statistic under the reference probabilities (seeded). */
function ksMonteCarlo(d: number, n: number, probs: readonly number[], seed: number, sims: number): number {
  const cdf = cumulative(probs);
  const rng = createRng(seed);
  const counts = new Array<number>(probs.length).fill(0);
  let atLeast = 0;
  for (let s = 0; s < sims; s++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      let lo = 0;
      let hi = cdf.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (u < (cdf[mid] as number)) hi = mid;
        else lo = mid + 1;
      }
      counts[lo]!++;
    }
    if (ksStatistic(counts, n, cdf) >= d - 1e-12) atLeast++;
  }
  return (1 + atLeast) / (1 + sims);
}

const BENFORD_TITLES: Record<DigitTestKind, string> = {
  first: "Benford first-digit test",
  second: "Benford second-digit test",
  firsttwo: "Benford first-two-digits test",
};

/**
 * Benford test of the first, second or first-two significant digits: Pearson chi-square (df = cells - 1),
 * MAD with Nigrini's bands, and a discrete KS statistic with a seeded Monte Carlo p-value. Values that are
 * not finite, <= 0 or (for two-digit tests) < 10 are excluded and counted. The verdict follows the
 * chi-square p-value when the decision rule (expected count >= 5, power >= 0.5 against uniform digits) holds.
 */
export function benfordFinding(values: readonly number[], kind: DigitTestKind, opts: DigitOptions): Finding<BenfordResult> {
  const alpha = opts.alpha ?? 0.05;
  checkAlpha(alpha);
  const seed = opts.seed ?? 1;
  const sims = opts.sims ?? 1000;
  if (!Number.isInteger(sims) || sims < 1) throw new OrganAuditError("F_CHK_BAD_OPTION", { option: "sims", detail: `must be a positive integer, found ${sims}` });
  const cells = cellsFor(kind);
  const { kept, excluded } = partition(values, cells.minValue, false);
  const n = kept.length;
  const observed = new Array<number>(cells.labels.length).fill(0);
  for (const v of kept) observed[cells.cell(v)!]!++;
  const pMin = Math.min(...cells.probs);
  const nMin = Math.ceil(5 / pMin);
  const uniform = cells.probs.map(() => 1 / cells.probs.length);
  const power: PowerInfo = {
    alternative: "uniformly distributed digits",
    alpha,
    power: n > 0 ? chiSquarePower(n, cells.probs, uniform, alpha) : 0,
  };
  const caveats = exclusionCaveats(excluded, cells.minValue);
  const title = BENFORD_TITLES[kind];
  const df = cells.labels.length - 1;
  let chi2: number | null = null;
  let pValue: number | null = null;
  let mad: number | null = null;
  let conformity: Conformity | null = null;
  let ks: BenfordResult["ks"] = null;
  if (n > 0) {
    const gof = chiSquareGof(observed, cells.probs);
    chi2 = gof.chi2;
    mad = observed.reduce((s, o, i) => s + Math.abs(o / n - (cells.probs[i] as number)), 0) / observed.length;
    conformity = madConformity(mad, kind);
    const cdf = cumulative(cells.probs);
    const d = ksStatistic(observed, n, cdf);
    const effSims = n * sims > 2e7 ? Math.max(200, Math.floor(2e7 / n)) : sims;
    ks = { statistic: d, pValue: ksMonteCarlo(d, n, cells.probs, seed, effSims), sims: effSims };
    if (n >= nMin && power.power >= 0.5) pValue = gof.pValue;
  }
  const decides = pValue !== null;
  if (n < nMin) caveats.push(caveat("C_CHK_DIGITS_LOW_N", { n, nMin, test: title }));
  else if (power.power < 0.8) caveats.push(caveat("C_CHK_DIGITS_LOW_POWER", { power: power.power.toFixed(2), alternative: power.alternative }));
  if (decides && n >= 5000) caveats.push(caveat("C_CHK_DIGITS_LARGE_N", {}));
  caveats.push(caveat("C_CHK_DIGITS_NOT_PROOF", {}));
  const verdict = !decides ? "insufficient-data" : (pValue as number) < alpha ? "flag" : "pass";
  const what = opts.name ? ` of ${opts.name}` : "";
  const statement = !decides
    ? `The ${kind === "firsttwo" ? "first-two" : kind}-digit distribution${what} cannot be tested: ${n} usable value(s), the test needs at least ${nMin} and power >= 0.5 (power ${power.power.toFixed(2)}).`
    : verdict === "flag"
      ? `The ${kind === "firsttwo" ? "first-two" : kind}-digit frequencies${what} are inconsistent with Benford's law (chi-square ${chi2!.toFixed(2)}, df ${df}, p = ${fmtP(pValue!)}; MAD ${mad!.toFixed(4)}, ${conformity}).`
      : `The ${kind === "firsttwo" ? "first-two" : kind}-digit frequencies${what} are consistent with Benford's law (chi-square ${chi2!.toFixed(2)}, df ${df}, p = ${fmtP(pValue!)}; MAD ${mad!.toFixed(4)}, ${conformity}).`;
  return makeFinding<BenfordResult>({
    method: `forensics.digits.benford-${kind}`,
    methodVersion: DIGITS_METHOD_VERSION,
    title,
    verdict,
    statement,
    ...(chi2 !== null ? { statistic: { name: "chi2", value: chi2 } } : {}),
    pValue,
    result: {
      test: kind,
      n,
      excluded,
      digits: cells.labels,
      observed,
      expectedProportions: cells.probs,
      chi2,
      df,
      pValue,
      mad,
      conformity,
      ks,
      nMin,
      power,
    },
    caveats,
    inputs: [opts.input],
    parameters: { digits: kind, alpha, sims, minValue: cells.minValue },
    seed,
  });
}

export function fmtP(p: number): string {
  return p < 1e-4 ? p.toExponential(2) : p.toFixed(4);
}

export interface LastDigitResult {
  n: number;
  excluded: DigitExclusions;
  observed: number[];
  chi2: number | null;
  df: number;
  pValue: number | null;
  nMin: number;
  power: PowerInfo;
  /** share of usable values whose last digit is 0 or 5 */
  shareZeroFive: number | null;
}

/**
 * Last-digit uniformity: the last digit of integer counts >= minValue (default 100) should be close to
 * uniform on 0..9 for genuine counts. Two-digit values are excluded by default: for counts spread over
 * orders of magnitude (Benford-like), small values have measurably non-uniform last digits (in simulation
 * the test then rejected 11% of null samples at alpha 0.05). Pearson chi-square with df 9. Decision rule as
 * for the Benford tests, with power against "digits 0 and 5 each twice as frequent" (0.2, others 0.075).
 */
export function lastDigitFinding(values: readonly number[], opts: DigitOptions & { minValue?: number }): Finding<LastDigitResult> {
  const alpha = opts.alpha ?? 0.05;
  checkAlpha(alpha);
  const minValue = opts.minValue ?? 100;
  const { kept, excluded } = partition(values, minValue, true);
  const n = kept.length;
  const observed = new Array<number>(10).fill(0);
  for (const v of kept) observed[v % 10]!++;
  const p0 = new Array<number>(10).fill(0.1);
  const p1 = p0.map((_, d) => (d === 0 || d === 5 ? 0.2 : 0.075));
  const power: PowerInfo = { alternative: "last digits 0 and 5 each twice as frequent as uniform", alpha, power: n > 0 ? chiSquarePower(n, p0, p1, alpha) : 0 };
  const nMin = 50;
  let chi2: number | null = null;
  let pValue: number | null = null;
  if (n > 0) {
    const gof = chiSquareGof(observed, p0);
    chi2 = gof.chi2;
    if (n >= nMin && power.power >= 0.5) pValue = gof.pValue;
  }
  const caveats = exclusionCaveats(excluded, minValue);
  if (n < nMin) caveats.push(caveat("C_CHK_DIGITS_LOW_N", { n, nMin, test: "last-digit test" }));
  else if (power.power < 0.8) caveats.push(caveat("C_CHK_DIGITS_LOW_POWER", { power: power.power.toFixed(2), alternative: power.alternative }));
  const verdict = pValue === null ? "insufficient-data" : pValue < alpha ? "flag" : "pass";
  const what = opts.name ? ` of ${opts.name}` : "";
  const statement =
    pValue === null
      ? `Last-digit uniformity${what} cannot be tested: ${n} usable value(s), the test needs at least ${nMin}.`
      : `The last digits${what} are ${verdict === "flag" ? "inconsistent" : "consistent"} with uniform last digits (chi-square ${chi2!.toFixed(2)}, df 9, p = ${fmtP(pValue)}).`;
  return makeFinding<LastDigitResult>({
    method: "forensics.digits.last-digit",
    methodVersion: DIGITS_METHOD_VERSION,
    title: "Last-digit uniformity test",
    verdict,
    statement,
    ...(chi2 !== null ? { statistic: { name: "chi2", value: chi2 } } : {}),
    pValue,
    result: {
      n,
      excluded,
      observed,
      chi2,
      df: 9,
      pValue,
      nMin,
      power,
      shareZeroFive: n > 0 ? (observed[0]! + observed[5]!) / n : null,
    },
    caveats,
    inputs: [opts.input],
    parameters: { alpha, minValue },
    seed: null,
  });
}

export type RoundingUnit = 5 | 10 | 100;

export interface RoundingResult {
  unit: RoundingUnit;
  n: number;
  excluded: DigitExclusions;
  /** number of usable values that are multiples of the unit */
  rounded: number;
  share: number | null;
  expectedShare: number;
  pValue: number | null;
  power: PowerInfo & { critical: number | null };
}

/**
 * Rounding / heaping: the share of integer values that are multiples of `unit` (5: ending in 0 or 5;
 * 10: ending in 0; 100: ending in 00) against the 1/unit expected when last digits are uniform. Exact
 * one-sided binomial test (excess of round values). Values below 100 (units 5 and 10) or 1000 (unit 100)
 * are excluded, for the reason given at lastDigitFinding. Decision rule: the test decides only if its power
 * against a doubled share is >= 0.5.
 */
export function roundingFinding(values: readonly number[], opts: DigitOptions & { unit?: RoundingUnit }): Finding<RoundingResult> {
  const alpha = opts.alpha ?? 0.05;
  checkAlpha(alpha);
  const unit = opts.unit ?? 5;
  if (unit !== 5 && unit !== 10 && unit !== 100) throw new OrganAuditError("F_CHK_BAD_OPTION", { option: "unit", detail: `must be 5, 10 or 100, found ${String(unit)}` });
  const minValue = unit === 100 ? 1000 : 100;
  const { kept, excluded } = partition(values, minValue, true);
  const n = kept.length;
  const rounded = kept.filter((v) => v % unit === 0).length;
  const p0 = 1 / unit;
  const pw = n > 0 ? binomialPowerGreater(n, p0, 2 * p0, alpha) : { critical: null, power: 0 };
  const power = { alternative: `share of multiples of ${unit} twice the expected ${p0}`, alpha, power: pw.power, critical: pw.critical };
  const decides = n > 0 && pw.power >= 0.5;
  const pValue = decides ? binomTest(rounded, n, p0, "greater") : null;
  const caveats = exclusionCaveats(excluded, minValue);
  if (!decides) caveats.push(caveat("C_CHK_DIGITS_LOW_POWER", { power: pw.power.toFixed(2), alternative: power.alternative }));
  const verdict = pValue === null ? "insufficient-data" : pValue < alpha ? "flag" : "pass";
  const what = opts.name ? ` of ${opts.name}` : "";
  const share = n > 0 ? rounded / n : null;
  const statement =
    pValue === null
      ? `Rounding to multiples of ${unit}${what} cannot be tested with ${n} usable value(s): power against a doubled share is ${pw.power.toFixed(2)} (< 0.5).`
      : `${rounded} of ${n} values${what} are multiples of ${unit} (expected share ${p0}); this is ${verdict === "flag" ? "inconsistent" : "consistent"} with uniform last digits (one-sided binomial p = ${fmtP(pValue)}).`;
  return makeFinding<RoundingResult>({
    method: "forensics.digits.rounding",
    methodVersion: DIGITS_METHOD_VERSION,
    title: `Rounding/heaping test (multiples of ${unit})`,
    verdict,
    statement,
    ...(share !== null ? { statistic: { name: "share", value: share } } : {}),
    pValue,
    result: { unit, n, excluded, rounded, share, expectedShare: p0, pValue, power },
    caveats,
    inputs: [opts.input],
    parameters: { alpha, unit, minValue },
    seed: null,
  });
}

/** Compact number formatting for statements. */
export function fmt(v: number, digits = 3): string {
  if (Number.isInteger(v)) return v.toLocaleString("en-US");
  return Number(v.toPrecision(digits + 1)).toString();
}
