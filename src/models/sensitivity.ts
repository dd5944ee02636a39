import { caveat, makeFinding, type Finding, type InputRef } from "../core/finding.js";
import { mixSeed } from "../stats/rng.js";
import {
  METHOD_VERSION,
  evaluateAtQuantiles,
  runAccounting,
  uncertainFactors,
  type AccountingResult,
} from "./accounting.js";
import { spearman } from "./quantiles.js";
import { citedSources, type Scenario } from "./scenario.js";

/**
 * Which inputs drive the cumulative unexplained volume?
 *
 * Factors are groups of inputs: a variable over all years (e.g. `executions`), or a shared draw
 * (`shared:<name>`). Three views:
 * - tornado: the identity evaluated with every input at its median, then with one factor's inputs
 *   all at their 5 % (and 95 %) quantile. Deterministic; moving all years of a factor together is
 *   the extreme, fully correlated perturbation.
 * - Spearman rank correlation between a factor's per-draw sum over years and the output.
 * - Sobol indices per factor from matrices A, B and A_B^(i) (factor i from B, others from A):
 *   first order S_i = mean(f(B)·(f(A_B^i) − f(A)))/V (Saltelli et al. 2010), total
 *   S_Ti = mean((f(A) − f(A_B^i))²)/(2V) (Jansen 1999), V the variance of f over A and B pooled;
 *   with the Monte Carlo standard error of each mean.
 */

export const SENSITIVITY_METHOD = "model.accounting.sensitivity";
export const DEFAULT_SENSITIVITY_DRAWS = 20_000;

export interface TornadoBar {
  factor: string;
  /** output with the factor at its low quantile (others at medians) */
  low: number;
  high: number;
  swing: number;
}

export interface TornadoResult {
  pLow: number;
  pHigh: number;
  /** output with every input at its median */
  baseline: number;
  /** sorted by swing, largest first */
  bars: TornadoBar[];
}

export function tornado(s: Scenario, pLow = 0.05, pHigh = 0.95): TornadoResult {
  const baseline = evaluateAtQuantiles(s, () => 0.5).total;
  const bars = uncertainFactors(s).map((factor) => {
    const low = evaluateAtQuantiles(s, (f) => (f === factor ? pLow : 0.5)).total;
    const high = evaluateAtQuantiles(s, (f) => (f === factor ? pHigh : 0.5)).total;
    return { factor, low, high, swing: Math.abs(high - low) };
  });
  bars.sort((a, b) => b.swing - a.swing || (a.factor < b.factor ? -1 : 1));
  return { pLow, pHigh, baseline, bars };
}

export interface SpearmanEntry {
  factor: string;
  /** null when the factor or the output does not vary */
  rho: number | null;
}

export function spearmanSensitivity(s: Scenario, opts: { draws: number; seed: number }): SpearmanEntry[] {
  const { kept } = runAccounting(s, { draws: opts.draws, seed: opts.seed, keep: true, detail: "core" });
  return uncertainFactors(s).map((factor) => {
    const x = kept!.factors.get(factor);
    return { factor, rho: x ? spearman(x, kept!.total) : null };
  });
}

export interface SobolEntry {
  factor: string;
  first: number | null;
  firstSE: number | null;
  total: number | null;
  totalSE: number | null;
}

export interface SobolResult {
  draws: number;
  /** variance of the output over A and B pooled */
  variance: number;
  entries: SobolEntry[];
  /** sum of first-order indices (≤ 1 up to Monte Carlo error; 1 for an additive model) */
  sumFirst: number | null;
  seeds: { A: number; B: number };
}

function meanAndSE(g: Float64Array): { mean: number; se: number } {
  const n = g.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += g[i]!;
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (g[i]! - mean) * (g[i]! - mean);
  return { mean, se: Math.sqrt(ss / (n - 1) / n) };
}

export function sobolIndices(s: Scenario, opts: { draws: number; seed: number }): SobolResult {
  const seedA = mixSeed(opts.seed, 0xa);
  const seedB = mixSeed(opts.seed, 0xb);
  const run = (seedOf: (f: string) => number): Float64Array =>
    runAccounting(s, { draws: opts.draws, seed: opts.seed, factorSeed: seedOf, keep: true, detail: "core" }).kept!
      .total;
  const yA = run(() => seedA);
  const yB = run(() => seedB);
  const n = opts.draws;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yA[i]! + yB[i]!;
  mean /= 2 * n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (yA[i]! - mean) ** 2 + (yB[i]! - mean) ** 2;
  v /= 2 * n;
  const factors = uncertainFactors(s);
  const entries: SobolEntry[] = factors.map((factor) => {
    if (!(v > 0)) return { factor, first: null, firstSE: null, total: null, totalSE: null };
    const yAB = run((f) => (f === factor ? seedB : seedA));
    const g1 = new Float64Array(n);
    const gT = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      // outputs centred on their mean: same expectation as Saltelli (2010), far smaller variance when
      // the output's mean is large relative to its spread (as SALib does by standardising Y)
      g1[i] = ((yB[i]! - mean) * (yAB[i]! - yA[i]!)) / v;
      gT[i] = (yA[i]! - yAB[i]!) ** 2 / (2 * v);
    }
    const f1 = meanAndSE(g1);
    const fT = meanAndSE(gT);
    return { factor, first: f1.mean, firstSE: f1.se, total: fT.mean, totalSE: fT.se };
  });
  const sumFirst = v > 0 ? entries.reduce((acc, e) => acc + (e.first ?? 0), 0) : null;
  return { draws: n, variance: v, entries, sumFirst, seeds: { A: seedA, B: seedB } };
}

