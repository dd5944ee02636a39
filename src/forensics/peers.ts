import { caveat, hashValues, makeFinding, type Caveat, type Finding, type InputRef } from "../core/finding.js";
import { mixSeed } from "../stats/rng.js";
import { dispersionFinding } from "./dispersion.js";
import { cachedFit } from "./fit-cache.js";
import { alignToX, fmt, seriesInputs, windowSeries, type FitResult, type WindowOptions } from "./fit.js";
import { modelName, type ModelSpec } from "./models.js";
import { ordersPhrase, peerLowerTail, PEER_TAIL_MIN_N, PEER_TAIL_SKEW_LIMIT, type PeerTail } from "./peer-tail.js";
import { predictionFinding } from "./predict.js";
import type { PeerSet, Series } from "./series.js";

export const PEERS_METHOD = "forensics.peer-benchmark";
export const PEERS_METHOD_VERSION = "2.0.0";

/** A plain long-format row: one value of one peer (e.g. country) at one x (e.g. year). */
export interface PeerRow {
  key: string;
  x: number;
  y: number;
}

export interface PeerSetBuild {
  peerSet: PeerSet;
  /** keys dropped for having fewer than minPoints values in the window */
  skipped: { key: string; n: number }[];
  /** (key, x) pairs given more than once with different y; the first row was kept */
  conflicts: { key: string; x: number; values: number[] }[];
  /** keys whose values repeat exactly in 3 or more consecutive x (possibly carried forward) */
  repeatedRuns: string[];
  caveats: Caveat[];
}

/**
 * Build a PeerSet from long rows (pure). Rows outside [from, to] are ignored; a repeated (key, x)
 * with the same y is merged silently, with a different y the first row is kept and the conflict
 * reported; keys with fewer than `minPoints` values in the window (default: every x of the window,
 * i.e. to - from + 1 when both bounds are given) are skipped and listed. `exclude` drops keys (e.g.
 * the target country itself).
 */
export function buildPeerSet(
  rows: PeerRow[],
  opts: { name: string; from?: number; to?: number; minPoints?: number; exclude?: string[]; source?: InputRef },
): PeerSetBuild {
  const byKey = new Map<string, Map<number, number>>();
  const conflicts: PeerSetBuild["conflicts"] = [];
  const exclude = new Set(opts.exclude ?? []);
  for (const r of rows) {
    if (exclude.has(r.key) || !Number.isFinite(r.x) || !Number.isFinite(r.y)) continue;
    if ((opts.from !== undefined && r.x < opts.from) || (opts.to !== undefined && r.x > opts.to)) continue;
    let m = byKey.get(r.key);
    if (!m) byKey.set(r.key, (m = new Map()));
    const prev = m.get(r.x);
    if (prev === undefined) m.set(r.x, r.y);
    else if (prev !== r.y) {
      const c = conflicts.find((q) => q.key === r.key && q.x === r.x);
      if (c) c.values.push(r.y);
      else conflicts.push({ key: r.key, x: r.x, values: [prev, r.y] });
    }
  }
  const minPoints =
    opts.minPoints ?? (opts.from !== undefined && opts.to !== undefined ? Math.floor(opts.to - opts.from) + 1 : 1);
  const series: Series[] = [];
  const skipped: PeerSetBuild["skipped"] = [];
  const repeatedRuns: string[] = [];
  for (const key of [...byKey.keys()].sort()) {
    const m = byKey.get(key)!;
    const xs = [...m.keys()].sort((a, b) => a - b);
    const ys = xs.map((x) => m.get(x)!);
    if (xs.length < minPoints) {
      skipped.push({ key, n: xs.length });
      continue;
    }
    for (let i = 2; i < xs.length; i++) {
      if (ys[i] === ys[i - 1] && ys[i] === ys[i - 2] && xs[i]! - xs[i - 2]! === 2) {
        repeatedRuns.push(key);
        break;
      }
    }
    const values = { key, x: xs, y: ys };
    const input: InputRef = { name: `${opts.name}#${key}`, sha256: hashValues(values), n: xs.length };
    if (opts.source?.sourceIds) input.sourceIds = opts.source.sourceIds;
    series.push({ name: key, x: xs, y: ys, input });
  }
  const caveats: Caveat[] = [];
  for (const c of conflicts)
    caveats.push(caveat("C_PEER_CONFLICT", { key: c.key, x: String(c.x), values: c.values.join(", ") }));
  if (repeatedRuns.length > 0) caveats.push(caveat("C_PEER_REPEATED_VALUES", { keys: repeatedRuns.join(", ") }));
  if (skipped.length > 0) {
    caveats.push(
      caveat("C_PEER_SKIPPED", {
        skipped: skipped.length,
        total: byKey.size,
        need: `fewer than ${minPoints} values in the window`,
      }),
    );
  }
  return { peerSet: { name: opts.name, series }, skipped, conflicts, repeatedRuns, caveats };
}

