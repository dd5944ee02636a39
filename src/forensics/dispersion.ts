import { caveat, makeFinding, type Caveat, type Finding } from "../core/finding.js";
import { OrganAuditError } from "../core/errors.js";
import { chiSquareCdf } from "../stats/distributions.js";
import { createRng } from "../stats/rng.js";
import { sampleNegBinomial, samplePoisson } from "../stats/sampling.js";
import { alignToX, centredGradient, fitModel, fmt, seriesInputs, windowSeries, type FitResult, type WindowOptions } from "./fit.js";
import { isLinearModel, modelName, type ModelSpec } from "./models.js";
import { cachedFit } from "./fit-cache.js";
import type { PeerSet, Series } from "./series.js";

export const DISPERSION_METHOD = "forensics.dispersion";
export const DISPERSION_METHOD_VERSION = "2.0.0";

/**
 * "Too smooth to be real": are the residuals about the fitted curve smaller than counting noise alone?
 *
 * Poisson dispersion index D = sum((y - yhat)^2 / yhat) / df, df = n - k. Under Poisson counts
 * about a correct curve, D * df is approximately chi-square(df); the lower tail P(chi2_df <= D df)
 * is small when the series is too smooth. Negative binomial (Var = mu + mu^2 / k = mu + phi mu^2):
 * D_NB = sum((y - yhat)^2 / (yhat + phi yhat^2)) / df with phi estimated from the peers (below).
 * Monte Carlo: draw Poisson (and NB) counts about the fitted curve mu, refit the same model to each
 * simulated series and recompute D (squared residuals about the refitted curve, divided by the
 * variance at mu); p = (1 + #{D_sim <= D_obs}) / (1 + valid sims). Every draw comes
 * from createRng(seed).fork(simulation index), so results are reproducible and order-free.
 *
 * Refitting is done by projection: with J the n x k Jacobian of the fitted values with respect to the
 * parameters at the observed fit (the design matrix for linear models) and Q an orthonormal basis of
 * its columns, the residuals of a simulated series y* are (I - Q Q')(y* - mu). For linear models
 * (polynomials, quadratic with x0 given) this IS the least-squares refit, exactly; for nonlinear models
 * (quadratic with x0 fitted, exponential, logistic) it is one Gauss-Newton step from the observed
 * fit (a linearised refit, with a caveat), which costs O(n k) per simulation instead of an iterative
 * Levenberg-Marquardt fit. If J is rank-deficient the full refit is used.
 *
 * phi estimator (documented): the Pearson moment estimator pooled over peers (Breslow 1984): fit the
 * same model to each peer over the target's x values and solve
 *     sum_peers sum_i (y_ij - yhat_ij)^2 / (yhat_ij + phi yhat_ij^2) = sum_peers (n_j - k)
 * for phi >= 0 (phi = 0 when the peers are not over-dispersed relative to Poisson); k = 1 / phi.
 */
export interface DispersionResult {
  model: string;
  n: number;
  df: number;
  fitted: number[] | null;
  /** Poisson dispersion index D */
  dispersionIndex: number | null;
  /** lower-tail chi-square p-value P(chi2_df <= D df) */
  pValueChiSquare: number | null;
  /** Monte Carlo p-value under Poisson noise with refitting */
  pValueMonteCarlo: number | null;
  /** phi = 1/k of the negative binomial, estimated from the peers; null without peers */
  nbPhi: number | null;
  nbK: number | null;
  nbPeersUsed: number;
  nbDispersionIndex: number | null;
  nbPValueChiSquare: number | null;
  nbPValueMonteCarlo: number | null;
  sims: number;
  simsValid: number;
  nbSimsValid: number;
  seed: number;
  alpha: number;
}

/** Pearson statistic sum((y - mu)^2 / (mu + phi mu^2)); phi = 0 is Poisson. */
export function pearson(y: number[], mu: number[], phi: number): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (y[i]! - mu[i]!) ** 2 / (mu[i]! + phi * mu[i]! * mu[i]!);
  return s;
}

