/**
 * Householder QR least squares, written out so that every step is visible and tested (no hidden
 * normal equations). Solves min ||A b - y||_2 for a tall, column-full-rank A (n x p, n >= p) and
 * returns R^{-1}, from which (A'A)^{-1} = R^{-1} R^{-T} gives coefficient covariances.
 *
 * Rank: a column is treated as dependent when |R_jj| <= rcond * max_i |R_ii| (default rcond 1e-10);
 * the solver then reports `rank < p` and no coefficients, never NaN.
 */
export interface LeastSquaresResult {
  /** null when A is rank-deficient */
  coefficients: number[] | null;
  /** numerical rank (count of |R_jj| above the threshold) */
  rank: number;
  /** |R_jj| / max |R_ii|, smallest first column effects visible: a conditioning diagnostic */
  rDiagRatio: number;
  /** upper-triangular R^{-1} (p x p), null when rank-deficient */
  rInverse: number[][] | null;
}

export function leastSquaresQr(A: number[][], y: number[], rcond = 1e-10): LeastSquaresResult {
  const n = A.length;
  const p = n > 0 ? A[0]!.length : 0;
  if (y.length !== n) throw new RangeError(`leastSquaresQr: ${n} rows but ${y.length} responses`);
  if (p === 0 || n < p) return { coefficients: null, rank: Math.min(n, p), rDiagRatio: 0, rInverse: null };
  // working copies
  const R = A.map((row) => row.slice());
  const qty = y.slice();
  for (let j = 0; j < p; j++) {
    // Householder vector for column j, rows j..n-1
    let norm = 0;
    for (let i = j; i < n; i++) norm = Math.hypot(norm, R[i]![j]!);
    if (norm === 0) continue;
    const alpha = R[j]![j]! > 0 ? -norm : norm;
    const v: number[] = new Array<number>(n - j);
    for (let i = j; i < n; i++) v[i - j] = R[i]![j]!;
    v[0] = v[0]! - alpha;
    let vnorm2 = 0;
    for (const vi of v) vnorm2 += vi * vi;
    if (vnorm2 === 0) continue;
    // apply H = I - 2 v v' / (v'v) to R[j.., j..] and to qty[j..]
    for (let c = j; c < p; c++) {
      let s = 0;
      for (let i = j; i < n; i++) s += v[i - j]! * R[i]![c]!;
      const f = (2 * s) / vnorm2;
      for (let i = j; i < n; i++) R[i]![c] = R[i]![c]! - f * v[i - j]!;
    }
    let s = 0;
    for (let i = j; i < n; i++) s += v[i - j]! * qty[i]!;
    const f = (2 * s) / vnorm2;
    for (let i = j; i < n; i++) qty[i] = qty[i]! - f * v[i - j]!;
  }
  const diag = Array.from({ length: p }, (_, j) => Math.abs(R[j]![j]!));
  const maxDiag = Math.max(...diag);
  const minDiag = Math.min(...diag);
  const rank = maxDiag === 0 ? 0 : diag.filter((d) => d > rcond * maxDiag).length;
  const rDiagRatio = maxDiag === 0 ? 0 : minDiag / maxDiag;
  if (rank < p) return { coefficients: null, rank, rDiagRatio, rInverse: null };
  // back substitution R b = (Q'y)[0..p)
  const b = new Array<number>(p).fill(0);
  for (let j = p - 1; j >= 0; j--) {
    let s = qty[j]!;
    for (let c = j + 1; c < p; c++) s -= R[j]![c]! * b[c]!;
    b[j] = s / R[j]![j]!;
  }
  // R^{-1}: solve R X = I column by column (upper triangular)
  const Rinv = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let col = 0; col < p; col++) {
    for (let j = col; j >= 0; j--) {
      let s = j === col ? 1 : 0;
      for (let c = j + 1; c <= col; c++) s -= R[j]![c]! * Rinv[c]![col]!;
      Rinv[j]![col] = s / R[j]![j]!;
    }
  }
  return { coefficients: b, rank, rDiagRatio, rInverse: Rinv };
}

/** (A'A)^{-1} = R^{-1} R^{-T} from an upper-triangular R^{-1}. */
export function covarianceFromRInverse(Rinv: number[][]): number[][] {
  const p = Rinv.length;
  const C = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let i = 0; i < p; i++)
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let k = Math.max(i, j); k < p; k++) s += Rinv[i]![k]! * Rinv[j]![k]!;
      C[i]![j] = s;
    }
  return C;
}
