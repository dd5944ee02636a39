import { OrganAuditError } from "../core/errors.js";
import { caveat, makeFinding, type Caveat, type Finding, type InputRef } from "../core/finding.js";
import { mean, sd } from "../stats/moments.js";
import { fmt, fmtP } from "./digits.js";
import { peerLowerTail, PEER_TAIL_MIN_N, PEER_TAIL_SKEW_LIMIT, type PeerTail } from "./peer-tail.js";
import type { Series } from "./series.js";

/**
 * Internal-ratio checks (BMC Med Ethics 2019, METHODS.md C4): a ratio series such as organs per donor,
 * transplants per donor or kidney:liver, checked (1) against physical bounds, (2) for its level among
 * peers' ratios and (3) for constancy: a coefficient of variation smaller than every peer's.
 */

export const RATIOS_METHOD_VERSION = "1.0.0";
/** 2.0.0: parametric lower-tail p-value on log10(CV) decides (1.0.0 used the exact rank p-value only) */
export const CONSTANCY_METHOD_VERSION = "2.0.0";

/** Validate a series for the checks: equal lengths, finite numbers, strictly increasing x. */
export function assertSeries(s: Series): void {
  if (s.x.length !== s.y.length) {
    throw new OrganAuditError("F_CHK_LENGTH", { what: `series "${s.name}" y`, expected: s.x.length, found: s.y.length });
  }
  for (let i = 0; i < s.x.length; i++) {
    const x = s.x[i] as number;
    const y = s.y[i] as number;
    if (!Number.isFinite(x)) throw new OrganAuditError("F_CHK_NOT_FINITE", { what: `series "${s.name}" x[${i}]`, value: String(x) });
    if (!Number.isFinite(y)) throw new OrganAuditError("F_CHK_NOT_FINITE", { what: `series "${s.name}" y at x = ${x}`, value: String(y) });
    if (i > 0 && !(x > (s.x[i - 1] as number))) throw new OrganAuditError("F_CHK_UNSORTED", { what: `series "${s.name}"` });
  }
}

/** Pairs of values of two series at the x values they share. */
export function alignSeries(a: Series, b: Series): { x: number[]; a: number[]; b: number[] } {
  assertSeries(a);
  assertSeries(b);
  const bi = new Map<number, number>();
  b.x.forEach((x, i) => bi.set(x, b.y[i] as number));
  const out = { x: [] as number[], a: [] as number[], b: [] as number[] };
  a.x.forEach((x, i) => {
    const v = bi.get(x);
    if (v === undefined) return;
    out.x.push(x);
    out.a.push(a.y[i] as number);
    out.b.push(v);
  });
  if (out.x.length === 0) throw new OrganAuditError("F_CHK_NO_OVERLAP", { a: a.name, b: b.name });
  return out;
}

export interface RatioSeries {
  name: string;
  x: number[];
  ratio: number[];
  numerator: number[];
  denominator: number[];
  /** x values dropped because the denominator was zero */
  droppedZeroDenominator: number[];
  inputs: InputRef[];
}

/** Divide two series at their shared x values; points with a zero denominator are dropped and listed. */
export function ratioSeries(num: Series, den: Series, name?: string): RatioSeries {
  const al = alignSeries(num, den);
  const out: RatioSeries = {
    name: name ?? `${num.name} / ${den.name}`,
    x: [],
    ratio: [],
    numerator: [],
    denominator: [],
    droppedZeroDenominator: [],
    inputs: num.input.sha256 === den.input.sha256 && num.input.name === den.input.name ? [num.input] : [num.input, den.input],
  };
  al.x.forEach((x, i) => {
    const d = al.b[i] as number;
    const n = al.a[i] as number;
    if (d === 0) {
      out.droppedZeroDenominator.push(x);
      return;
    }
    out.x.push(x);
    out.ratio.push(n / d);
    out.numerator.push(n);
    out.denominator.push(d);
  });
  return out;
}

