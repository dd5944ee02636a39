/**
 * L2-regularised logistic regression over sparse features, fitted by L-BFGS (deterministic: no random
 * draws, so the same data give the same coefficients). Objective as scikit-learn's
 * LogisticRegression(penalty="l2", C, class_weight): C Σ_i w_i ln(1 + exp(−s_i (x_i·β + b))) + ½‖β‖²,
 * s_i = ±1, intercept not penalised. Warm-starts from the previous fit, which makes retraining after
 * every screening decision cheap. Pure.
 */
import { balancedWeights, type Classifier } from "./classifier.js";
import { rowDot, type SparseMatrix } from "./tfidf.js";

export interface LogisticOptions {
  /** inverse regularisation strength; default 1 (scikit-learn's default) */
  C?: number;
  balance?: boolean;
  /** stop when the largest absolute gradient component is below tol; default 1e-4 (scikit-learn's lbfgs default) */
  tol?: number;
  maxIter?: number;
}

/** ln(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

export function logisticRegression(opts: LogisticOptions = {}): Classifier {
  const C = opts.C ?? 1;
  const tol = opts.tol ?? 1e-4;
  const maxIter = opts.maxIter ?? 200;
  let beta = new Float64Array(0);
  let b = 0;
  return {
    name: "logistic",
    fit(X: SparseMatrix, rows: ArrayLike<number>, y: ArrayLike<number>): void {
      if (beta.length !== X.nCols) {
        beta = new Float64Array(X.nCols);
        b = 0;
      }
      const w = (opts.balance ?? true) ? balancedWeights(y) : new Float64Array(y.length).fill(1);
      const n = rows.length;
      // Only columns present in the training rows can have non-zero coefficients at the optimum
      // (elsewhere the gradient is the penalty term alone), so optimise over those columns only.
      const local = new Int32Array(X.nCols).fill(-1);
      const cols: number[] = [];
      const indptr = new Int32Array(n + 1);
      for (let r = 0; r < n; r++) {
        const i = rows[r] as number;
        for (let k = X.indptr[i] as number, e = X.indptr[i + 1] as number; k < e; k++) {
          const j = X.indices[k] as number;
          if (local[j] === -1) {
            local[j] = cols.length;
            cols.push(j);
          }
        }
        indptr[r + 1] = (indptr[r] as number) + ((X.indptr[i + 1] as number) - (X.indptr[i] as number));
      }
      const nnz = indptr[n] as number;
      const idx = new Int32Array(nnz);
      const val = new Float64Array(nnz);
      for (let r = 0, t = 0; r < n; r++) {
        const i = rows[r] as number;
        for (let k = X.indptr[i] as number, e = X.indptr[i + 1] as number; k < e; k++, t++) {
          idx[t] = local[X.indices[k] as number] as number;
          val[t] = X.data[k] as number;
        }
      }
      const V = cols.length;
      const x = new Float64Array(V + 1);
      cols.forEach((j, c) => (x[c] = beta[j] as number));
      x[V] = b;
      const evaluate = (p: Float64Array, g: Float64Array): number => {
        g.fill(0);
        let f = 0;
        for (let j = 0; j < V; j++) {
          f += 0.5 * (p[j] as number) ** 2;
          g[j] = p[j] as number;
        }
        const icpt = p[V] as number;
        for (let r = 0; r < n; r++) {
          const s = y[r] === 1 ? 1 : -1;
          let z = icpt;
          for (let k = indptr[r] as number, e = indptr[r + 1] as number; k < e; k++)
            z += (val[k] as number) * (p[idx[k] as number] as number);
          const m = s * z;
          f += C * (w[r] as number) * softplus(-m);
          // d/dz ln(1 + e^{−s z}) = −s σ(−m)
          const coef = (-C * (w[r] as number) * s) / (1 + Math.exp(m));
          for (let k = indptr[r] as number, e = indptr[r + 1] as number; k < e; k++)
            g[idx[k] as number] = (g[idx[k] as number] as number) + coef * (val[k] as number);
          g[V] = (g[V] as number) + coef;
        }
        return f;
      };
      lbfgs(evaluate, x, tol, maxIter);
      beta = new Float64Array(X.nCols);
      cols.forEach((j, c) => (beta[j] = x[c] as number));
      b = x[V] as number;
    },
    score(X: SparseMatrix, i: number): number {
      return rowDot(X, i, beta) + b;
    },
  };
}

/**
 * Minimise f from x (updated in place) by L-BFGS (memory 10) with a backtracking Armijo line search.
 * Deterministic. Returns the number of iterations.
 */
