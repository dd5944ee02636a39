/**
 * Quantiles of large samples held in Float64Arrays, by selection (expected O(n) per quantile), not by
 * sorting. Definition: Hyndman–Fan type 7 (the default of R's quantile() and NumPy's np.quantile):
 * h = (n − 1)p, q = x₍⌊h⌋₎ + (h − ⌊h⌋)(x₍⌊h⌋+1₎ − x₍⌊h⌋₎) on the order statistics x₍0₎ ≤ … ≤ x₍n−1₎.
 */

/**
 * Rearrange a[lo..hi] so that a[k] holds the value it would have in sorted order, smaller-or-equal
 * values left of k and greater-or-equal right of it. Floyd–Rivest selection (expected
 * n + min(k, n − k) + o(n) comparisons), after the widely used `quickselect` formulation.
 */
export function selectInPlace(a: Float64Array, k: number, lo = 0, hi = a.length - 1): number {
  if (k < lo || k > hi) throw new RangeError(`select: k=${k} outside [${lo}, ${hi}]`);
  floydRivest(a, k, lo, hi);
  return a[k]!;
}

function floydRivest(a: Float64Array, k: number, left: number, right: number): void {
  while (right > left) {
    if (right - left > 600) {
      const n = right - left + 1;
      const m = k - left + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (m - n / 2 < 0 ? -1 : 1);
      const newLeft = Math.max(left, Math.floor(k - (m * s) / n + sd));
      const newRight = Math.min(right, Math.floor(k + ((n - m) * s) / n + sd));
      floydRivest(a, k, newLeft, newRight);
    }
    const t = a[k]!;
    let i = left;
    let j = right;
    swap(a, left, k);
    if (a[right]! > t) swap(a, left, right);
    while (i < j) {
      swap(a, i, j);
      i++;
      j--;
      while (a[i]! < t) i++;
      while (a[j]! > t) j--;
    }
    if (a[left] === t) swap(a, left, j);
    else {
      j++;
      swap(a, j, right);
    }
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

/**
 * Type-7 quantiles of `a` at the given probabilities (any order). May permute `a` (pass a copy to
 * keep it). Empty input is an error. The needed order statistics (⌊h⌋ and ⌊h⌋ + 1 per probability)
 * come from a bucket histogram for large samples, else from one recursive multi-selection (select
 * the middle index, then recurse into each side).
 */
export function quantilesInPlace(a: Float64Array, probs: readonly number[]): number[] {
  return quantilesWithRange(a, probs, null).q;
}

/**
 * quantilesInPlace, optionally with the sample's range already known (`range` = {min, max, mean}),
 * in which case the histogram's counting pass also returns Σ(x − mean)² (one pass fewer for
 * summarizeInPlace).
 */
function quantilesWithRange(
  a: Float64Array,
  probs: readonly number[],
  range: { min: number; max: number; mean: number } | null,
): { q: number[]; ss: number | null } {
  const n = a.length;
  if (n === 0) throw new RangeError("quantiles of an empty sample");
  const need = new Set<number>();
  for (const p of probs) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`probability ${p} outside [0, 1]`);
    const h = (n - 1) * p;
    const k = Math.floor(h);
    need.add(k);
    if (h > k && k + 1 < n) need.add(k + 1);
  }
  const ks = [...need].sort((x, y) => x - y);
  let at: (k: number) => number;
  let ss: number | null = null;
  if (n >= HISTOGRAM_MIN) {
    let min: number;
    let max: number;
    if (range) ({ min, max } = range);
    else [min, max] = rangeOf(a);
    const r = histogramOrderStatistics(a, ks, min, max, range ? range.mean : null);
    ss = r.ss;
    at = (k) => r.values.get(k)!;
  } else {
    multiSelect(a, ks, 0, n - 1);
    at = (k) => a[k]!;
  }
  const q = probs.map((p) => {
    const h = (n - 1) * p;
    const k = Math.floor(h);
    const lowV = at(k);
    return h > k && k + 1 < n ? lowV + (h - k) * (at(k + 1) - lowV) : lowV;
  });
  return { q, ss };
}

function rangeOf(a: Float64Array): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return [min, max];
}

const HISTOGRAM_MIN = 4096;
const BUCKETS = 8192;

/**
 * Exact order statistics (0-based ranks `ks`, ascending) of a large sample without sorting it and
 * without moving it: one pass for the range, one to count values per bucket (buckets of equal width
 * between min and max; the bucket index is monotone in the value), one to copy the values of the
 * buckets that hold a wanted rank, then selection inside those buckets. Exact for any data; only the
 * speed depends on how the values spread over the buckets.
 */
export function orderStatisticsByHistogram(a: Float64Array, ks: readonly number[]): Map<number, number> {
  const [min, max] = rangeOf(a);
  return histogramOrderStatistics(a, ks, min, max, null).values;
}

/**
 * The histogram selection of orderStatisticsByHistogram with the range [min, max] given. With `mean`
 * given, the counting pass also sums (x − mean)², in index order (the same value as a separate loop).
 */