function zeroDenCaveat(r: RatioSeries): Caveat[] {
  return r.droppedZeroDenominator.length ? [caveat("C_CHK_RATIO_ZERO_DEN", { xs: r.droppedZeroDenominator.join(", ") })] : [];
}

export interface BoundsOptions {
  /** lowest plausible ratio; null disables. Default 1 (fewer than one organ per donor is implausible for organs-donated series). */
  min?: number | null;
  /** highest plausible ratio; null disables. Default 8 (a deceased donor yields at most about 8 organs). */
  max?: number | null;
}

export interface BoundsResult {
  x: number[];
  ratio: number[];
  min: number | null;
  max: number | null;
  above: { x: number; ratio: number }[];
  below: { x: number; ratio: number }[];
}

/** Flag every ratio outside [min, max] (rule-based; no p-value). */
export function ratioBoundsFinding(r: RatioSeries, opts: BoundsOptions = {}): Finding<BoundsResult> {
  const min = opts.min === undefined ? 1 : opts.min;
  const max = opts.max === undefined ? 8 : opts.max;
  if (min !== null && max !== null && !(min < max)) {
    throw new OrganAuditError("F_CHK_BAD_OPTION", { option: "min/max", detail: `min (${min}) must be below max (${max})` });
  }
  const above: BoundsResult["above"] = [];
  const below: BoundsResult["below"] = [];
  r.x.forEach((x, i) => {
    const v = r.ratio[i] as number;
    if (max !== null && v > max) above.push({ x, ratio: v });
    if (min !== null && v < min) below.push({ x, ratio: v });
  });
  const caveats = [...zeroDenCaveat(r), caveat("C_CHK_RATIO_BOUNDS", { min: String(min ?? "-"), max: String(max ?? "-") }), caveat("C_CHK_RULE_VERDICT", {})];
  const n = r.x.length;
  const bad = [...above, ...below].sort((a, b) => a.x - b.x);
  const verdict = n === 0 ? "insufficient-data" : bad.length ? "flag" : "pass";
  const range = n ? `${fmt(Math.min(...r.ratio))}-${fmt(Math.max(...r.ratio))}` : "";
  const statement =
    n === 0
      ? `No ${r.name} ratio could be computed (no shared x with a non-zero denominator).`
      : bad.length
        ? `${bad.length} of ${n} values of ${r.name} lie outside the plausible range [${min ?? "-"}, ${max ?? "-"}]: ${bad.map((b) => `${b.x}: ${fmt(b.ratio)}`).join("; ")}; inconsistent with physically possible counts.`
        : `All ${n} values of ${r.name} (${range}) lie within the plausible range [${min ?? "-"}, ${max ?? "-"}].`;
  return makeFinding<BoundsResult>({
    method: "forensics.ratios.bounds",
    methodVersion: RATIOS_METHOD_VERSION,
    title: `Ratio bounds: ${r.name}`,
    verdict,
    statement,
    ...(n ? { statistic: { name: "max ratio", value: Math.max(...r.ratio) } } : {}),
    result: { x: r.x, ratio: r.ratio, min, max, above, below },
    caveats,
    inputs: r.inputs,
    parameters: { min, max },
  });
}

export type PeerWindow = "same-x" | "all" | "same-length";

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? (s[h] as number) : ((s[h - 1] as number) + (s[h] as number)) / 2;
}

function cvOf(xs: readonly number[]): number {
  const m = mean(xs);
  return m === 0 ? Number.POSITIVE_INFINITY : Math.abs(sd(xs) / m);
}

/**
 * Peer ratios for comparison with the target: over the target's x range ("same-x"), all of each peer's
 * points ("all"), or (for constancy) every run of as many consecutive points as the target has
 * ("same-length"; the peer's CV is then the median over its runs, so each peer counts once).
 */
