/**
 * Agreement between two reviewers on the same records: percent agreement with a Wilson score
 * interval, Cohen's kappa with the large-sample standard error of Fleiss, Cohen & Everitt (1969),
 * and Gwet's AC1 with the linearised standard error of Gwet (2008). Pure.
 *
 * References
 * - Cohen J. A coefficient of agreement for nominal scales. Educ Psychol Meas 1960;20:37–46.
 * - Fleiss JL, Cohen J, Everitt BS. Large sample standard errors of kappa and weighted kappa.
 *   Psychol Bull 1969;72:323–327.
 * - Gwet KL. Computing inter-rater reliability and its variance in the presence of high agreement.
 *   Br J Math Stat Psychol 2008;61:29–48.
 * - Wilson EB. Probable inference, the law of succession, and statistical inference. JASA 1927;22:209–212.
 * The kappa and AC1 standard errors are those of Gwet's irrCAC R package (kappa2.table,
 * gwet.ac1.table) for an infinite population (no finite-population correction); the intervals
 * here use the normal quantile (irrCAC uses Student's t with n − 1 df) and are clipped to [−1, 1].
 */
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";

/** Cross-table of two raters' categories: counts[i][j] = records rater A put in i and rater B in j. */
export interface AgreementTable {
  categories: string[];
  counts: number[][];
  n: number;
}

export interface Interval {
  value: number;
  low: number;
  high: number;
  level: number;
}

export interface CoefficientWithSe extends Interval {
  se: number;
  /** chance agreement used by the coefficient */
  chance: number;
}

/**
 * Build the cross-table from pairs [ratingA, ratingB]. Categories are those given, else those that
 * occur (sorted), so that unused categories do not change Gwet's AC1 (whose chance term depends on
 * the number of categories).
 */
export function crossTable(
  pairs: ReadonlyArray<readonly [string, string]>,
  categories?: readonly string[],
): AgreementTable {
  const cats = categories ? [...categories] : [...new Set(pairs.flat())].sort();
  const index = new Map(cats.map((c, i) => [c, i] as const));
  const counts = cats.map(() => cats.map(() => 0));
  for (const [a, b] of pairs) {
    const i = index.get(a);
    const j = index.get(b);
    if (i === undefined || j === undefined)
      throw new RangeError(`rating "${i === undefined ? a : b}" is not a category`);
    (counts[i] as number[])[j] = ((counts[i] as number[])[j] as number) + 1;
  }
  return { categories: cats, counts, n: pairs.length };
}

function proportions(t: AgreementTable): { p: number[][]; rows: number[]; cols: number[]; po: number } {
  const q = t.categories.length;
  const p = t.counts.map((r) => r.map((c) => c / t.n));
  const rows = p.map((r) => r.reduce((s, v) => s + v, 0));
  const cols = Array.from({ length: q }, (_, j) => p.reduce((s, r) => s + (r[j] as number), 0));
  let po = 0;
  for (let i = 0; i < q; i++) po += (p[i] as number[])[i] as number;
  return { p, rows, cols, po };
}

const clip = (x: number): number => Math.max(-1, Math.min(1, x));

/** Proportion of records on which the two reviewers agree, with a Wilson score interval. Null when n = 0. */
export function percentAgreement(t: AgreementTable, level = 0.95): Interval | null {
  if (t.n === 0) return null;
  let agree = 0;
  t.categories.forEach((_, i) => (agree += (t.counts[i] as number[])[i] as number));
  return { ...wilson(agree, t.n, level), level };
}

/** Wilson score interval for x successes in n trials. */
export function wilson(x: number, n: number, level = 0.95): { value: number; low: number; high: number } {
  const z = normalQuantile(1 - (1 - level) / 2, 0, 1);
  const ph = x / n;
  const z2n = (z * z) / n;
  const centre = (ph + z2n / 2) / (1 + z2n);
  const half = (z * Math.sqrt((ph * (1 - ph)) / n + z2n / (4 * n))) / (1 + z2n);
  return { value: ph, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Cohen's kappa with the Fleiss–Cohen–Everitt (1969) non-null asymptotic standard error:
 * var = [Σ_kl p_kl (δ_kl − (1−κ)(p_·k + p_l·))² − (κ − p_e(1−κ))²] / (n (1−p_e)²).
 * Null when chance agreement is 1 (both reviewers used one and the same category throughout) or n = 0.
 */
export function cohenKappa(t: AgreementTable, level = 0.95): CoefficientWithSe | null {
  if (t.n === 0) return null;
  const { p, rows, cols, po } = proportions(t);
  const q = t.categories.length;
  let pe = 0;
  for (let k = 0; k < q; k++) pe += (rows[k] as number) * (cols[k] as number);
  if (1 - pe <= 1e-12) return null;
  const kappa = (po - pe) / (1 - pe);
  let sum = 0;
  for (let k = 0; k < q; k++)
    for (let l = 0; l < q; l++) {
      const w = (k === l ? 1 : 0) - (1 - kappa) * ((cols[k] as number) + (rows[l] as number));
      sum += ((p[k] as number[])[l] as number) * w * w;
    }
  const v = (sum - (po - 2 * (1 - kappa) * pe) ** 2) / (t.n * (1 - pe) ** 2);
  return withCi(kappa, Math.sqrt(Math.max(0, v)), pe, level);
}

/**
 * Gwet's AC1 with its linearised standard error (Gwet 2008): chance agreement
 * p_e = Σ_k π_k(1−π_k)/(q−1), π_k = (p_k· + p_·k)/2;
 * var = [Σ_kl p_kl (δ_kl − 2(1−γ)(1−(π_k+π_l)/2)/(q−1))² − (p_a − 2(1−γ)p_e)²] / (n (1−p_e)²).
 * Null when fewer than two categories occur or n = 0.
 */
export function gwetAc1(t: AgreementTable, level = 0.95): CoefficientWithSe | null {
  const q = t.categories.length;
  if (t.n === 0 || q < 2) return null;
  const { p, rows, cols, po } = proportions(t);
  const pi = rows.map((r, k) => (r + (cols[k] as number)) / 2);
  const pe = pi.reduce((s, x) => s + x * (1 - x), 0) / (q - 1);
  if (1 - pe <= 1e-12) return null;
  const g = (po - pe) / (1 - pe);
  let sum = 0;
  for (let k = 0; k < q; k++)
    for (let l = 0; l < q; l++) {
      const w = (k === l ? 1 : 0) - (2 * (1 - g) * (1 - ((pi[k] as number) + (pi[l] as number)) / 2)) / (q - 1);
      sum += ((p[k] as number[])[l] as number) * w * w;
    }
  const v = (sum - (po - 2 * (1 - g) * pe) ** 2) / (t.n * (1 - pe) ** 2);
  return withCi(g, Math.sqrt(Math.max(0, v)), pe, level);
}

function withCi(value: number, se: number, chance: number, level: number): CoefficientWithSe {
  const z = normalQuantile(1 - (1 - level) / 2, 0, 1);
  return { value, se, chance, low: clip(value - z * se), high: clip(value + z * se), level };
}
