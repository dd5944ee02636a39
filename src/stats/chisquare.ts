import gammainc from "@stdlib/math-base-special-gammainc";
import gammaln from "@stdlib/math-base-special-gammaln";

/** Upper tail P(X >= x) of a chi-square distribution with df degrees of freedom (scipy chi2.sf). */
export function chiSquareSf(x: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`chiSquareSf: df must be positive, got ${df}`);
  if (x <= 0) return 1;
  return gammainc(x / 2, df / 2, true, true);
}

/**
 * Upper tail of the noncentral chi-square (scipy ncx2.sf), as the Poisson mixture
 * sum_j Pois(j; lambda/2) * P(chi2_{df+2j} > x). Summed outward from the Poisson mode until terms vanish.
 */
export function noncentralChiSquareSf(x: number, df: number, lambda: number): number {
  if (lambda <= 0) return chiSquareSf(x, df);
  const h = lambda / 2;
  const mode = Math.floor(h);
  const logPois = (j: number) => -h + j * Math.log(h) - gammaln(j + 1);
  let total = 0;
  for (let j = mode; ; j++) {
    const t = Math.exp(logPois(j)) * chiSquareSf(x, df + 2 * j);
    total += t;
    if (Math.exp(logPois(j)) < 1e-17 && j > mode) break;
  }
  for (let j = mode - 1; j >= 0; j--) {
    const w = Math.exp(logPois(j));
    total += w * chiSquareSf(x, df + 2 * j);
    if (w < 1e-17) break;
  }
  return Math.min(1, total);
}

/** Quantile of the central chi-square: the x with chiSquareSf(x, df) = p (bisection on the tail). */
export function chiSquareIsf(p: number, df: number): number {
  let lo = 0;
  let hi = Math.max(1, df);
  while (chiSquareSf(hi, df) > p) hi *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (chiSquareSf(mid, df) > p) lo = mid;
    else hi = mid;
    if (hi - lo < 1e-12 * hi) break;
  }
  return (lo + hi) / 2;
}

export interface ChiSquareGof {
  chi2: number;
  df: number;
  pValue: number;
  expected: number[];
  /** smallest expected count over the cells */
  minExpected: number;
}

/**
 * Pearson's chi-square goodness of fit of observed counts to cell probabilities (scipy.stats.chisquare
 * with f_exp = n * probs). df = cells - 1 - ddof.
 */
export function chiSquareGof(observed: readonly number[], probs: readonly number[], ddof = 0): ChiSquareGof {
  if (observed.length !== probs.length || observed.length < 2) {
    throw new RangeError("chiSquareGof: observed and probs must have the same length >= 2");
  }
  const n = observed.reduce((a, b) => a + b, 0);
  const psum = probs.reduce((a, b) => a + b, 0);
  const expected = probs.map((p) => (n * p) / psum);
  let chi2 = 0;
  observed.forEach((o, i) => {
    const e = expected[i] as number;
    chi2 += ((o - e) * (o - e)) / e;
  });
  const df = observed.length - 1 - ddof;
  return { chi2, df, pValue: chiSquareSf(chi2, df), expected, minExpected: Math.min(...expected) };
}