function peerWindow(peers: readonly RatioSeries[], target: RatioSeries, window: PeerWindow, minPoints: number) {
  const lo = Math.min(...target.x);
  const hi = Math.max(...target.x);
  const kept: { name: string; ratio: number[]; runs: number[][] }[] = [];
  let dropped = 0;
  const L = Math.max(minPoints, target.x.length);
  for (const p of peers) {
    if (window === "same-length") {
      const runs: number[][] = [];
      for (let i = 0; i + L <= p.ratio.length; i++) runs.push(p.ratio.slice(i, i + L));
      if (runs.length) kept.push({ name: p.name, ratio: p.ratio, runs });
      else dropped++;
      continue;
    }
    const ratio = p.ratio.filter((_, i) => window === "all" || ((p.x[i] as number) >= lo && (p.x[i] as number) <= hi));
    if (ratio.length >= minPoints) kept.push({ name: p.name, ratio, runs: [ratio] });
    else dropped++;
  }
  return { kept, dropped };
}

export interface PeerOptions {
  alpha?: number;
  /**
   * which peer points to compare with: "same-length" (default; runs of as many consecutive points as the
   * target, median CV per peer; for the level: all points), "same-x" (the target's x range) or "all"
   */
  window?: PeerWindow;
}

export interface PeerLevelResult {
  targetMean: number | null;
  peers: { name: string; mean: number }[];
  /** share of peers with a lower mean plus half the ties, in [0, 1] */
  percentile: number | null;
  /** exact two-sided rank p-value 2 min(1 + #peers <= t, 1 + #peers >= t) / (n + 1), capped at 1 */
  pValue: number | null;
  window: PeerWindow;
}

/** The target's mean ratio ranked among the peers' mean ratios (exact rank p-value, two-sided). */
export function ratioPeerLevelFinding(r: RatioSeries, peers: readonly RatioSeries[], opts: PeerOptions = {}): Finding<PeerLevelResult> {
  const alpha = opts.alpha ?? 0.05;
  const window = opts.window ?? "same-length";
  const caveats: Caveat[] = [...zeroDenCaveat(r)];
  const base = {
    method: "forensics.ratios.peer-level",
    methodVersion: RATIOS_METHOD_VERSION,
    title: `Ratio level among peers: ${r.name}`,
    inputs: [...r.inputs, ...peers.flatMap((p) => p.inputs)].filter((v, i, a) => a.findIndex((w) => w.sha256 === v.sha256 && w.name === v.name) === i),
    parameters: { alpha, window },
  };
  if (r.x.length === 0) {
    caveats.push(caveat("C_CHK_FEW_POINTS", { n: 0, need: 1 }));
    return makeFinding<PeerLevelResult>({ ...base, verdict: "insufficient-data", statement: `No ${r.name} ratio could be computed.`, pValue: null, result: { targetMean: null, peers: [], percentile: null, pValue: null, window }, caveats });
  }
  const { kept, dropped } = peerWindow(peers, r, window, 1);
  if (dropped) caveats.push(caveat("C_CHK_PEER_WINDOW", { dropped }));
  const t = mean(r.ratio);
  const pm = kept.map((p) => ({ name: p.name, mean: mean(p.ratio) }));
  const n = pm.length;
  const le = pm.filter((p) => p.mean <= t).length;
  const ge = pm.filter((p) => p.mean >= t).length;
  const lt = pm.filter((p) => p.mean < t).length;
  const percentile = n ? (lt + 0.5 * (le - lt)) / n : null;
  const minP = Math.min(1, 2 / (n + 1));
  let pValue: number | null = n ? Math.min(1, (2 * Math.min(1 + le, 1 + ge)) / (n + 1)) : null;
  if (minP >= alpha) {
    caveats.push(caveat("C_CHK_FEW_PEERS", { n, minP: minP.toFixed(4), alpha: String(alpha) }));
    pValue = null;
  }
  const verdict = pValue === null ? "insufficient-data" : pValue < alpha ? "flag" : "pass";
  const statement =
    pValue === null
      ? `The mean ${r.name} (${fmt(t)}) cannot be ranked meaningfully among ${n} peer(s).`
      : `The mean ${r.name} (${fmt(t)}) is at the ${(100 * percentile!).toFixed(0)}th percentile of ${n} peers' means; ${verdict === "flag" ? "outside" : "within"} the peers' range at alpha ${alpha} (two-sided rank p = ${fmtP(pValue)}).`;
  return makeFinding<PeerLevelResult>({
    ...base,
    verdict,
    statement,
    statistic: { name: "percentile", value: percentile ?? 0 },
    pValue,
    result: { targetMean: t, peers: pm, percentile, pValue, window },
    caveats,
  });
}

