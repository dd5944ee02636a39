import gammaln from "@stdlib/math-base-special-gammaln";

/**
 * Poisson log-linear GLM fitted by iteratively reweighted least squares (IRLS), the algorithm of
 * R's glm(family = poisson) and statsmodels. Pure: no I/O, no randomness.
 */
export interface PoissonFit {
  /** coefficients, in the order of the design matrix columns */
  beta: number[];
  /** inverse Fisher information (X'WX)^-1 at the solution: the unscaled covariance of beta */
  covUnscaled: number[][];
  /** residual deviance 2 * sum(y log(y/mu) - (y - mu)) */
  deviance: number;
  /** Poisson log-likelihood sum(y log mu - mu - log y!) */
  logLik: number;
  /** Pearson chi-square sum((y - mu)^2 / mu) */
  pearsonChi2: number;
  fitted: number[];
  /** n - p */
  dfResidual: number;
  iterations: number;
  /** false when IRLS did not settle (e.g. a fitted mean tends to 0: separation) */
  converged: boolean;
}

export interface IrlsOptions {
  maxIter?: number;
  /** relative change in deviance below which IRLS stops (R uses 1e-8; we default tighter) */
  tol?: number;
}

/**
 * Inverse of a small symmetric positive-definite matrix by Cholesky decomposition; null when the
 * matrix is not numerically positive definite (singular design, separation).
 */
export function spdInverse(A: number[][]): number[][] | null {
  const p = A.length;
  const L = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = A[i]![j]!;
      for (let k = 0; k < j; k++) sum -= L[i]![k]! * L[j]![k]!;
      if (i === j) {
        if (!(sum > 1e-300) || !Number.isFinite(sum)) return null;
        L[i]![i] = Math.sqrt(sum);
      } else L[i]![j] = sum / L[j]![j]!;
    }
  }
  // inverse of L (lower triangular), then A^-1 = L^-T L^-1
  const Li = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let i = 0; i < p; i++) {
    Li[i]![i] = 1 / L[i]![i]!;
    for (let j = 0; j < i; j++) {
      let sum = 0;
      for (let k = j; k < i; k++) sum -= L[i]![k]! * Li[k]![j]!;
      Li[i]![j] = sum / L[i]![i]!;
    }
  }
  const inv = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let i = 0; i < p; i++)
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let k = i; k < p; k++) sum += Li[k]![i]! * Li[k]![j]!;
      inv[i]![j] = sum;
      inv[j]![i] = sum;
    }
  return inv.every((r) => r.every((v) => Number.isFinite(v))) ? inv : null;
}

/** Poisson deviance contribution of one observation (y = 0 handled: 2 mu). */
export function poissonUnitDeviance(y: number, mu: number): number {
  const t = y > 0 ? y * Math.log(y / mu) : 0;
  return 2 * (t - (y - mu));
}

/**
 * Fit log E[y] = X beta by IRLS. `X` is n rows of p covariates (include a column of ones for the
 * intercept). y must be non-negative counts (non-integers are accepted as quasi-Poisson data).
 */
export function fitPoissonGlm(X: number[][], y: number[], opts: IrlsOptions = {}): PoissonFit {
  const n = y.length;
  if (X.length !== n || n === 0) throw new RangeError("fitPoissonGlm: X and y must have the same, non-zero length");
  const p = X[0]!.length;
  if (p === 0 || X.some((r) => r.length !== p)) throw new RangeError("fitPoissonGlm: ragged design matrix");
  if (y.some((v) => !(v >= 0) || !Number.isFinite(v))) throw new RangeError("fitPoissonGlm: y must be finite and >= 0");
  const maxIter = opts.maxIter ?? 100;
  const tol = opts.tol ?? 1e-12;
  const ybar = y.reduce((a, b) => a + b, 0) / n;
  let mu = y.map((v) => v + 0.1 * Math.max(ybar, 1e-3) + 1e-3);
  let eta = mu.map((m) => Math.log(m));
  let beta: number[] = new Array<number>(p).fill(0);
  let cov: number[][] = [];
  let devOld = Infinity;
  let dev = Infinity;
  let iter = 1;
  let converged = false;
  for (; iter <= maxIter; iter++) {
    // working response z and weights w = mu
    const xtwx = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    const xtwz = new Array<number>(p).fill(0);
    for (let i = 0; i < n; i++) {
      const w = mu[i]!;
      const z = eta[i]! + (y[i]! - mu[i]!) / mu[i]!;
      const row = X[i]!;
      for (let a = 0; a < p; a++) {
        xtwz[a]! += row[a]! * w * z;
        for (let b = 0; b <= a; b++) xtwx[a]![b]! += row[a]! * w * row[b]!;
      }
    }
    for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) xtwx[a]![b] = xtwx[b]![a]!;
    const inv = spdInverse(xtwx);
    if (inv === null) break;
    beta = inv.map((r) => r.reduce((s, v, j) => s + v * xtwz[j]!, 0));
    cov = inv;
    eta = X.map((r) => r.reduce((s, v, j) => s + v * beta[j]!, 0));
    mu = eta.map((e) => Math.exp(e));
    if (mu.some((m) => !Number.isFinite(m) || m <= 0)) break;
    dev = 0;
    for (let i = 0; i < n; i++) dev += poissonUnitDeviance(y[i]!, mu[i]!);
    if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < tol) {
      converged = true;
      break;
    }
    devOld = dev;
  }
  // recompute the covariance at the final mu (the loop's inverse is from the previous weights)
  const fisher = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let i = 0; i < n; i++) {
    const row = X[i]!;
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) fisher[a]![b]! += row[a]! * mu[i]! * row[b]!;
  }
  const finalInv = spdInverse(fisher);
  if (finalInv !== null) cov = finalInv;
  let logLik = 0;
  let pearson = 0;
  for (let i = 0; i < n; i++) {
    const yi = y[i]!;
    const m = mu[i]!;
    logLik += (yi > 0 ? yi * Math.log(m) : 0) - m - gammaln(yi + 1);
    pearson += ((yi - m) * (yi - m)) / m;
  }
  // a fit with a mean collapsing to ~0 where y > 0 is not a fit; one where mu -> 0 for y = 0 is separation
  if (mu.some((m) => m < 1e-10)) converged = false;
  return {
    beta,
    covUnscaled: cov,
    deviance: dev,
    logLik,
    pearsonChi2: pearson,
    fitted: mu,
    dfResidual: n - p,
    iterations: Math.min(iter, maxIter),
    converged,
  };
}
