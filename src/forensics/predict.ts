import { caveat, makeFinding, type Caveat, type Finding } from "../core/finding.js";
import { OrganAuditError } from "../core/errors.js";
import { studentTQuantile } from "../stats/distributions.js";
import { centredGradient, fmt, predictAt, seriesInputs, windowSeries, type WindowOptions } from "./fit.js";
import { isLinearModel, modelName, parameterNames, type ModelSpec } from "./models.js";
import { cachedFit } from "./fit-cache.js";
import { ordersPhrase, peerErrorTail, PEER_TAIL_MIN_N, PEER_TAIL_SKEW_LIMIT, type PeerErrorTail } from "./peer-tail.js";
import type { PeerSet, Series } from "./series.js";

export const PREDICT_METHOD = "forensics.predict";
export const PREDICT_METHOD_VERSION = "2.0.0";

/** One out-of-sample step: fit on the first k points, predict point k + 1. */
export interface PredictionStep {
  k: number;
  trainFrom: number;
  trainTo: number;
  x: number;
  observed: number;
  predicted: number | null;
  absError: number | null;
  /** (observed - predicted) / observed; null when observed is 0 or the fit failed */
  relError: number | null;
  /** prediction interval at `level` (t-based; delta method for nonlinear models) */
  interval: { level: number; low: number; high: number } | null;
  inside: boolean | null;
  status: "ok" | "insufficient-data";
}

export interface PeerPrediction {
  name: string;
  absRelError: number;
  /** (observed - predicted) / observed */
  relError: number;
}

export interface PredictionResult {
  model: string;
  cumulative: boolean;
  level: number;
  /** the step judged against peers (k = opts.k, default n - 1) */
  main: PredictionStep;
  /** every k from the smallest that leaves one residual degree of freedom to n - 1 */
  rolling: PredictionStep[];
  peers: PeerPrediction[];
  peersSkipped: number;
  /** 1 = most accurate (smallest |relative error|) among target and peers */
  rank: number | null;
  /** percent of peers whose |relative error| is larger than the target's */
  percentile: number | null;
  /**
   * The deciding p-value (used by Holm's correction): parametric lower-tail p-value of the target's
   * |relative error| as a new draw among the peers' signed errors (peer-tail.ts peerErrorTail).
   */
  pValue: number | null;
  /** exact rank p-value under exchangeability: (1 + #{peers with |e| <= target's}) / (peers + 1) */
  rankPValue: number | null;
  parametric: PeerErrorTail | null;
  /** log10(target |e| / median peer |e|) and log10(target |e| / smallest peer |e|); null when a value is 0 */
  log10RatioMedian: number | null;
  log10RatioNearest: number | null;
}

function transform(y: number[], cumulative: boolean): number[] {
  if (!cumulative) return y;
  let s = 0;
  return y.map((v) => (s += v));
}

/**
 * Fit on points [0, k) of (x, y) and predict point k. `y` is already the modelled quantity (running
 * totals when cumulative), so the fit itself is not re-accumulated.
 */
export function predictStep(x: number[], y: number[], k: number, spec: ModelSpec, level = 0.95): PredictionStep {
  const base = { k, trainFrom: x[0]!, trainTo: x[k - 1]!, x: x[k]!, observed: y[k]! };
  const none: PredictionStep = {
    ...base,
    predicted: null,
    absError: null,
    relError: null,
    interval: null,
    inside: null,
    status: "insufficient-data",
  };
  const fit = cachedFit(x.slice(0, k), y.slice(0, k), spec);
  if (fit.status !== "ok" || fit.sigma2 === null || fit.centredUnscaledCovariance === null) return none;
  const pred = predictAt(fit, base.x);
  if (!Number.isFinite(pred)) return none;
  const absError = Math.abs(base.observed - pred);
  const relError = base.observed !== 0 ? (base.observed - pred) / base.observed : null;
  let interval: PredictionStep["interval"] = null;
  const g = centredGradient(fit, base.x);
  const t = studentTQuantile(1 - (1 - level) / 2, fit.df);
  if (g && t !== null) {
    const C = fit.centredUnscaledCovariance;
    let q = 0;
    for (let i = 0; i < g.length; i++) for (let j = 0; j < g.length; j++) q += g[i]! * C[i]![j]! * g[j]!;
    const se = Math.sqrt(fit.sigma2 * (1 + q));
    if (Number.isFinite(se)) interval = { level, low: pred - t * se, high: pred + t * se };
  }
  return {
    ...base,
    predicted: pred,
    absError,
    relError,
    interval,
    inside: interval ? base.observed >= interval.low && base.observed <= interval.high : null,
    status: "ok",
  };
}

