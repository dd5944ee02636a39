import gammaln from "@stdlib/math-base-special-gammaln";

/** Binomial probability mass P(X = k), X ~ Bin(n, p), computed on the log scale. */
export function binomialPmf(k: number, n: number, p: number): number {
  if (!Number.isInteger(k) || k < 0 || k > n) return 0;
  if (p === 0) return k === 0 ? 1 : 0;
  if (p === 1) return k === n ? 1 : 0;
  return Math.exp(gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p));
}

/** P(X >= k), summed directly (no 1 - cdf cancellation). */
export function binomialSf(k: number, n: number, p: number): number {
  let s = 0;
  for (let j = Math.max(0, Math.ceil(k)); j <= n; j++) s += binomialPmf(j, n, p);
  return Math.min(1, s);
}

/** P(X <= k). */
export function binomialCdf(k: number, n: number, p: number): number {
  let s = 0;
  for (let j = 0; j <= Math.min(n, Math.floor(k)); j++) s += binomialPmf(j, n, p);
  return Math.min(1, s);
}

export type Alternative = "two-sided" | "greater" | "less";

/**
 * Exact binomial test of H0: success probability = p, as scipy.stats.binomtest: "greater" is P(X >= k),
 * "less" is P(X <= k), "two-sided" sums the probabilities of all outcomes no more likely than k
 * (with scipy's relative tolerance 1e-7).
 */
export function binomTest(k: number, n: number, p: number, alternative: Alternative = "two-sided"): number {
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(k) || k < 0 || k > n || !(p >= 0 && p <= 1)) {
    throw new RangeError(`binomTest: invalid arguments k=${k}, n=${n}, p=${p}`);
  }
  if (alternative === "greater") return binomialSf(k, n, p);
  if (alternative === "less") return binomialCdf(k, n, p);
  const d = binomialPmf(k, n, p);
  const rerr = 1 + 1e-7;
  let s = 0;
  for (let j = 0; j <= n; j++) {
    const q = binomialPmf(j, n, p);
    if (q <= d * rerr) s += q;
  }
  return Math.min(1, s);
}

/**
 * Power of the one-sided exact test "greater" at level alpha against a true probability p1:
 * the smallest k with P(X >= k | p0) <= alpha is the critical value; power = P(X >= k | p1).
 */
export function binomialPowerGreater(n: number, p0: number, p1: number, alpha: number): { critical: number | null; power: number } {
  for (let k = 0; k <= n; k++) {
    if (binomialSf(k, n, p0) <= alpha) return { critical: k, power: binomialSf(k, n, p1) };
  }
  return { critical: null, power: 0 };
}