export interface ConstancyResult {
  x: number[];
  ratio: number[];
  cv: number | null;
  /** significant digits to which the ratio is constant: floor(-log10(max |r - mean| / mean)), capped at 15 */
  constantDigits: number | null;
  peers: { name: string; cv: number }[];
  /** rank of the target's CV among target + peers, 1 = most constant */
  rank: number | null;
  /** exact one-sided rank p-value (1 + #peers with CV <= target's) / (n + 1): 1/(n+1) when more constant than all */
  rankPValue: number | null;
  /** parametric lower-tail test of log10(CV) among the peers' log10(CV) (peer-tail.ts); null when unavailable */
  parametric: PeerTail | null;
  /** the p-value that decides: the parametric one when available, else the rank one when it can reach alpha */
  pValue: number | null;
  window: PeerWindow;
}

/**
 * Constancy of a ratio ("frozen ratio"): its coefficient of variation against the peers' CVs over the
 * same x window. Two p-values: the exact rank p-value (1 + #peers with CV <= target's) / (n + 1), which
 * cannot go below 1/(n+1), and the parametric lower-tail p-value of log10(CV) as a new draw from the
 * peers' log10(CV) distribution (peer-tail.ts, the same test as the peer benchmark). The parametric one
 * decides when at least PEER_TAIL_MIN_N peers have a positive CV; as in the peer benchmark, a flag also
 * needs the ratio to be more constant than every peer.
 */