/**
 * Out-of-sample "formula prediction" check (BMC 2019): fit the model on the first k points and
 * predict point k + 1; also rolling over every feasible k. With peers, the target's absolute relative
 * error at the main step is ranked against the same quantity for each peer, computed on the SAME x
 * values (training years and predicted year); peers lacking any of them are skipped. As in the peer
 * benchmark, two p-values are reported: the exact rank p-value (never below 1/(n + 1)) and a
 * parametric lower-tail p-value, which decides: P(|T_n| <= |e_0| / s), s the root mean square of the
 * peers' signed relative errors (peer-tail.ts peerErrorTail; not the log-normal model of the peer
 * benchmark, whose lower tail is too light for a single error).
 * Verdict: `flag` when the parametric p-value is below `alpha` (default 0.05) AND the target's
 * prediction is more accurate than every peer's (at least `minPeers`, default and minimum 5); else
 * `pass`; `estimate` without peers; `insufficient-data` when the target cannot be fitted or has
 * negative values, or too few peers.
 */
export function predictionFinding(
  series: Series,
  spec: ModelSpec,
  opts: {
    k?: number;
    peers?: PeerSet;
    cumulative?: boolean;
    level?: number;
    minPeers?: number;
    alpha?: number;
    /** "years" (default): peers need the target's exact x values; "length": each peer's latest k + 1 points in the window */
    match?: "years" | "length";
  } & WindowOptions = {},
): Finding<PredictionResult> {
  const w = windowSeries(series, opts);
  const cumulative = opts.cumulative ?? false;
  const level = opts.level ?? 0.95;
  const minPeers = Math.max(PEER_TAIL_MIN_N, opts.minPeers ?? PEER_TAIL_MIN_N);
  const alpha = opts.alpha ?? 0.05;
  const match = opts.match ?? "years";
  const kParams = parameterNames(spec).length;
  const n = w.x.length;
  const x = w.x;
  const y = transform(w.y, cumulative);
  const kMin = kParams + 1;
  const k = opts.k ?? n - 1;
  if (opts.k !== undefined && (!Number.isInteger(opts.k) || opts.k < 1)) {
    throw new OrganAuditError("F_FIT_BAD_OPTION", { option: "k", detail: `must be a positive integer, got ${opts.k}` });
  }
  const caveats: Caveat[] = [];
  if (cumulative) caveats.push(caveat("C_FIT_CUMULATIVE", {}));
  if (!isLinearModel(spec)) caveats.push(caveat("C_PRED_APPROX_INTERVAL", {}));
  const params = {
    model: modelName(spec),
    spec,
    k,
    cumulative,
    level,
    minPeers,
    alpha,
    match,
    from: opts.from ?? null,
    to: opts.to ?? null,
    peers: opts.peers?.name ?? null,
  };
  const title = `Out-of-sample prediction of ${series.name} by ${modelName(spec)}`;
  const negative = w.y.some((v) => v < 0);
  if (negative || n < kMin + 1 || k < kMin || k > n - 1) {
    const cv = negative ? caveat("C_PEER_NEGATIVE", { name: series.name }) : caveat("C_PRED_TOO_SHORT", { n, need: kMin + 1 });
    const empty: PredictionStep = {
      k,
      trainFrom: x[0] ?? 0,
      trainTo: x[Math.max(0, k - 1)] ?? 0,
      x: x[k] ?? 0,
      observed: y[k] ?? 0,
      predicted: null,
      absError: null,
      relError: null,
      interval: null,
      inside: null,
      status: "insufficient-data",
    };
    return makeFinding({
      method: PREDICT_METHOD,
      methodVersion: PREDICT_METHOD_VERSION,
      title,
      verdict: "insufficient-data",
      statement: `The prediction check could not be run on ${series.name}: ${cv.message}.`,
      pValue: null,
      result: {
        model: modelName(spec),
        cumulative,
        level,
        main: empty,
        rolling: [],
        peers: [],
        peersSkipped: 0,
        rank: null,
        percentile: null,
        pValue: null,
        rankPValue: null,
        parametric: null,
        log10RatioMedian: null,
        log10RatioNearest: null,
      },
      caveats: [cv, ...caveats],
      inputs: seriesInputs(series, x, y),
      parameters: params,
    });
  }
  const rolling: PredictionStep[] = [];
  for (let kk = kMin; kk <= n - 1; kk++) rolling.push(predictStep(x, y, kk, spec, level));
  const main = predictStep(x, y, k, spec, level);
  const peers: PeerPrediction[] = [];
  let skipped = 0;
  if (opts.peers) {
    const need = x.slice(0, k + 1);
    for (const p of opts.peers.series) {
      if (p.name === series.name) continue;
      let px: number[];
      let raw: number[];
      if (match === "years") {
        const idx = need.map((xi) => p.x.indexOf(xi));
        if (idx.some((i) => i < 0)) {
          skipped++;
          continue;
        }
        px = need;
        raw = idx.map((i) => p.y[i]!);
      } else {
        const pw = windowSeries(p, opts);
        px = pw.x.slice(-(k + 1));
        raw = pw.y.slice(-(k + 1));
        if (px.length < k + 1) {
          skipped++;
          continue;
        }
      }
      if (raw.some((v) => v < 0)) {
        skipped++;
        continue;
      }
      // running totals of a peer are taken over the same years (or points) as the target's
      const py = transform(raw, cumulative);
      const st = predictStep(px, py, k, spec, level);
      if (st.relError === null) {
        skipped++;
        continue;
      }
      peers.push({ name: p.name, absRelError: Math.abs(st.relError), relError: st.relError });
    }
    if (skipped > 0) caveats.push(caveat("C_PRED_PEERS_SKIPPED", { skipped, total: opts.peers.series.length }));
  } else {
    caveats.push(caveat("C_PRED_NO_PEERS", {}));
  }
  if (main.status === "ok" && main.relError === null) caveats.push(caveat("C_PRED_ZERO_TARGET", {}));
  let rank: number | null = null;
  let percentile: number | null = null;
  let pValue: number | null = null;
  let rankPValue: number | null = null;
  let parametric: PeerErrorTail | null = null;
  let log10RatioMedian: number | null = null;
  let log10RatioNearest: number | null = null;
  let verdict: Finding["verdict"];
  let statement: string;
  const e = main.relError === null ? null : Math.abs(main.relError);
  if (main.status !== "ok" || e === null) {
    verdict = "insufficient-data";
    statement = `The ${modelName(spec)} fit on the first ${k} points of ${series.name} could not predict x = ${main.x}.`;
  } else if (!opts.peers) {
    verdict = "estimate";
    statement = `Fitted on ${main.trainFrom}-${main.trainTo}, ${modelName(spec)} predicts ${fmt(main.predicted!)} for x = ${main.x} against an observed ${fmt(main.observed)} (relative error ${fmt(100 * main.relError!)}%).`;
  } else if (peers.length < minPeers) {
    verdict = "insufficient-data";
    caveats.push(caveat("C_PEER_TOO_FEW", { n: peers.length, min: minPeers }));
    statement = `Only ${peers.length} peer series could be compared with ${series.name}; no judgement is made.`;
  } else {
    const errs = peers.map((p) => p.absRelError);
    const better = errs.filter((v) => v < e).length;
    const atMost = errs.filter((v) => v <= e).length;
    rank = 1 + better;
    percentile = (100 * errs.filter((v) => v > e).length) / errs.length;
    rankPValue = (1 + atMost) / (errs.length + 1);
    const sorted = [...errs].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    const med = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    const ratio = (a: number, b: number) => (a > 0 && b > 0 ? Math.log10(a / b) : null);
    log10RatioMedian = ratio(e, med);
    log10RatioNearest = ratio(e, sorted[0]!);
    parametric = peerErrorTail(e, peers.map((p) => p.relError));
    if (parametric === null) {
      verdict = "insufficient-data";
      const cv = caveat("C_PEER_TAIL_UNAVAILABLE", { n: errs.filter((v) => v > 0).length, min: PEER_TAIL_MIN_N });
      caveats.unshift(cv);
      statement = `The prediction check could not judge ${series.name} against its peers: ${cv.message}.`;
    } else {
      pValue = parametric.pValue;
      caveats.push(
        caveat("C_PRED_PARAMETRIC", { n: parametric.n }),
        caveat("C_PEER_RANK_P", { n: errs.length, p: fmt(rankPValue), floor: fmt(1 / (errs.length + 1)) }),
        caveat("C_PEER_EXCHANGEABILITY", {}),
      );
      if (parametric.skewness !== null && Math.abs(parametric.skewness) > PEER_TAIL_SKEW_LIMIT)
        caveats.push(caveat("C_PRED_SKEWED", { skewness: fmt(parametric.skewness) }));
      verdict = pValue < alpha && atMost === 0 ? "flag" : "pass";
      const effect =
        log10RatioMedian !== null && log10RatioNearest !== null
          ? `; ${ordersPhrase(log10RatioMedian)} the median peer's error (${ordersPhrase(log10RatioNearest)} the most accurate peer's)`
          : "";
      const ps = `parametric p = ${fmt(pValue)}, exact rank p = ${fmt(rankPValue)} with ${errs.length} peers`;
      statement =
        verdict === "flag"
          ? `The ${modelName(spec)} formula fitted to ${main.trainFrom}-${main.trainTo} predicts ${series.name} at x = ${main.x} more accurately (|relative error| ${fmt(100 * e)}%${effect}) than it predicts any of ${errs.length} peer series; this is inconsistent with the target behaving like the peers (${ps}).`
          : `The prediction error for ${series.name} at x = ${main.x} (|relative error| ${fmt(100 * e)}%${effect}) ranks ${rank} of ${errs.length + 1} among the peers; consistent with the peer range at level ${fmt(alpha)} (${ps}).`;
    }
  }
  return makeFinding({
    method: PREDICT_METHOD,
    methodVersion: PREDICT_METHOD_VERSION,
    title,
    verdict,
    statement,
    ...(e !== null ? { statistic: { name: "|relative prediction error|", value: e } } : {}),
    pValue,
    ...(main.interval ? { interval: main.interval } : {}),
    result: {
      model: modelName(spec),
      cumulative,
      level,
      main,
      rolling,
      peers,
      peersSkipped: skipped,
      rank,
      percentile,
      pValue,
      rankPValue,
      parametric,
      log10RatioMedian,
      log10RatioNearest,
    },
    caveats,
    inputs: seriesInputs(series, x, y),
    parameters: params,
  });
}
