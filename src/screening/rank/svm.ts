/**
 * Linear support vector machine, L2-regularised squared hinge loss, solved in the dual by coordinate
 * descent (Hsieh et al. 2008, "A dual coordinate descent method for large-scale linear SVM", ICML) —
 * the solver and loss of LIBLINEAR / scikit-learn's LinearSVC defaults, with the intercept as an extra
 * constant feature of value 1 (regularised, as LIBLINEAR does). Per-record cost C w_i carries the class
 * balancing. Each fit starts from the previous fit's dual variables (warm start; the optimum is
 * unique, so this changes speed, not the solution beyond the tolerance). Coordinates are visited in a seeded random order, so the same seed gives the same model.
 * Pure.
 */
import { createRng, type Rng } from "../../stats/rng.js";
import { balancedWeights, type Classifier } from "./classifier.js";
import { rowDot, type SparseMatrix } from "./tfidf.js";

export interface SvmOptions {
  C?: number;
  balance?: boolean;
  /** stop when the projected-gradient spread is below tol; default 1e-4 (LinearSVC's default) */
  tol?: number;
  maxEpochs?: number;
  seed?: number;
}

export function linearSvm(opts: SvmOptions = {}): Classifier {
  const C = opts.C ?? 1;
  const tol = opts.tol ?? 1e-4;
  const maxEpochs = opts.maxEpochs ?? 1000;
  const rng: Rng = createRng(opts.seed ?? 0);
  let wv = new Float64Array(0);
  let wb = 0;
  // dual variables of the last fit, by row of X: the next fit starts from them (warm start)
  let lastAlpha = new Map<number, number>();
  return {
    name: "linear-svm",
    fit(X: SparseMatrix, rows: ArrayLike<number>, y: ArrayLike<number>): void {
      const n = rows.length;
      const cw = (opts.balance ?? true) ? balancedWeights(y) : new Float64Array(n).fill(1);
      wv = new Float64Array(X.nCols);
      wb = 0;
      const alpha = new Float64Array(n);
      for (let r = 0; r < n; r++) {
        const i = rows[r] as number;
        const a = lastAlpha.get(i) ?? 0;
        if (a === 0) continue;
        alpha[r] = a;
        const d = a * (y[r] === 1 ? 1 : -1);
        for (let k = X.indptr[i] as number, e = X.indptr[i + 1] as number; k < e; k++)
          wv[X.indices[k] as number] = (wv[X.indices[k] as number] as number) + d * (X.data[k] as number);
        wb += d;
      }
      const diag = new Float64Array(n);
      const qii = new Float64Array(n);
      for (let r = 0; r < n; r++) {
        const i = rows[r] as number;
        diag[r] = 1 / (2 * C * (cw[r] as number));
        let sq = 1; // the constant intercept feature
        for (let k = X.indptr[i] as number, e = X.indptr[i + 1] as number; k < e; k++) sq += (X.data[k] as number) ** 2;
        qii[r] = sq + (diag[r] as number);
      }
      const order = Int32Array.from({ length: n }, (_, r) => r);
      for (let epoch = 0; epoch < maxEpochs; epoch++) {
        for (let r = n - 1; r > 0; r--) {
          const j = rng.int(r + 1);
          const t = order[r] as number;
          order[r] = order[j] as number;
          order[j] = t;
        }
        let pgMax = -Infinity;
        let pgMin = Infinity;
        for (let t = 0; t < n; t++) {
          const r = order[t] as number;
          const i = rows[r] as number;
          const s = y[r] === 1 ? 1 : -1;
          const a = alpha[r] as number;
          const G = s * (rowDot(X, i, wv) + wb) - 1 + (diag[r] as number) * a;
          const PG = a === 0 ? Math.min(G, 0) : G;
          pgMax = Math.max(pgMax, PG);
          pgMin = Math.min(pgMin, PG);
          if (Math.abs(PG) > 1e-12) {
            const aNew = Math.max(a - G / (qii[r] as number), 0);
            alpha[r] = aNew;
            const d = (aNew - a) * s;
            for (let k = X.indptr[i] as number, e = X.indptr[i + 1] as number; k < e; k++)
              wv[X.indices[k] as number] = (wv[X.indices[k] as number] as number) + d * (X.data[k] as number);
            wb += d;
          }
        }
        if (pgMax - pgMin <= tol) break;
      }
      lastAlpha = new Map();
      for (let r = 0; r < n; r++) if ((alpha[r] as number) > 0) lastAlpha.set(rows[r] as number, alpha[r] as number);
    },
    score(X: SparseMatrix, i: number): number {
      return rowDot(X, i, wv) + wb;
    },
  };
}