function histogramOrderStatistics(
  a: Float64Array,
  ks: readonly number[],
  min: number,
  max: number,
  mean: number | null,
): { values: Map<number, number>; ss: number | null } {
  const n = a.length;
  const out = new Map<number, number>();
  let ss: number | null = null;
  if (!(max > min)) {
    if (mean !== null) ss = sumSquaredDeviations(a, mean);
    for (const k of ks) out.set(k, min);
    return { values: out, ss };
  }
  const scale = BUCKETS / (max - min);
  const last = BUCKETS - 1;
  const counts = new Uint32Array(BUCKETS);
  if (mean !== null) {
    let acc = 0;
    for (let i = 0; i < n; i++) {
      const x = a[i]!;
      const d = x - mean;
      acc += d * d;
      const b = Math.floor((x - min) * scale);
      counts[b > last ? last : b]!++;
    }
    ss = acc;
  } else {
    for (let i = 0; i < n; i++) {
      const b = Math.floor((a[i]! - min) * scale);
      counts[b > last ? last : b]!++;
    }
  }
  // bucket, and rank inside the bucket, of every wanted order statistic
  const slotOf = new Int32Array(BUCKETS).fill(-1);
  const targets: { bucket: number; before: number }[] = [];
  const want: { k: number; slot: number }[] = [];
  let cum = 0;
  let b = 0;
  for (const k of ks) {
    while (cum + counts[b]! <= k) cum += counts[b++]!;
    if (slotOf[b] === -1) {
      slotOf[b] = targets.length;
      targets.push({ bucket: b, before: cum });
    }
    want.push({ k, slot: slotOf[b]! });
  }
  const values = targets.map((t) => new Float64Array(counts[t.bucket]!));
  const filled = new Uint32Array(targets.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    let bi = Math.floor((x - min) * scale);
    if (bi > last) bi = last;
    const slot = slotOf[bi]!;
    if (slot >= 0) values[slot]![filled[slot]!++] = x;
  }
  for (const { k, slot } of want) out.set(k, selectInPlace(values[slot]!, k - targets[slot]!.before));
  return { values: out, ss };
}

function sumSquaredDeviations(a: Float64Array, mean: number): number {
  let ss = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - mean;
    ss += d * d;
  }
  return ss;
}

function multiSelect(a: Float64Array, ks: number[], lo: number, hi: number): void {
  if (ks.length === 0 || lo > hi) return;
  const mid = ks.length >> 1;
  const k = ks[mid]!;
  floydRivest(a, k, lo, hi);
  multiSelect(a, ks.slice(0, mid), lo, k - 1);
  multiSelect(a, ks.slice(mid + 1), k + 1, hi);
}

/** Type-7 quantile of a plain array (copies). */
export function quantile(values: ArrayLike<number>, p: number): number {
  return quantilesInPlace(Float64Array.from(values), [p])[0]!;
}

export interface Summary {
  mean: number;
  sd: number;
  p05: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
}

export const SUMMARY_PROBS = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

/**
 * Mean, sample standard deviation and the 5/25/50/75/95 % quantiles. Permutes `a` (small samples
 * only). Large samples take three passes: sum and range; squared deviations fused with the
 * histogram count; the copy of the wanted buckets.
 */
export function summarizeInPlace(a: Float64Array): Summary {
  const n = a.length;
  let s = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    s += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return summarizeWithRange(a, s, min, max);
}

/**
 * summarizeInPlace for a sample whose sum (accumulated in index order, so that the mean is the same
 * number) and range were gathered while it was written: saves the first pass.
 */
export function summarizeWithRange(a: Float64Array, sum: number, min: number, max: number): Summary {
  const n = a.length;
  const mean = sum / n;
  // the sum of squares must be taken before a small sample is permuted by selection
  const ssSmall = n < HISTOGRAM_MIN ? sumSquaredDeviations(a, mean) : null;
  const r = quantilesWithRange(a, SUMMARY_PROBS, { min, max, mean });
  const ss = ssSmall ?? r.ss!;
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  const [p05, p25, p50, p75, p95] = r.q as [number, number, number, number, number];
  return { mean, sd, p05, p25, p50, p75, p95 };
}

/** Ranks 1..n with ties given their average rank. */
export function ranks(values: Float64Array): Float64Array {
  const n = values.length;
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((i, j) => values[i]! - values[j]!);
  const r = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && values[idx[j + 1]!] === values[idx[i]!]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[idx[k]!] = avg;
    i = j + 1;
  }
  return r;
}

/** Pearson correlation; null when either sample has zero variance. */
export function pearson(x: Float64Array, y: Float64Array): number | null {
  const n = x.length;
  if (n !== y.length) throw new RangeError("pearson: length mismatch");
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  return sxy / Math.sqrt(sxx * syy);
}

/** Spearman rank correlation (Pearson on average ranks); null when either sample is constant. */
export function spearman(x: Float64Array, y: Float64Array): number | null {
  return pearson(ranks(x), ranks(y));
}