export interface PeerBenchmarkRow {
  name: string;
  n: number;
  r2: number;
  oneMinusR2: number;
  /** RMSE / mean level: sqrt(RSS / n) / mean(|y|) */
  residualCv: number | null;
}

export interface PeerBenchmarkResult {
  model: string;
  metric: "1-r2" | "cv";
  target: PeerBenchmarkRow | null;
  peers: PeerBenchmarkRow[];
  skipped: string[];
  /** 1 = most regular (smallest metric) among target and peers */
  rank: number | null;
  /** percent of peers the target is strictly more regular than */
  percentile: number | null;
  /**
   * The p-value that decides (and that Holm's correction uses): the parametric lower-tail prediction
   * p-value of the target's log10(metric) among the peers' (see peer-tail.ts). Equals parametric.pValue.
   */
  pValue: number | null;
  /** exact rank p-value under exchangeability: (1 + #{peers at least as regular}) / (peers + 1); never below 1/(peers + 1) */
  rankPValue: number | null;
  /** the parametric test's details (mean, sd, t, df, skewness of the peers' log10 values) */
  parametric: PeerTail | null;
  /** log10((1 - R^2) target / (1 - R^2) of the median peer) */
  log10RatioMedian: number | null;
  /** log10((1 - R^2) target / (1 - R^2) of the most regular peer) */
  log10RatioNearest: number | null;
  nearestPeer: string | null;
  /** the same two ratios for the residual coefficient of variation */
  log10CvRatioMedian: number | null;
  log10CvRatioNearest: number | null;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function rowOf(name: string, f: FitResult): PeerBenchmarkRow | null {
  if (f.status !== "ok" || f.r2 === null || f.rss === null) return null;
  const meanAbs = f.y.reduce((s, v) => s + Math.abs(v), 0) / f.n;
  return {
    name,
    n: f.n,
    r2: f.r2,
    oneMinusR2: f.perfectFit ? 0 : Math.max(0, 1 - f.r2),
    residualCv: meanAbs > 0 ? Math.sqrt(f.rss / f.n) / meanAbs : null,
  };
}

function log10Ratio(a: number | null, b: number | null): number | null {
  if (a === null || b === null || !(a > 0) || !(b > 0)) return null;
  return Math.log10(a / b);
}

/**
 * Peer benchmark (BMC 2019 vs GODT): fit the same model over the same x values (`match: "years"`,
 * default) or the same number of most recent points (`match: "length"`: each peer's latest points
 * within the window, as many as the target has) to each peer, and place the target among them by
 * 1 - R^2 (or the residual CV).
 *
 * Two p-values are reported: the exact rank p-value (assumption-free, but never below 1/(n + 1) with n
 * peers) and the parametric lower-tail p-value of the target's log10(metric) under the Student t
 * prediction distribution of the peers' log10 values (peer-tail.ts). The finding's pValue (the one
 * Holm's correction uses) is the parametric one. Verdict: `flag` when the parametric p-value is below
 * `alpha` (default 0.05, before any multiplicity correction) AND the target is strictly more regular
 * than every usable peer; `pass` otherwise; `insufficient-data` when the target cannot be fitted, has
 * negative values, or fewer than `minPeers` (default 5, never below 5) peers are usable.
 */
export function peerBenchmarkFinding(
  target: Series,
  peers: PeerSet,
  spec: ModelSpec,
  opts: WindowOptions & {
    cumulative?: boolean;
    match?: "years" | "length";
    minPeers?: number;
    metric?: "1-r2" | "cv";
    alpha?: number;
  } = {},
): Finding<PeerBenchmarkResult> {
  const match = opts.match ?? "years";
  const minPeers = Math.max(PEER_TAIL_MIN_N, opts.minPeers ?? PEER_TAIL_MIN_N);
  const alpha = opts.alpha ?? 0.05;
  const metric = opts.metric ?? "1-r2";
  const cumulative = opts.cumulative ?? false;
  const w = windowSeries(target, opts);
  const targetNegative = w.y.some((v) => v < 0);
  const tf = cachedFit(w.x, w.y, spec, { cumulative });
  const trow = targetNegative ? null : rowOf(target.name, tf);
  const rows: PeerBenchmarkRow[] = [];
  const skipped: string[] = [];
  for (const p of peers.series) {
    if (p.name === target.name) continue;
    let px: number[];
    let py: number[] | null;
    if (match === "years") {
      px = w.x;
      py = alignToX(p, w.x);
    } else {
      const pw = windowSeries(p, opts);
      px = pw.x.slice(-w.x.length);
      py = pw.y.slice(-w.x.length);
      if (px.length < w.x.length) py = null;
    }
    if (py === null || py.some((v) => v < 0)) {
      skipped.push(p.name);
      continue;
    }
    const r = rowOf(p.name, cachedFit(px, py, spec, { cumulative }));
    if (r === null) skipped.push(p.name);
    else rows.push(r);
  }
  const caveats: Caveat[] = [...tf.caveats];
  if (skipped.length > 0) {
    caveats.push(
      caveat("C_PEER_SKIPPED", {
        skipped: skipped.length,
        total: skipped.length + rows.length,
        need:
          match === "years"
            ? `missing some of the target's x values ${w.x[0]}-${w.x[w.x.length - 1]}, negative, or not fittable`
            : `fewer than ${w.x.length} points in the window, negative, or not fittable`,
      }),
    );
  }
  const result: PeerBenchmarkResult = {
    model: modelName(spec),
    metric,
    target: trow,
    peers: rows,
    skipped,
    rank: null,
    percentile: null,
    pValue: null,
    rankPValue: null,
    parametric: null,
    log10RatioMedian: null,
    log10RatioNearest: null,
    nearestPeer: null,
    log10CvRatioMedian: null,
    log10CvRatioNearest: null,
  };
  const params = {
    model: modelName(spec),
    spec,
    match,
    minPeers,
    metric,
    alpha,
    cumulative,
    from: opts.from ?? null,
    to: opts.to ?? null,
    peers: peers.name,
  };
  const title = `${modelName(spec)} regularity of ${target.name} against ${peers.name}`;
  const inputs = [
    ...seriesInputs(target, tf.x, tf.y),
    ...rows.map((r) => peers.series.find((s) => s.name === r.name)!.input),
  ];
  const metricOf = (r: PeerBenchmarkRow): number | null => (metric === "1-r2" ? r.oneMinusR2 : r.residualCv);
  const usable = rows.filter((r) => metricOf(r) !== null);
  if (trow === null || metricOf(trow) === null || usable.length < minPeers) {
    const cv = targetNegative
      ? caveat("C_PEER_NEGATIVE", { name: target.name })
      : trow === null || metricOf(trow) === null
        ? (tf.caveats[0] ?? caveat("C_FIT_CONSTANT_Y", {}))
        : caveat("C_PEER_TOO_FEW", { n: usable.length, min: minPeers });
    return makeFinding({
      method: PEERS_METHOD,
      methodVersion: PEERS_METHOD_VERSION,
      title,
      verdict: "insufficient-data",
      statement: `The peer benchmark could not be run for ${target.name}: ${cv.message}.`,
      pValue: null,
      result,
      caveats: [cv, ...caveats],
      inputs,
      parameters: params,
    });
  }
  const t = metricOf(trow)!;
  const vals = usable.map((r) => metricOf(r)!);
  const better = vals.filter((v) => v < t).length;
  const atMost = vals.filter((v) => v <= t).length;
  result.rank = 1 + better;
  result.percentile = (100 * vals.filter((v) => v > t).length) / vals.length;
  result.rankPValue = (1 + atMost) / (vals.length + 1);
  const om = usable.map((r) => r.oneMinusR2);
  const nearest = usable.reduce((a, b) => (b.oneMinusR2 < a.oneMinusR2 ? b : a));
  result.nearestPeer = nearest.name;
  result.log10RatioMedian = log10Ratio(trow.oneMinusR2, median(om));
  result.log10RatioNearest = log10Ratio(trow.oneMinusR2, nearest.oneMinusR2);
  const cvs = usable.map((r) => r.residualCv).filter((v): v is number => v !== null);
  if (cvs.length > 0) {
    result.log10CvRatioMedian = log10Ratio(trow.residualCv, median(cvs));
    result.log10CvRatioNearest = log10Ratio(trow.residualCv, Math.min(...cvs));
  }
  if (trow.oneMinusR2 === 0 || om.some((v) => v === 0)) caveats.push(caveat("C_PEER_PERFECT", {}));
  const mname = metric === "1-r2" ? "1 - R^2" : "residual CV";
  const tail = peerLowerTail(t, vals);
  result.parametric = tail;
  result.pValue = tail?.pValue ?? null;
  if (tail === null) {
    const cv = caveat("C_PEER_TAIL_UNAVAILABLE", { n: vals.filter((v) => v > 0).length, min: PEER_TAIL_MIN_N });
    return makeFinding({
      method: PEERS_METHOD,
      methodVersion: PEERS_METHOD_VERSION,
      title,
      verdict: "insufficient-data",
      statement: `The peer benchmark could not judge ${target.name}: ${cv.message}.`,
      statistic: { name: mname, value: t },
      pValue: null,
      result,
      caveats: [cv, ...caveats],
      inputs,
      parameters: params,
    });
  }
  caveats.push(
    caveat("C_PEER_PARAMETRIC", { n: tail.n, metric: mname }),
    caveat("C_PEER_RANK_P", { n: vals.length, p: fmt(result.rankPValue), floor: fmt(1 / (vals.length + 1)) }),
    caveat("C_PEER_EXCHANGEABILITY", {}),
  );
  if (tail.excludedZero > 0) caveats.push(caveat("C_PEER_ZERO_EXCLUDED", { n: tail.excludedZero }));
  if (tail.skewness !== null && Math.abs(tail.skewness) > PEER_TAIL_SKEW_LIMIT)
    caveats.push(caveat("C_PEER_SKEWED", { skewness: fmt(tail.skewness) }));
  const flag = tail.pValue < alpha && atMost === 0;
  const ratioMed = metric === "1-r2" ? result.log10RatioMedian : result.log10CvRatioMedian;
  const ratioNear = metric === "1-r2" ? result.log10RatioNearest : result.log10CvRatioNearest;
  const nearName = metric === "1-r2" ? nearest.name : (usable.find((r) => r.residualCv === Math.min(...cvs))?.name ?? nearest.name);
  const effect =
    ratioMed !== null && ratioNear !== null
      ? `${target.name}'s ${mname} (${fmt(t)}) is ${ordersPhrase(ratioMed)} the median peer (${ordersPhrase(ratioNear)} the nearest peer, ${nearName})`
      : `${target.name}'s ${mname} is ${fmt(t)}${t === 0 ? " (an exact fit)" : ""}`;
  const ps = `parametric p = ${fmt(tail.pValue)}, exact rank p = ${fmt(result.rankPValue)} with ${vals.length} peers`;
  return makeFinding({
    method: PEERS_METHOD,
    methodVersion: PEERS_METHOD_VERSION,
    title,
    verdict: flag ? "flag" : "pass",
    statement: flag
      ? `${effect}; it follows the ${modelName(spec)} curve more closely than all ${vals.length} peer series, which is inconsistent with the target being a series like its peers (${ps}).`
      : `${effect}; it ranks ${result.rank} of ${vals.length + 1} about the ${modelName(spec)} curve, consistent with the peer range at level ${fmt(alpha)} (${ps}).`,
    statistic: { name: mname, value: t },
    pValue: tail.pValue,
    result,
    caveats,
    inputs,
    parameters: params,
  });
}

export interface CalibrationRow {
  test: "peers" | "predict" | "dispersion";
  runs: number;
  flags: number;
  insufficient: number;
  /** flags / (runs - insufficient); null when no run could decide */
  falseFlagRate: number | null;
}

/**
 * Calibration hook: treat each peer in turn as the target and the remaining peers as its peer set
 * (leave-one-out), run the peer benchmark, the prediction check and the dispersion test, and report
 * how often each flags. Peers are real series presumed genuine, so every flag counts as a false flag.
 * The dispersion seed for peer i is mixSeed(seed, i).
 */
export function calibrateFalseFlags(
  peers: PeerSet,
  spec: ModelSpec,
  opts: WindowOptions & { seed: number; sims?: number; tests?: CalibrationRow["test"][]; minPeers?: number },
): { rows: CalibrationRow[]; perPeer: { name: string; verdicts: Record<string, string> }[] } {
  const tests = opts.tests ?? ["peers", "predict", "dispersion"];
  const rows = new Map<string, CalibrationRow>(
    tests.map((t) => [t, { test: t, runs: 0, flags: 0, insufficient: 0, falseFlagRate: null }]),
  );
  const perPeer: { name: string; verdicts: Record<string, string> }[] = [];
  peers.series.forEach((target, i) => {
    const rest: PeerSet = {
      name: `${peers.name} without ${target.name}`,
      series: peers.series.filter((_, j) => j !== i),
    };
    const verdicts: Record<string, string> = {};
    const win = {
      ...(opts.from !== undefined ? { from: opts.from } : {}),
      ...(opts.to !== undefined ? { to: opts.to } : {}),
    };
    for (const t of tests) {
      const minPeers = opts.minPeers !== undefined ? { minPeers: opts.minPeers } : {};
      const f =
        t === "peers"
          ? peerBenchmarkFinding(target, rest, spec, { ...win, ...minPeers })
          : t === "predict"
            ? predictionFinding(target, spec, { ...win, ...minPeers, peers: rest })
            : dispersionFinding(target, spec, {
                ...win,
                seed: mixSeed(opts.seed, i),
                sims: opts.sims ?? 199,
                peers: rest,
              });
      const row = rows.get(t)!;
      row.runs++;
      if (f.verdict === "flag") row.flags++;
      if (f.verdict === "insufficient-data") row.insufficient++;
      verdicts[t] = f.verdict;
    }
    perPeer.push({ name: target.name, verdicts });
  });
  for (const r of rows.values()) {
    const decided = r.runs - r.insufficient;
    r.falseFlagRate = decided > 0 ? r.flags / decided : null;
  }
  return { rows: [...rows.values()], perPeer };
}
