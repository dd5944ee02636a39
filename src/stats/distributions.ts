import chisquareCdf from "@stdlib/stats-base-dists-chisquare-cdf";
import tQuantile from "@stdlib/stats-base-dists-t-quantile";
import tCdf from "@stdlib/stats-base-dists-t-cdf";

/**
 * Thin, finite-guarded wrappers over @stdlib distribution functions. Each returns null (never NaN or
 * Infinity) when the arguments are outside the domain, so callers can turn null into an
 * `insufficient-data` verdict. Shared helpers: other forensic tests may use them.
 */

/** Lower-tail chi-square probability P(X <= q) for X ~ chi^2(df); null if df <= 0 or q is not finite. */
export function chiSquareCdf(q: number, df: number): number | null {
  if (!Number.isFinite(q) || !Number.isFinite(df) || df <= 0) return null;
  if (q <= 0) return 0;
  const p = chisquareCdf(q, df);
  return Number.isFinite(p) ? p : null;
}

/** Upper-tail chi-square probability P(X >= q). */
export function chiSquareSf(q: number, df: number): number | null {
  const p = chiSquareCdf(q, df);
  return p === null ? null : 1 - p;
}

/** Quantile of Student's t with df degrees of freedom; null if df <= 0 or p outside (0, 1). */
export function studentTQuantile(p: number, df: number): number | null {
  if (!Number.isFinite(df) || df <= 0 || !(p > 0 && p < 1)) return null;
  const q = tQuantile(p, df);
  return Number.isFinite(q) ? q : null;
}

/** Lower-tail probability of Student's t; null if df <= 0 or t is NaN. */
export function studentTCdf(t: number, df: number): number | null {
  if (!Number.isFinite(df) || df <= 0 || Number.isNaN(t)) return null;
  const p = tCdf(t, df);
  return Number.isFinite(p) ? p : null;
}