/** Pooled Pearson moment estimate of phi from (y, yhat, df) groups; 0 if not over-dispersed. */
export function estimateNbPhi(groups: { y: number[]; mu: number[]; df: number }[]): number | null {
  const df = groups.reduce((s, g) => s + g.df, 0);
  if (groups.length === 0 || df <= 0) return null;
  const total = (phi: number) => groups.reduce((s, g) => s + pearson(g.y, g.mu, phi), 0);
  if (total(0) <= df) return 0;
  let lo = 0;
  let hi = 1e-6;
  while (total(hi) > df && hi < 1e12) hi *= 4;
  if (total(hi) > df) return null;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (total(mid) > df) lo = mid;
    else hi = mid;
    if (hi - lo <= 1e-15 * hi) break;
  }
  return (lo + hi) / 2;
}

/**
 * Dispersion index of a simulated series: refit the model, then divide the squared residuals by the
 * variance function evaluated at the NULL means mu (the fitted curve of the observed series). Using
 * the fixed null variance (rather than the refitted values, which can be <= 0 for a simulated series)
 * keeps every simulation usable; for the observed series the two coincide.
 */
function dispersionOf(x: number[], y: number[], spec: ModelSpec, mu: number[], phi: number): number | null {
  const f = fitModel(x, y, spec);
  if (f.status !== "ok" || f.fitted === null || f.df <= 0) return null;
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (y[i]! - f.fitted[i]!) ** 2 / (mu[i]! + phi * mu[i]! * mu[i]!);
  return s / f.df;
}

/**
 * Orthonormal basis of the columns of the n x k matrix J (given as n rows), by modified Gram-Schmidt
 * with one re-orthogonalisation pass; null when a column is (numerically) dependent on the others.
 */
export function orthonormalColumns(J: readonly number[][]): number[][] | null {
  const n = J.length;
  const k = J[0]?.length ?? 0;
  if (n === 0 || k === 0 || k > n) return null;
  const q: number[][] = [];
  for (let j = 0; j < k; j++) {
    const v = J.map((row) => row[j]!);
    const norm0 = Math.sqrt(v.reduce((s, a) => s + a * a, 0));
    if (!(norm0 > 0) || !Number.isFinite(norm0)) return null;
    for (let pass = 0; pass < 2; pass++) {
      for (const b of q) {
        let d = 0;
        for (let i = 0; i < n; i++) d += b[i]! * v[i]!;
        for (let i = 0; i < n; i++) v[i] = v[i]! - d * b[i]!;
      }
    }
    const norm = Math.sqrt(v.reduce((s, a) => s + a * a, 0));
    if (!(norm > 1e-10 * norm0)) return null;
    q.push(v.map((a) => a / norm));
  }
  return q;
}

/** A refit-by-projection function for simulated series about the observed fit, or null if J is singular. */
function projector(fit: FitResult): ((ys: number[]) => number[]) | null {
  const mu = fit.fitted!;
  const J: number[][] = [];
  for (const xi of fit.x) {
    const g = centredGradient(fit, xi);
    if (g === null || g.some((v) => !Number.isFinite(v))) return null;
    J.push(g);
  }
  const q = orthonormalColumns(J);
  if (q === null) return null;
  const n = mu.length;
  return (ys) => {
    const r = ys.map((v, i) => v - mu[i]!);
    for (const b of q) {
      let d = 0;
      for (let i = 0; i < n; i++) d += b[i]! * r[i]!;
      for (let i = 0; i < n; i++) r[i] = r[i]! - d * b[i]!;
    }
    return r;
  };
}

export interface DispersionOptions extends WindowOptions {
  seed: number;
  /** Monte Carlo simulations (default 999; 0 = chi-square only) */
  sims?: number;
  peers?: PeerSet;
  alpha?: number;
  cumulative?: boolean;
}

