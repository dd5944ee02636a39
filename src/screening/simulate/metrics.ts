/**
 * Screening-performance metrics of one screening order. Pure.
 *
 * Input: the 1-based positions at which the relevant records were screened (prior-knowledge records
 * excluded, as ASReview Insights does by default) and n, the number of records screened in full
 * order (also excluding priors). Definitions:
 * - recall at k screened = found(k) / R;
 * - WSS@r (Cohen et al. 2006, "Reducing workload in systematic review preparation using automated
 *   citation classification", JAMIA 13:206): screening stops at k, the position where ⌈r R⌉ relevant
 *   records have been found; WSS@r = (n − k)/n − (1 − r);
 * - recall at 10 % = recall after ⌊0.1 n⌋ records (ASReview Insights' "recall at 0.1");
 * - time to discovery of a relevant record = its position; ATD = mean position (ASReview Insights'
 *   average time to discovery, in records), also given as a share of n.
 */

export interface ScreeningMetrics {
  n: number;
  nRelevant: number;
  wss95: number;
  wss100: number;
  recallAt10: number;
  atd: number;
  atdShare: number;
}

function checked(foundAt: readonly number[], n: number): number[] {
  const f = [...foundAt].sort((a, b) => a - b);
  if (f.length === 0) throw new RangeError("metrics need at least one relevant record");
  f.forEach((p, i) => {
    if (!Number.isInteger(p) || p < 1 || p > n || (i > 0 && p === f[i - 1]))
      throw new RangeError(`bad position ${p} for n = ${n}`);
  });
  return f;
}

/** Work saved over sampling at recall level r. */
export function wss(foundAt: readonly number[], n: number, r: number): number {
  const f = checked(foundAt, n);
  const target = Math.max(1, Math.ceil(r * f.length - 1e-9));
  const k = f[target - 1] as number;
  return (n - k) / n - (1 - r);
}

/** Recall after the first k records. */
export function recallAt(foundAt: readonly number[], k: number): number {
  return foundAt.filter((p) => p <= k).length / foundAt.length;
}

/** Recall at shares 0, 1/points, …, 1 of the n records (k = ⌊share n⌋, as recall at 10 %). */
export function recallCurve(foundAt: readonly number[], n: number, points = 100): number[] {
  checked(foundAt, n);
  return Array.from({ length: points + 1 }, (_, i) => recallAt(foundAt, Math.floor((i * n) / points)));
}

export function screeningMetrics(foundAt: readonly number[], n: number): ScreeningMetrics {
  const f = checked(foundAt, n);
  const atd = f.reduce((s, p) => s + p, 0) / f.length;
  return {
    n,
    nRelevant: f.length,
    wss95: wss(f, n, 0.95),
    wss100: wss(f, n, 1),
    recallAt10: recallAt(f, Math.floor(0.1 * n)),
    atd,
    atdShare: atd / n,
  };
}
