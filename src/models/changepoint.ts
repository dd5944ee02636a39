import chisqQuantile from "@stdlib/stats-base-dists-chisquare-quantile";
import chisqCdf from "@stdlib/stats-base-dists-chisquare-cdf";
import fCdf from "@stdlib/stats-base-dists-f-cdf";
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import { caveat, makeFinding, type Caveat, type Finding, type InputRef } from "../core/finding.js";
import { OrganAuditError } from "../core/errors.js";
import { fitPoissonGlm, type PoissonFit } from "../stats/glm.js";
import { sampleOverdispersedCount } from "../stats/sampling.js";
import { createRng } from "../stats/rng.js";


/**
 * Change point in the growth of a count series (e.g. transplants per year): segmented (hinge)
 * Poisson log-linear regression
 *     log E[y] = b0 + b1 (x - x0) + b2 (x - tau)+
 * with the break tau chosen by profile likelihood over candidate breaks, against the no-break model
 * log E[y] = b0 + b1 (x - x0). Over-dispersion is handled quasi-Poisson style (dispersion phi from
 * the Pearson statistic of the break model, used when phi > 1); the p-value of "break vs no break"
 * comes from a seeded parametric bootstrap because tau is estimated (the chi-square reference is
 * only valid for a known break and is reported as "naive").
 */
export const CHANGEPOINT_METHOD = "changepoint.segmented-poisson";
/** 1.1.0: bootstrap counts drawn by src/stats/sampling.ts (one shared sampler; same distribution, other draws) */
export const CHANGEPOINT_VERSION = "1.1.0";

export interface ChangepointEvent {
  /** e.g. "1999-07-20", "1999-07" or "1999" */
  date: string;
  label: string;
}

export interface ChangepointOptions {
  /** hinge (default): continuous change in growth; jump: change in growth and a level step after the break */
  model?: ChangepointModel;
  /** minimum number of points on each side of the break (hinge: a point at the break counts on both sides); default 3 */
  minSegment?: number;
  /** candidate breaks: default every observed x with enough points on each side; with `step`, a grid */
  candidates?: number[];
  /** grid step between the first and last admissible x (e.g. 1/12 for months when x is in years) */
  step?: number;
  /** confidence level of the profile interval and growth-rate intervals; default 0.95 */
  level?: number;
  /** parametric bootstrap replicates for the p-value of break vs no break; 0 to skip; default 999 */
  bootstrap?: number;
  seed?: number;
  /**
   * where in its period an x label sits, in x units, when the break is compared with event dates:
   * 0 (default) = x is a point in time; 0.5 = x labels a whole year of counts (centre of the year)
   */
  xOffset?: number;
  events?: ChangepointEvent[];
  /** further inputs to record in the provenance (e.g. the events file) */
  extraInputs?: InputRef[];
}

export interface SegmentFit {
  tau: number;
  deviance: number;
  converged: boolean;
}

export interface GrowthRate {
  /** exp(slope) - 1 per x unit */
  rate: number;
  low: number;
  high: number;
  slope: number;
  se: number;
}

export interface EventDistance {
  date: string;
  label: string;
  /** event time in x units (decimal year) */
  at: number;
  /** break minus event time, in x units, after applying xOffset to the break */
  distance: number;
  /** whether the event lies inside the profile-likelihood interval of the break */
  insideInterval: boolean;
}

export interface ChangepointResult {
  n: number;
  status: "ok" | "insufficient-data";
  break: number | null;
  interval: { level: number; low: number; high: number; threshold: number } | null;
  profile: SegmentFit[];
  noBreak: { deviance: number; intercept: number; slope: number; growth: GrowthRate } | null;
  before: GrowthRate | null;
  after: GrowthRate | null;
  dispersion: number | null;
  /** dispersion used for inference: max(1, dispersion) */
  dispersionUsed: number | null;
  /** jump model: multiplicative level change at the break, exp(b3), with its Wald interval */
  jump: { factor: number; low: number; high: number; coefficient: number; se: number } | null;
  lrt: {
    statistic: number;
    /** parameters added by the break model beyond the break location (1 hinge, 2 jump) */
    df: number;
    naivePoissonP: number;
    naiveQuasiF: number | null;
    naiveQuasiP: number | null;
    bootstrapP: number | null;
    bootstrapReplicates: number;
  } | null;
  events: EventDistance[];
}