export function lbfgs(
  evaluate: (x: Float64Array, g: Float64Array) => number,
  x: Float64Array,
  tol: number,
  maxIter: number,
): number {
  const dim = x.length;
  const m = 10;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  let g = new Float64Array(dim);
  let f = evaluate(x, g);
  const dir = new Float64Array(dim);
  const xNew = new Float64Array(dim);
  let gNew = new Float64Array(dim);
  const alphaBuf = new Float64Array(m);
  const dot = (a: Float64Array, c: Float64Array): number => {
    let s = 0;
    for (let j = 0; j < dim; j++) s += (a[j] as number) * (c[j] as number);
    return s;
  };
  const maxAbs = (a: Float64Array): number => {
    let s = 0;
    for (let j = 0; j < dim; j++) s = Math.max(s, Math.abs(a[j] as number));
    return s;
  };
  let iter = 0;
  for (; iter < maxIter && maxAbs(g) > tol; iter++) {
    // two-loop recursion: dir = −H g
    for (let j = 0; j < dim; j++) dir[j] = -(g[j] as number);
    for (let k = S.length - 1; k >= 0; k--) {
      const a = (rho[k] as number) * dot(S[k] as Float64Array, dir);
      alphaBuf[k] = a;
      const yk = Y[k] as Float64Array;
      for (let j = 0; j < dim; j++) dir[j] = (dir[j] as number) - a * (yk[j] as number);
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma =
        dot(S[last] as Float64Array, Y[last] as Float64Array) / dot(Y[last] as Float64Array, Y[last] as Float64Array);
      for (let j = 0; j < dim; j++) dir[j] = (dir[j] as number) * gamma;
    }
    for (let k = 0; k < S.length; k++) {
      const beta = (rho[k] as number) * dot(Y[k] as Float64Array, dir);
      const sk = S[k] as Float64Array;
      const a = alphaBuf[k] as number;
      for (let j = 0; j < dim; j++) dir[j] = (dir[j] as number) + (a - beta) * (sk[j] as number);
    }
    let slope = dot(g, dir);
    if (slope >= 0) {
      // not a descent direction: restart from steepest descent
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let j = 0; j < dim; j++) dir[j] = -(g[j] as number);
      slope = dot(g, dir);
    }
    let step = S.length === 0 ? Math.min(1, 1 / Math.max(maxAbs(g), 1e-12)) : 1;
    let fNew = Infinity;
    for (let ls = 0; ls < 40; ls++) {
      for (let j = 0; j < dim; j++) xNew[j] = (x[j] as number) + step * (dir[j] as number);
      fNew = evaluate(xNew, gNew);
      if (fNew <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew < f) && fNew !== f) break;
    const s = new Float64Array(dim);
    const yv = new Float64Array(dim);
    for (let j = 0; j < dim; j++) {
      s[j] = (xNew[j] as number) - (x[j] as number);
      yv[j] = (gNew[j] as number) - (g[j] as number);
    }
    const sy = dot(s, yv);
    x.set(xNew);
    const tmp = g;
    g = gNew;
    gNew = tmp;
    const converged = Math.abs(f - fNew) <= 1e-12 * Math.max(1, Math.abs(f));
    f = fNew;
    if (sy > 1e-12) {
      S.push(s);
      Y.push(yv);
      rho.push(1 / sy);
      if (S.length > m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
    }
    if (converged) break;
  }
  return iter;
}
