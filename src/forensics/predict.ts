import { caveat, makeFinding, type Caveat, type Finding } from "../core/finding.js";
import { OrganAuditError } from "../core/errors.js";
import { studentTQuantile } from "../stats/distributions.js";
import { centredGradient, fitModel, fmt, predictAt, seriesInputs, windowSeries, type WindowOptions } from "./fit.js";
import { isLinearModel, modelName, parameterNames, type ModelSpec } from "./models.js";
import type { PeerSet, Series } from "./series.js";

export const PREDICT_METHOD = "forensics.predict";
export const PREDICT_METHOD_VERSION = "1.0.0";

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
  /** exact rank p-value under exchangeability: (1 + #{peers with |e| <= target's}) / (peers + 1) */
  pValue: number | null;
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
  const fit = fitModel(x.slice(0, k), y.slice(0, k), spec);
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
 * values (training years and predicted year); peers lacking any of them are skipped. Verdict: `flag`
 * when the target's prediction is more accurate than every peer's (at least `minPeers` peers), else
 * `pass`; `estimate` without peers; `insufficient-data` when the target cannot be fitted.
 */
export function predictionFinding(
  series: Series,
  spec: ModelSpec,
  opts: { k?: number; peers?: PeerSet; cumulative?: boolean; level?: number; minPeers?: number } & WindowOptions = {},
): Finding<PredictionResult> {
  const w = windowSeries(series, opts);
  const cumulative = opts.cumulative ?? false;
  const level = opts.level ?? 0.95;
  const minPeers = opts.minPeers ?? 5;
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
    from: opts.from ?? null,
    to: opts.to ?? null,
    peers: opts.peers?.name ?? null,
  };
  const title = `Out-of-sample prediction of ${series.name} by ${modelName(spec)}`;
  if (n < kMin + 1 || k < kMin || k > n - 1) {
    const cv = caveat("C_PRED_TOO_SHORT", { n, need: kMin + 1 });
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
      const idx = need.map((xi) => p.x.indexOf(xi));
      if (idx.some((i) => i < 0)) {
        skipped++;
        continue;
      }
      // running totals of a peer are taken over the same years as the target's
      const py = transform(
        idx.map((i) => p.y[i]!),
        cumulative,
      );
      const st = predictStep(need, py, k, spec, level);
      if (st.relError === null) {
        skipped++;
        continue;
      }
      peers.push({ name: p.name, absRelError: Math.abs(st.relError) });
    }
    if (skipped > 0) caveats.push(caveat("C_PRED_PEERS_SKIPPED", { skipped, total: opts.peers.series.length }));
  } else {
    caveats.push(caveat("C_PRED_NO_PEERS", {}));
  }
  if (main.status === "ok" && main.relError === null) caveats.push(caveat("C_PRED_ZERO_TARGET", {}));
  let rank: number | null = null;
  let percentile: number | null = null;
  let pValue: number | null = null;
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
    const better = peers.filter((p) => p.absRelError < e).length;
    const atMost = peers.filter((p) => p.absRelError <= e).length;
    rank = 1 + better;
    percentile = (100 * peers.filter((p) => p.absRelError > e).length) / peers.length;
    pValue = (1 + atMost) / (peers.length + 1);
    caveats.push(
      caveat("C_PEER_MIN_P", { n: peers.length, p: fmt(1 / (peers.length + 1)) }),
      caveat("C_PEER_EXCHANGEABILITY", {}),
    );
    verdict = atMost === 0 ? "flag" : "pass";
    statement =
      verdict === "flag"
        ? `The ${modelName(spec)} formula fitted to ${main.trainFrom}-${main.trainTo} predicts ${series.name} at x = ${main.x} more accurately (|relative error| ${fmt(100 * e)}%) than it predicts any of ${peers.length} peer series; this is inconsistent with the target behaving like the peers (rank p = ${fmt(pValue)}).`
        : `The prediction error for ${series.name} at x = ${main.x} (|relative error| ${fmt(100 * e)}%) ranks ${rank} of ${peers.length + 1} among the peers; consistent with the peer range.`;
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
    },
    caveats,
    inputs: seriesInputs(series, x, y),
    parameters: params,
  });
}