/** Decimal year of "YYYY", "YYYY-MM" or "YYYY-MM-DD" (year and month: their mid-point). */
export function decimalYear(date: string): number {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(date.trim());
  if (!m) throw new OrganAuditError("E_INVALID_VALUE", { detail: `date "${date}" is not YYYY, YYYY-MM or YYYY-MM-DD` });
  const y = Number(m[1]);
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const len = leap ? 366 : 365;
  const start = Date.UTC(y, 0, 1);
  if (m[2] === undefined) return y + 0.5;
  const mo = Number(m[2]) - 1;
  if (mo < 0 || mo > 11) throw new OrganAuditError("E_INVALID_VALUE", { detail: `date "${date}" has month ${m[2]}` });
  if (m[3] === undefined) {
    const a = (Date.UTC(y, mo, 1) - start) / 86400000;
    const b = (Date.UTC(y, mo + 1, 1) - start) / 86400000;
    return y + (a + b) / 2 / len;
  }
  const d = Number(m[3]);
  const t = Date.UTC(y, mo, d);
  if (new Date(t).getUTCDate() !== d) throw new OrganAuditError("E_INVALID_VALUE", { detail: `date "${date}" does not exist` });
  return y + (t - start) / 86400000 / len;
}

/** hinge: continuous change of slope at tau; jump: change of slope and of level (step at x > tau) */
export type ChangepointModel = "hinge" | "jump";

function design(x: number[], x0: number, tau: number | null, model: ChangepointModel = "hinge"): number[][] {
  return x.map((v) =>
    tau === null ? [1, v - x0] : model === "hinge" ? [1, v - x0, Math.max(v - tau, 0)] : [1, v - x0, Math.max(v - tau, 0), v > tau ? 1 : 0],
  );
}

function admissible(x: number[], tau: number, minSegment: number, model: ChangepointModel = "hinge"): boolean {
  let before = 0;
  let after = 0;
  for (const v of x) {
    if (v <= tau) before++;
    // the hinge model is continuous, so a point at the break belongs to both segments; the jump model's is strict
    if (model === "hinge" ? v >= tau : v > tau) after++;
  }
  return before >= minSegment && after >= minSegment && tau > x[0]! && tau < x[x.length - 1]!;
}

/** Candidate breaks for sorted x. */
export function candidateBreaks(x: number[], opts: { minSegment?: number; step?: number; candidates?: number[]; model?: ChangepointModel } = {}): number[] {
  const minSegment = opts.minSegment ?? 3;
  let cands: number[];
  if (opts.candidates) cands = [...opts.candidates];
  else if (opts.step !== undefined) {
    if (!(opts.step > 0)) throw new OrganAuditError("E_INVALID_VALUE", { detail: `step must be > 0, got ${opts.step}` });
    cands = [];
    const lo = x[0]!;
    const hi = x[x.length - 1]!;
    const k = Math.floor((hi - lo) / opts.step + 1e-9);
    for (let i = 0; i <= k; i++) cands.push(Math.round((lo + i * opts.step) * 1e9) / 1e9);
  } else cands = [...x];
  return [...new Set(cands)].sort((a, b) => a - b).filter((t) => admissible(x, t, minSegment, opts.model ?? "hinge"));
}

interface Profile {
  null: PoissonFit;
  fits: { tau: number; fit: PoissonFit }[];
  best: { tau: number; fit: PoissonFit } | null;
}

function profile(x: number[], y: number[], cands: number[], model: ChangepointModel): Profile {
  const x0 = x[0]!;
  const nullFit = fitPoissonGlm(design(x, x0, null), y);
  const fits = cands.map((tau) => ({ tau, fit: fitPoissonGlm(design(x, x0, tau, model), y) }));
  let best: Profile["best"] = null;
  for (const f of fits) if (f.fit.converged && (best === null || f.fit.deviance < best.fit.deviance)) best = f;
  return { null: nullFit, fits, best };
}

function growth(slope: number, variance: number, z: number): GrowthRate {
  const se = Math.sqrt(Math.max(variance, 0));
  return { rate: Math.expm1(slope), low: Math.expm1(slope - z * se), high: Math.expm1(slope + z * se), slope, se };
}

/**
 * Estimate a change in growth rate in a count series. Points must be sorted by x with distinct x;
 * y are non-negative counts. Returns a finding: verdict `estimate`, or `insufficient-data` when no
 * candidate break leaves `minSegment` points on each side or the fits do not converge.
 */
