import { studentTCdf } from "../stats/distributions.js";

/**
 * Parametric lower-tail peer test (used by the peer benchmark and the prediction comparison).
 *
 * With n peers the exact rank test cannot give p below 1 / (n + 1) (1/16 with 15 peers), so it can
 * never decide at 0.05 after a multiplicity correction. The parametric test instead treats the peers'
 * values of the metric on the log10 scale, v_1..v_n, as a sample from a normal distribution N(m, s^2)
 * and asks how extreme the target's value v_0 is as a NEW draw from the same distribution. The
 * standard prediction interval for a new observation gives
 *     t = (v_0 - mean(v)) / (sd(v) * sqrt(1 + 1/n)),   t ~ Student t with df = n - 1,
 * and the one-sided lower-tail p-value P(T <= t) (small when the target is far MORE regular than the
 * peers). Assumptions: the peers are a sample from one population; log10 of the metric is normal
 * (checked, not assumed silently: the sample skewness of the peer log-values is reported, and a caveat
 * is added when |skewness| > 1); the target, if genuine, is a draw from the same population.
 *
 * Zero metric values (an exact fit or an exact prediction) have no logarithm: zero peers are left out
 * of the sample (and counted); a zero target is below any normal quantile, so its p-value is 0 and t is
 * reported as null.
 */
export interface PeerTail {
  /** peers in the parametric sample (positive values) */
  n: number;
  /** peers left out because their value was 0 */
  excludedZero: number;
  /** log10 of the target's value; null when it is 0 */
  targetLog10: number | null;
  meanLog10: number;
  sdLog10: number;
  /** t statistic of the prediction distribution; null when the target is 0 */
  t: number | null;
  df: number;
  /** one-sided lower-tail p-value P(T_df <= t) */
  pValue: number;
  /** sample skewness g1 = m3 / m2^1.5 of the peers' log10 values (scipy.stats.skew, bias=True) */
  skewness: number | null;
}

/** Smallest number of positive peer values for the parametric test. */
export const PEER_TAIL_MIN_N = 5;

/** |skewness| above which the normality caveat is added. */
export const PEER_TAIL_SKEW_LIMIT = 1;

/**
 * The lower-tail prediction p-value of `target` among `peers` on the log10 scale, or null when fewer
 * than PEER_TAIL_MIN_N peers have positive values, the peer values do not vary, or any input is
 * negative or not finite.
 */
export function peerLowerTail(target: number, peers: readonly number[]): PeerTail | null {
  if (!Number.isFinite(target) || target < 0 || peers.some((v) => !Number.isFinite(v) || v < 0)) return null;
  const logs = peers.filter((v) => v > 0).map((v) => Math.log10(v));
  const n = logs.length;
  if (n < PEER_TAIL_MIN_N) return null;
  const m = logs.reduce((s, v) => s + v, 0) / n;
  const ss = logs.reduce((s, v) => s + (v - m) ** 2, 0);
  const s = Math.sqrt(ss / (n - 1));
  if (!(s > 0)) return null;
  const m2 = ss / n;
  const m3 = logs.reduce((acc, v) => acc + (v - m) ** 3, 0) / n;
  const skewness = m2 > 0 ? m3 / m2 ** 1.5 : null;
  const df = n - 1;
  const base = { n, excludedZero: peers.length - n, meanLog10: m, sdLog10: s, df, skewness };
  if (target === 0) return { ...base, targetLog10: null, t: null, pValue: 0 };
  const targetLog10 = Math.log10(target);
  const t = (targetLog10 - m) / (s * Math.sqrt(1 + 1 / n));
  const p = studentTCdf(t, df);
  if (p === null) return null;
  return { ...base, targetLog10, t, pValue: p };
}

/** "X orders of magnitude below" / "above" for a log10 ratio (negative = below). */
export function ordersPhrase(log10Ratio: number): string {
  const v = Math.abs(log10Ratio);
  const s = Number(v.toPrecision(3)).toString();
  return `${s} order${v === 1 ? "" : "s"} of magnitude ${log10Ratio <= 0 ? "below" : "above"}`;
}

/**
 * Parametric lower-tail test for ONE prediction error among peers' prediction errors (the prediction
 * check). A single error is a single draw: under the log-normal model above its logarithm would have a
 * heavy lower tail (|e| close to 0 happens by luck: P(|Z| < 0.05) = 4% for a standard normal Z), so the
 * log10-normal test is not used here. Instead the peers' SIGNED relative errors e_1..e_n are taken as a
 * sample from N(0, s^2) (a correct formula has no systematic error) and the target's error e_0 as a new
 * draw: with s^2 = sum(e_i^2) / n (n degrees of freedom, the mean being known to be 0),
 *     |e_0| / s ~ |T_n|,   p = P(|T_n| <= |e_0| / s) = 2 F_n(|e_0| / s) - 1,
 * small when the target's error is much smaller than the peers' typical error.
 */
export interface PeerErrorTail {
  n: number;
  /** root mean square of the peers' signed errors, s */
  rms: number;
  /** |e_0| / s */
  ratio: number;
  df: number;
  pValue: number;
  /** sample skewness of the peers' signed errors (scipy.stats.skew, bias=True); the test assumes symmetry */
  skewness: number | null;
}

export function peerErrorTail(target: number, peersSigned: readonly number[]): PeerErrorTail | null {
  const n = peersSigned.length;
  if (!Number.isFinite(target) || n < PEER_TAIL_MIN_N || peersSigned.some((v) => !Number.isFinite(v))) return null;
  const rms = Math.sqrt(peersSigned.reduce((s, v) => s + v * v, 0) / n);
  if (!(rms > 0)) return null;
  const ratio = Math.abs(target) / rms;
  const c = studentTCdf(ratio, n);
  if (c === null) return null;
  const m = peersSigned.reduce((s, v) => s + v, 0) / n;
  const m2 = peersSigned.reduce((s, v) => s + (v - m) ** 2, 0) / n;
  const m3 = peersSigned.reduce((s, v) => s + (v - m) ** 3, 0) / n;
  return { n, rms, ratio, df: n, pValue: Math.min(1, Math.max(0, 2 * c - 1)), skewness: m2 > 0 ? m3 / m2 ** 1.5 : null };
}