export interface SensitivityResult {
  output: string;
  factors: string[];
  tornado: TornadoResult;
  spearman: SpearmanEntry[];
  sobol: SobolResult;
}

export function runSensitivity(s: Scenario, opts: { draws: number; seed: number }): SensitivityResult {
  return {
    output: `cumulative unexplained transplants, ${s.years[0]!.year}-${s.years[s.years.length - 1]!.year}`,
    factors: uncertainFactors(s),
    tornado: tornado(s),
    spearman: spearmanSensitivity(s, opts),
    sobol: sobolIndices(s, opts),
  };
}

export function sensitivityFinding(
  s: Scenario,
  r: SensitivityResult,
  input: InputRef,
  opts: { draws: number; seed: number },
): Finding<SensitivityResult> {
  const top = r.tornado.bars[0];
  const estimable = r.sobol.entries.filter((e) => e.first !== null && e.firstSE !== null && 2 * e.firstSE <= 0.1);
  const sobolTop = [...estimable].sort((a, b) => (b.first ?? 0) - (a.first ?? 0))[0];
  const sobolNote = sobolTop
    ? `; the largest first-order Sobol index is ${sobolTop.factor} (${sobolTop.first!.toFixed(2)} ± ${(2 * sobolTop.firstSE!).toFixed(2)}).`
    : r.sobol.entries.length > 0
      ? `; first-order Sobol indices are not estimated precisely enough with ${r.sobol.draws} draws to rank the inputs (95% half-width above 0.1).`
      : ".";
  let statement: string;
  if (!top) {
    statement = `Scenario "${s.name}" has no uncertain inputs: the accounting result is fixed and has no sensitivity to analyse.`;
  } else {
    statement =
      `For scenario "${s.name}", the cumulative unexplained volume moves most with ${top.factor} ` +
      `(tornado swing ${String(Math.round(top.swing)).replace(/\B(?=(\d{3})+(?!\d))/g, ",")} between its 5% and 95% quantiles, others at medians)` +
      sobolNote +
      " Sensitivity ranks the assumptions; it does not say which values are true.";
  }
  return makeFinding({
    method: SENSITIVITY_METHOD,
    methodVersion: METHOD_VERSION,
    title: `Sensitivity of the organ-source accounting, scenario "${s.name}"`,
    verdict: top ? "estimate" : "insufficient-data",
    statement,
    result: r,
    caveats: [caveat("C_ACC_IDENTITY", {})],
    inputs: [{ ...input, sourceIds: input.sourceIds ?? citedSources(s) }],
    parameters: { draws: opts.draws, scenario: s.name, tornado: [r.tornado.pLow, r.tornado.pHigh] },
    seed: opts.seed,
  });
}

// ---------------------------------------------------------------------------------------------
// Scenario comparison

export interface ComparisonYear {
  year: number;
  meanA: number;
  meanB: number;
  /** meanB − meanA of unexplained */
  difference: number;
  pCoveredA: number;
  pCoveredB: number;
}

export interface ComparisonResult {
  a: string;
  b: string;
  commonYears: number[];
  years: ComparisonYear[];
  /** sums of per-year means over the common years (the mean of a sum is the sum of means) */
  totalCommon: { meanA: number; meanB: number; difference: number };
  /** each scenario's own cumulative result over all its years */
  totalA: AccountingResult["total"]["unexplained"];
  totalB: AccountingResult["total"]["unexplained"];
}

export function compareResults(a: AccountingResult, b: AccountingResult): ComparisonResult {
  const byYear = new Map(b.years.map((y) => [y.year, y]));
  const years: ComparisonYear[] = [];
  for (const ya of a.years) {
    const yb = byYear.get(ya.year);
    if (!yb) continue;
    years.push({
      year: ya.year,
      meanA: ya.unexplained.mean,
      meanB: yb.unexplained.mean,
      difference: yb.unexplained.mean - ya.unexplained.mean,
      pCoveredA: ya.pCovered,
      pCoveredB: yb.pCovered,
    });
  }
  const meanA = years.reduce((acc, y) => acc + y.meanA, 0);
  const meanB = years.reduce((acc, y) => acc + y.meanB, 0);
  return {
    a: a.scenario,
    b: b.scenario,
    commonYears: years.map((y) => y.year),
    years,
    totalCommon: { meanA, meanB, difference: meanB - meanA },
    totalA: a.total.unexplained,
    totalB: b.total.unexplained,
  };
}
