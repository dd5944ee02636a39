import { covarianceFromRInverse, leastSquaresQr } from "./qr.js";

/**
 * Levenberg-Marquardt nonlinear least squares (Marquardt's diagonal scaling), each step solved by
 * Householder QR on the augmented system [J; sqrt(lambda) D] delta = [r; 0] rather than by forming
 * J'J. After LM stops, up to 20 undamped Gauss-Newton steps polish the optimum (kept only when they
 * reduce the residual sum of squares), so that results agree with MINPACK (scipy curve_fit) run with
 * tight tolerances.
 */
export interface NlsModel {
  /** model value at x for parameters p */
  value: (p: number[], x: number) => number;
  /** gradient of the model value with respect to p at x */
  gradient: (p: number[], x: number) => number[];
}

export interface NlsResult {
  params: number[];
  rss: number;
  iterations: number;
  converged: boolean;
  /** (J'J)^{-1} at the optimum (unscaled covariance), null when J is rank-deficient */
  unscaledCovariance: number[][] | null;
}

function rssOf(model: NlsModel, p: number[], x: number[], y: number[]): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const r = y[i]! - model.value(p, x[i]!);
    s += r * r;
  }
  return s;
}

function step(model: NlsModel, p: number[], x: number[], y: number[], lambda: number): number[] | null {
  const n = x.length;
  const k = p.length;
  const J: number[][] = [];
  const r: number[] = [];
  for (let i = 0; i < n; i++) {
    J.push(model.gradient(p, x[i]!));
    r.push(y[i]! - model.value(p, x[i]!));
  }
  if (J.some((row) => row.some((v) => !Number.isFinite(v))) || r.some((v) => !Number.isFinite(v))) return null;
  if (lambda > 0) {
    for (let j = 0; j < k; j++) {
      let d2 = 0;
      for (let i = 0; i < n; i++) d2 += J[i]![j]! * J[i]![j]!;
      const row = new Array<number>(k).fill(0);
      row[j] = Math.sqrt(lambda * Math.max(d2, 1e-300));
      J.push(row);
      r.push(0);
    }
  }
  const ls = leastSquaresQr(J, r, 1e-14);
  return ls.coefficients;
}

export function levenbergMarquardt(
  model: NlsModel,
  x: number[],
  y: number[],
  start: number[],
  opts: { maxIterations?: number } = {},
): NlsResult {
  const maxIt = opts.maxIterations ?? 2000;
  let p = start.slice();
  let rss = rssOf(model, p, x, y);
  let lambda = 1e-3;
  let it = 0;
  let converged = false;
  if (!Number.isFinite(rss))
    return { params: p, rss: Number.NaN, iterations: 0, converged: false, unscaledCovariance: null };
  while (it < maxIt) {
    it++;
    const d = step(model, p, x, y, lambda);
    if (d === null) {
      lambda *= 10;
      if (lambda > 1e20) break;
      continue;
    }
    const cand = p.map((v, j) => v + d[j]!);
    const rssNew = rssOf(model, cand, x, y);
    if (Number.isFinite(rssNew) && rssNew <= rss) {
      const small = d.every((dj, j) => Math.abs(dj) <= 1e-13 * (Math.abs(p[j]!) + 1e-13));
      const flat = rss - rssNew <= 1e-15 * rss;
      p = cand;
      rss = rssNew;
      lambda = Math.max(lambda / 10, 1e-12);
      if (small || (flat && lambda <= 1e-9)) {
        converged = true;
        break;
      }
    } else {
      lambda *= 10;
      if (lambda > 1e20) {
        // no damped step reduces RSS: at a (possibly flat) minimum
        converged = true;
        break;
      }
    }
  }
  // Gauss-Newton polishing: near the optimum RSS is flat to rounding, so a step is accepted while
  // the step lengths keep shrinking and RSS does not rise beyond rounding (1e-12 relative).
  let prevNorm = Number.POSITIVE_INFINITY;
  for (let g = 0; g < 30; g++) {
    const d = step(model, p, x, y, 0);
    if (d === null) break;
    const norm = Math.max(...d.map((dj, j) => Math.abs(dj) / (Math.abs(p[j]!) + 1e-300)));
    if (!(norm < prevNorm)) break;
    const cand = p.map((v, j) => v + d[j]!);
    const rssNew = rssOf(model, cand, x, y);
    if (!(Number.isFinite(rssNew) && rssNew <= rss * (1 + 1e-12))) break;
    p = cand;
    rss = rssNew;
    prevNorm = norm;
    if (norm <= 1e-16) break;
  }
  // covariance at the optimum
  const J = x.map((xi) => model.gradient(p, xi));
  let cov: number[][] | null = null;
  if (J.every((row) => row.every((v) => Number.isFinite(v)))) {
    const ls = leastSquaresQr(J, new Array<number>(x.length).fill(0), 1e-12);
    if (ls.rInverse) cov = covarianceFromRInverse(ls.rInverse);
  }
  // converged also requires the residual vector to be orthogonal to every Jacobian column (MINPACK's
  // gtol measure): |J_j . r| / (||J_j|| ||r||) <= 1e-6. A drift toward a boundary (e.g. a parameter
  // running off to infinity) can stall with tiny steps but fails this test.
  const r = x.map((xi, i) => y[i]! - model.value(p, xi));
  const rnorm = Math.sqrt(r.reduce((s, v) => s + v * v, 0));
  let cosMax = 0;
  if (rnorm > 0) {
    for (let j = 0; j < p.length; j++) {
      let dot = 0;
      let jn = 0;
      for (let i = 0; i < x.length; i++) {
        dot += J[i]![j]! * r[i]!;
        jn += J[i]![j]! * J[i]![j]!;
      }
      if (jn > 0) cosMax = Math.max(cosMax, Math.abs(dot) / (Math.sqrt(jn) * rnorm));
    }
  }
  const stationary = Number.isFinite(cosMax) && cosMax <= 1e-6;
  return {
    params: p,
    rss,
    iterations: it,
    converged: converged && stationary && p.every((v) => Number.isFinite(v)),
    unscaledCovariance: cov,
  };
}