export function ratioConstancyFinding(r: RatioSeries, peers: readonly RatioSeries[], opts: PeerOptions = {}): Finding<ConstancyResult> {
  const alpha = opts.alpha ?? 0.05;
  const window = opts.window ?? "same-length";
  const caveats: Caveat[] = [...zeroDenCaveat(r)];
  const inputs = [...r.inputs, ...peers.flatMap((p) => p.inputs)].filter((v, i, a) => a.findIndex((w) => w.sha256 === v.sha256 && w.name === v.name) === i);
  const base = {
    method: "forensics.ratios.constancy",
    methodVersion: CONSTANCY_METHOD_VERSION,
    title: `Ratio constancy: ${r.name}`,
    inputs,
    parameters: { alpha, window },
  };
  const empty: ConstancyResult = { x: r.x, ratio: r.ratio, cv: null, constantDigits: null, peers: [], rank: null, rankPValue: null, parametric: null, pValue: null, window };
  const m = r.x.length ? mean(r.ratio) : 0;
  if (r.x.length < 3 || m === 0) {
    caveats.push(caveat("C_CHK_FEW_POINTS", { n: r.x.length, need: 3 }));
    return makeFinding<ConstancyResult>({ ...base, verdict: "insufficient-data", statement: `The constancy of ${r.name} cannot be judged from ${r.x.length} point(s).`, pValue: null, result: empty, caveats });
  }
  const cv = Math.abs(sd(r.ratio) / m);
  const maxDev = Math.max(...r.ratio.map((v) => Math.abs(v - m))) / Math.abs(m);
  const constantDigits = maxDev === 0 ? 15 : Math.min(15, Math.max(0, Math.floor(-Math.log10(maxDev))));
  const { kept, dropped } = peerWindow(peers, r, window, 3);
  if (dropped) caveats.push(caveat("C_CHK_PEER_WINDOW", { dropped }));
  const pcv = kept.map((p) => ({ name: p.name, cv: median(p.runs.map(cvOf)) })).filter((p) => Number.isFinite(p.cv));
  const n = pcv.length;
  const le = pcv.filter((p) => p.cv <= cv).length;
  const rankPValue: number | null = n ? (1 + le) / (n + 1) : null;
  const minP = 1 / (n + 1);
  const parametric = n ? peerLowerTail(cv, pcv.map((p) => p.cv)) : null;
  let pValue: number | null;
  if (parametric !== null) {
    pValue = parametric.pValue;
    caveats.push(
      caveat("C_PEER_PARAMETRIC", { n: parametric.n, metric: "CV" }),
      caveat("C_PEER_RANK_P", { n, p: fmtP(rankPValue ?? 1), floor: fmtP(minP) }),
    );
    if (parametric.excludedZero > 0) caveats.push(caveat("C_PEER_ZERO_EXCLUDED", { n: parametric.excludedZero }));
    if (parametric.skewness !== null && Math.abs(parametric.skewness) > PEER_TAIL_SKEW_LIMIT)
      caveats.push(caveat("C_PEER_SKEWED", { skewness: fmt(parametric.skewness) }));
  } else if (minP >= alpha) {
    caveats.push(caveat("C_CHK_FEW_PEERS", { n, minP: minP.toFixed(4), alpha: String(alpha) }));
    if (n) caveats.push(caveat("C_PEER_TAIL_UNAVAILABLE", { n: pcv.filter((p) => p.cv > 0).length, min: PEER_TAIL_MIN_N }));
    pValue = null;
  } else {
    pValue = rankPValue;
  }
  caveats.push(caveat("C_CHK_CONSTANCY_MEANING", {}));
  const verdict = pValue === null ? "insufficient-data" : pValue < alpha && (parametric === null || le === 0) ? "flag" : "pass";
  const ps =
    pValue === null ? "" : parametric !== null ? `parametric p = ${fmtP(pValue)}, exact rank p = ${fmtP(rankPValue ?? 1)}` : `rank p = ${fmtP(pValue)}`;
  const statement =
    pValue === null
      ? `${r.name} has CV ${fmt(cv)} over ${r.x.length} points; with ${n} comparable peer(s) its constancy cannot be tested.`
      : verdict === "flag"
        ? `${r.name} varies less (CV ${fmt(cv)}, constant to ${constantDigits} significant digit(s)) than ${n - le} of ${n} peers (${window} comparison); such constancy is unusual among peers (${ps}).`
        : `${r.name} has CV ${fmt(cv)}; ${le} of ${n} peers vary as little or less; consistent with peer variation at alpha ${alpha} (${ps}).`;
  return makeFinding<ConstancyResult>({
    ...base,
    verdict,
    statement,
    statistic: { name: "cv", value: cv },
    pValue,
    result: { x: r.x, ratio: r.ratio, cv, constantDigits, peers: pcv, rank: 1 + le, rankPValue, parametric, pValue, window },
    caveats,
  });
}

export interface RatioCheckOptions extends PeerOptions, BoundsOptions {
  name?: string;
}

/** All ratio checks for num/den: bounds always, peer level and constancy when peer ratio series are given. */
export function ratioFindings(num: Series, den: Series, peers: readonly RatioSeries[] = [], opts: RatioCheckOptions = {}): Finding[] {
  const r = ratioSeries(num, den, opts.name);
  const out: Finding[] = [ratioBoundsFinding(r, opts)];
  if (peers.length) {
    out.push(ratioPeerLevelFinding(r, peers, opts));
    out.push(ratioConstancyFinding(r, peers, opts));
  }
  return out;
}