export function dispersionFinding(series: Series, spec: ModelSpec, opts: DispersionOptions): Finding<DispersionResult> {
  const sims = opts.sims ?? 999;
  const alpha = opts.alpha ?? 0.05;
  if (!Number.isInteger(sims) || sims < 0 || sims > 1_000_000) {
    throw new OrganAuditError("F_FIT_BAD_OPTION", {
      option: "sims",
      detail: `must be an integer from 0 to 1000000, got ${sims}`,
    });
  }
  if (!Number.isInteger(opts.seed) || opts.seed < 0 || opts.seed > 0xffffffff) {
    throw new OrganAuditError("F_FIT_BAD_OPTION", {
      option: "seed",
      detail: `must be an integer in [0, 2^32), got ${opts.seed}`,
    });
  }
  const w = windowSeries(series, opts);
  const x = w.x;
  const y = w.y;
  const caveats: Caveat[] = [];
  const params = {
    model: modelName(spec),
    spec,
    sims,
    alpha,
    from: opts.from ?? null,
    to: opts.to ?? null,
    peers: opts.peers?.name ?? null,
    cumulative: opts.cumulative ?? false,
  };
  const result: DispersionResult = {
    model: modelName(spec),
    n: x.length,
    df: 0,
    fitted: null,
    dispersionIndex: null,
    pValueChiSquare: null,
    pValueMonteCarlo: null,
    nbPhi: null,
    nbK: null,
    nbPeersUsed: 0,
    nbDispersionIndex: null,
    nbPValueChiSquare: null,
    nbPValueMonteCarlo: null,
    sims,
    simsValid: 0,
    nbSimsValid: 0,
    seed: opts.seed,
    alpha,
  };
  const title = `Residual dispersion of ${series.name} about ${modelName(spec)} vs counting noise`;
  const insufficient = (cv: Caveat): Finding<DispersionResult> =>
    makeFinding({
      method: DISPERSION_METHOD,
      methodVersion: DISPERSION_METHOD_VERSION,
      title,
      verdict: "insufficient-data",
      statement: `The dispersion test could not be run on ${series.name}: ${cv.message}.`,
      pValue: null,
      result,
      caveats: [cv, ...caveats],
      inputs: seriesInputs(series, x, y),
      parameters: params,
      seed: opts.seed,
    });
  if (opts.cumulative) return insufficient(caveat("C_DISP_CUMULATIVE", {}));
  if (x.length === 0) return insufficient(caveat("C_FIT_TOO_FEW_POINTS", { n: 0, k: 1 }));
  if (y.some((v) => v < 0)) return insufficient(caveat("C_DISP_NEGATIVE", {}));
  if (y.every((v) => v === y[0])) return insufficient(caveat("C_FIT_CONSTANT_Y", {}));
  const fit = cachedFit(x, y, spec);
  result.df = fit.df;
  if (fit.status !== "ok" || fit.fitted === null) return insufficient(fit.caveats[0]!);
  result.fitted = fit.fitted;
  caveats.push(...fit.caveats.filter((c) => c.code !== "C_FIT_R2_CONVENTIONS"));
  if (fit.fitted.some((m) => !(m > 0))) return insufficient(caveat("C_DISP_NONPOSITIVE_FIT", {}));
  if (y.some((v) => !Number.isInteger(v))) caveats.push(caveat("C_DISP_NOT_COUNTS", {}));
  const D = pearson(y, fit.fitted, 0) / fit.df;
  result.dispersionIndex = D;
  result.pValueChiSquare = chiSquareCdf(D * fit.df, fit.df);
  // negative binomial phi from peers
  let phi: number | null = null;
  if (opts.peers) {
    const groups: { y: number[]; mu: number[]; df: number }[] = [];
    for (const p of opts.peers.series) {
      const py = alignToX(p, x);
      if (py === null) continue;
      const pf = cachedFit(x, py, spec);
      if (pf.status !== "ok" || pf.fitted === null || pf.fitted.some((m) => !(m > 0))) continue;
      groups.push({ y: py, mu: pf.fitted, df: pf.df });
    }
    result.nbPeersUsed = groups.length;
    phi = estimateNbPhi(groups);
    if (phi === 0) caveats.push(caveat("C_DISP_NB_POISSON", {}));
  } else {
    caveats.push(caveat("C_DISP_NB_NO_PEERS", {}));
  }
  if (phi !== null) {
    result.nbPhi = phi;
    result.nbK = phi > 0 ? 1 / phi : null;
    result.nbDispersionIndex = pearson(y, fit.fitted, phi) / fit.df;
    result.nbPValueChiSquare = chiSquareCdf(result.nbDispersionIndex * fit.df, fit.df);
  }
  // Monte Carlo with refitting
  if (sims > 0) {
    const root = createRng(opts.seed);
    const project = projector(fit);
    if (project !== null && !isLinearModel(spec)) caveats.push(caveat("C_DISP_LINEARISED", {}));
    const df = fit.df;
    const mu = fit.fitted;
    const simD = (ys: number[], ph: number): number | null => {
      if (project === null) return dispersionOf(x, ys, spec, mu, ph);
      const r = project(ys);
      let acc = 0;
      for (let i = 0; i < r.length; i++) acc += r[i]! ** 2 / (mu[i]! + ph * mu[i]! * mu[i]!);
      return acc / df;
    };
    let valid = 0;
    let le = 0;
    let nbValid = 0;
    let nbLe = 0;
    for (let s = 0; s < sims; s++) {
      const r = root.fork(s);
      const ys = fit.fitted.map((m) => samplePoisson(r, m));
      const d = simD(ys, 0);
      if (d !== null) {
        valid++;
        if (d <= D) le++;
      }
      if (phi !== null && phi > 0) {
        const rn = root.fork(sims + s);
        const yn = fit.fitted.map((m) => sampleNegBinomial(rn, m, 1 / phi!));
        const dn = simD(yn, phi);
        if (dn !== null) {
          nbValid++;
          if (dn <= result.nbDispersionIndex!) nbLe++;
        }
      }
    }
    result.simsValid = valid;
    result.nbSimsValid = nbValid;
    if (valid < sims) caveats.push(caveat("C_DISP_SIM_FAILED", { failed: sims - valid, sims }));
    result.pValueMonteCarlo = valid > 0 ? (1 + le) / (1 + valid) : null;
    if (phi !== null && phi > 0 && nbValid > 0) result.nbPValueMonteCarlo = (1 + nbLe) / (1 + nbValid);
    caveats.push(caveat("C_DISP_CHI2_APPROX", {}));
  }
  caveats.push(caveat("C_DISP_CONSERVATIVE", {}));
  const p = result.pValueMonteCarlo ?? result.pValueChiSquare;
  if (p === null) return insufficient(caveat("C_FIT_TOO_FEW_POINTS", { n: x.length, k: fit.parameters }));
  const flag = p < alpha;
  return makeFinding({
    method: DISPERSION_METHOD,
    methodVersion: DISPERSION_METHOD_VERSION,
    title,
    verdict: flag ? "flag" : "pass",
    statement: flag
      ? `The residuals of ${series.name} about the ${modelName(spec)} curve are smaller than Poisson counting noise alone would give (dispersion index ${fmt(D)}, p = ${fmt(p)}): inconsistent with independent counts scattered about a smooth trend.`
      : `The residual spread of ${series.name} about the ${modelName(spec)} curve (dispersion index ${fmt(D)}, p = ${fmt(p)}) is consistent with at least Poisson counting noise.`,
    statistic: { name: "Poisson dispersion index", value: D },
    pValue: p,
    result,
    caveats,
    inputs: seriesInputs(series, x, y),
    parameters: params,
    seed: opts.seed,
  });
}