export function changepointFinding(
  series: { name: string; x: number[]; y: number[]; input: InputRef },
  opts: ChangepointOptions = {},
): Finding<ChangepointResult> {
  const { x, y } = series;
  const n = x.length;
  if (y.length !== n) throw new OrganAuditError("E_INVALID_VALUE", { detail: "x and y differ in length" });
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]!) || !Number.isFinite(y[i]!) || y[i]! < 0)
      throw new OrganAuditError("E_INVALID_VALUE", { detail: `point ${i + 1}: y must be a non-negative count, got ${y[i]}` });
    if (i > 0 && !(x[i]! > x[i - 1]!))
      throw new OrganAuditError("E_INVALID_VALUE", { detail: `x must be strictly increasing (point ${i + 1})` });
  }
  const minSegment = opts.minSegment ?? 3;
  const model: ChangepointModel = opts.model ?? "hinge";
  const level = opts.level ?? 0.95;
  const B = opts.bootstrap ?? 999;
  const seed = opts.seed ?? 1;
  const xOffset = opts.xOffset ?? 0;
  const events = opts.events ?? [];
  const parameters: Record<string, unknown> = {
    series: series.name,
    model: model === "hinge" ? "log E[y] = b0 + b1 (x - x0) + b2 (x - tau)+" : "log E[y] = b0 + b1 (x - x0) + b2 (x - tau)+ + b3 [x > tau]",
    minSegment,
    level,
    bootstrap: B,
    xOffset,
    ...(opts.step !== undefined ? { step: opts.step } : {}),
    ...(opts.candidates ? { candidates: opts.candidates } : {}),
    events,
  };
  const caveats: Caveat[] = [];
  const cands = n >= 2 * minSegment - 1 ? candidateBreaks(x, { minSegment, model, ...(opts.step !== undefined ? { step: opts.step } : {}), ...(opts.candidates ? { candidates: opts.candidates } : {}) }) : [];
  const empty: ChangepointResult = {
    n,
    status: "insufficient-data",
    break: null,
    interval: null,
    profile: [],
    noBreak: null,
    before: null,
    after: null,
    dispersion: null,
    dispersionUsed: null,
    jump: null,
    lrt: null,
    events: [],
  };
  const insufficient = (why: Caveat): Finding<ChangepointResult> =>
    makeFinding({
      method: CHANGEPOINT_METHOD,
      methodVersion: CHANGEPOINT_VERSION,
      title: `Change point in ${series.name}`,
      verdict: "insufficient-data",
      statement: `The series ${series.name} (${n} points) is too short or too sparse to place a break in its growth rate.`,
      result: empty,
      caveats: [why],
      inputs: [series.input, ...(opts.extraInputs ?? [])],
      parameters,
      seed: null,
    });
  if (cands.length === 0) return insufficient(caveat("C_CP_TOO_FEW_POINTS", { n, minSegment }));
  const prof = profile(x, y, cands, model);
  if (!prof.best || !prof.null.converged) return insufficient(caveat("C_CP_NO_FIT", {}));
  const best = prof.best;
  const p = model === "hinge" ? 3 : 4;
  const dfRes = n - p;
  const dispersion = dfRes > 0 ? best.fit.pearsonChi2 / dfRes : null;
  const phi = dispersion === null ? 1 : Math.max(1, dispersion);
  if (dispersion === null) caveats.push(caveat("C_CP_NO_DISPERSION_DF", { n }));
  else if (dispersion > 1) caveats.push(caveat("C_CP_OVERDISPERSED", { phi: round(dispersion, 3) }));
  // the break adds one parameter to the profile (tau); the jump model's extra level term is profiled too
  const threshold = chisqQuantile(level, 1) * phi;
  const inCi = prof.fits.filter((f) => f.fit.converged && f.fit.deviance - best.fit.deviance <= threshold).map((f) => f.tau);
  const ciLow = Math.min(...inCi);
  const ciHigh = Math.max(...inCi);
  const z = normalQuantile(0.5 + level / 2, 0, 1);
  const cov = best.fit.covUnscaled;
  const b1 = best.fit.beta[1]!;
  const b2 = best.fit.beta[2]!;
  const before = growth(b1, cov[1]![1]! * phi, z);
  const after = growth(b1 + b2, (cov[1]![1]! + cov[2]![2]! + 2 * cov[1]![2]!) * phi, z);
  const nullCov = prof.null.covUnscaled;
  const noBreak = {
    deviance: prof.null.deviance,
    intercept: prof.null.beta[0]!,
    slope: prof.null.beta[1]!,
    growth: growth(prof.null.beta[1]!, nullCov[1]![1]! * phi, z),
  };
  const stat = Math.max(0, prof.null.deviance - best.fit.deviance);
  const jump =
    model === "jump"
      ? (() => {
          const b3 = best.fit.beta[3]!;
          const se = Math.sqrt(Math.max(cov[3]![3]! * phi, 0));
          return { factor: Math.exp(b3), low: Math.exp(b3 - z * se), high: Math.exp(b3 + z * se), coefficient: b3, se };
        })()
      : null;
  const dfBreak = p - 2;
  const naivePoissonP = 1 - chisqCdf(stat, dfBreak);
  const naiveQuasiF = dfRes > 0 ? stat / dfBreak / phi : null;
  const naiveQuasiP = naiveQuasiF !== null ? 1 - fCdf(naiveQuasiF, dfBreak, dfRes) : null;
  // parametric bootstrap under the no-break model, with the break model's dispersion
  let bootstrapP: number | null = null;
  if (B > 0) {
    const rng = createRng(seed);
    let exceed = 0;
    let used = 0;
    for (let b = 0; b < B; b++) {
      const ys = prof.null.fitted.map((mu) => sampleOverdispersedCount(rng, mu, phi));
      const pb = profile(x, ys, cands, model);
      if (!pb.best || !pb.null.converged) continue;
      used++;
      if (pb.null.deviance - pb.best.fit.deviance >= stat - 1e-9) exceed++;
    }
    bootstrapP = (1 + exceed) / (1 + used);
    if (used < B) caveats.push(caveat("C_CP_BOOTSTRAP_DROPPED", { dropped: B - used, total: B }));
  }
  const tauTime = best.tau + xOffset;
  const evs: EventDistance[] = events.map((e) => {
    const at = decimalYear(e.date);
    return {
      date: e.date,
      label: e.label,
      at: round(at, 6),
      distance: round(tauTime - at, 6),
      insideInterval: at >= ciLow + xOffset && at <= ciHigh + xOffset,
    };
  });
  caveats.push(caveat("C_CP_CONDITIONAL_RATES", {}));
  if (cands.length < 5) caveats.push(caveat("C_CP_FEW_CANDIDATES", { k: cands.length }));
  if (ciLow === cands[0] && ciHigh === cands[cands.length - 1])
    caveats.push(caveat("C_CP_INTERVAL_SPANS_ALL", { low: ciLow, high: ciHigh }));
  const pForStatement = bootstrapP ?? naiveQuasiP ?? naivePoissonP;
  const consistent = pForStatement >= 1 - level;
  const statement =
    `The best-fitting break in the growth of ${series.name} is at x = ${fmt(best.tau)} ` +
    `(${Math.round(level * 100)}% profile-likelihood interval ${fmt(ciLow)} to ${fmt(ciHigh)}); ` +
    `growth ${pct(before.rate)} per unit before and ${pct(after.rate)} after` +
    (jump ? `, with the level multiplied by ${round(jump.factor, 3)} (${Math.round(level * 100)}% CI ${round(jump.low, 3)} to ${round(jump.high, 3)}) after the break. ` : ". ") +
    `The series is ${consistent ? "consistent" : "inconsistent"} with a single constant growth rate ` +
    `(${bootstrapP !== null ? "parametric-bootstrap" : "naive"} p = ${fmtP(pForStatement)}).`;
  const result: ChangepointResult = {
    n,
    status: "ok",
    break: best.tau,
    interval: { level, low: ciLow, high: ciHigh, threshold: round(threshold, 12) },
    profile: prof.fits.map((f) => ({ tau: f.tau, deviance: f.fit.deviance, converged: f.fit.converged })),
    noBreak,
    before,
    after,
    dispersion,
    dispersionUsed: phi,
    jump,
    lrt: { statistic: stat, df: dfBreak, naivePoissonP, naiveQuasiF, naiveQuasiP, bootstrapP, bootstrapReplicates: B },
    events: evs,
  };
  return makeFinding({
    method: CHANGEPOINT_METHOD,
    methodVersion: CHANGEPOINT_VERSION,
    title: `Change point in ${series.name}`,
    verdict: "estimate",
    statement,
    statistic: { name: "deviance reduction (no break minus break)", value: stat },
    pValue: pForStatement,
    interval: { level, low: ciLow, high: ciHigh },
    result,
    caveats,
    inputs: [series.input, ...(opts.extraInputs ?? [])],
    parameters,
    seed: B > 0 ? seed : null,
  });
}

function round(v: number, d: number): number {
  const f = 10 ** d;
  return Math.round(v * f) / f;
}
function fmt(v: number): string {
  return String(round(v, 4));
}
function pct(r: number): string {
  return `${(r * 100).toFixed(1)}%`;
}
function fmtP(p: number): string {
  return p < 0.001 ? p.toExponential(2) : p.toFixed(3);
}
