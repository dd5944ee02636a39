import { caveat, hashValues, makeFinding, type Caveat, type Finding, type InputRef } from "../core/finding.js";
import { OrganAuditError } from "../core/errors.js";
import { levenbergMarquardt, type NlsModel } from "../stats/levenberg-marquardt.js";
import { covarianceFromRInverse, leastSquaresQr } from "../stats/qr.js";
import { hasIntercept, modelFormula, modelName, parameterNames, type ModelSpec } from "./models.js";
import type { Series } from "./series.js";

export const FIT_METHOD = "forensics.fit";
export const FIT_METHOD_VERSION = "1.0.0";

/**
 * Result of fitting one model to one series. Plain numbers only (JSON-serialisable, no functions,
 * never NaN/Infinity: undefined quantities are null).
 *
 * Conventions:
 * - `coefficients` are for the x the user gave, in `parameterNames` order (polynomials: constant term
 *   first). Internally x is centred and scaled, z = (x - centre) / scale, the model is solved in z
 *   (Householder QR for linear models, Levenberg-Marquardt for nonlinear ones) and transformed back;
 *   `centredCoefficients` are the parameters in z (see `predictAt`).
 * - `r2` is the centered R^2 = 1 - RSS / sum (y - mean y)^2 for every model. For models without a free
 *   intercept (quadratic1, exponential, logistic) `r2Uncentered` = 1 - RSS / sum y^2 is ALSO given
 *   (METHODS.md C1: the uncentered value is larger and not comparable); it is null for polynomials.
 * - `adjR2` = 1 - (1 - r2) (n - 1) / (n - k), k = number of mean parameters.
 * - Gaussian log-likelihood at the MLE of sigma^2 (= RSS / n):
 *     logLik = -n/2 * (ln(2 pi) + ln(RSS / n) + 1)
 *   and with K = k + 1 (sigma^2 IS counted as a parameter, as R's AIC()/BIC() do):
 *     AIC = -2 logLik + 2K,  AICc = AIC + 2K(K + 1) / (n - K - 1)  (null if n - K - 1 <= 0),
 *     BIC = -2 logLik + K ln(n).
 *   All three are null for a perfect fit (RSS = 0), with a caveat.
 * - `standardErrors`: sqrt of the diagonal of sigma2 (X'X)^{-1} (linear) or sigma2 (J'J)^{-1} at the
 *   optimum (nonlinear), sigma2 = RSS / (n - k); for x-as-given parameters by the delta method from
 *   the centred fit (exact for linear transforms).
 */
export interface FitResult {
  model: string;
  spec: ModelSpec;
  formula: string;
  status: "ok" | "insufficient-data";
  /** caveat code explaining why status is insufficient-data, else null */
  reason: string | null;
  cumulative: boolean;
  n: number;
  /** number of mean parameters k */
  parameters: number;
  /** residual degrees of freedom n - k */
  df: number;
  /** x and y actually fitted, sorted by x (y = running total when cumulative) */
  x: number[];
  y: number[];
  parameterNames: string[];
  coefficients: (number | null)[] | null;
  standardErrors: (number | null)[] | null;
  centre: number;
  scale: number;
  centredCoefficients: number[] | null;
  /** (X'X)^{-1} or (J'J)^{-1} in the centred parametrisation (unscaled by sigma2) */
  centredUnscaledCovariance: number[][] | null;
  sigma2: number | null;
  fitted: number[] | null;
  residuals: number[] | null;
  rss: number | null;
  tss: number | null;
  r2: number | null;
  r2Uncentered: number | null;
  adjR2: number | null;
  logLik: number | null;
  aic: number | null;
  aicc: number | null;
  bic: number | null;
  perfectFit: boolean;
  converged: boolean;
  iterations: number | null;
  caveats: Caveat[];
  /** set by fitFinding: comparison of candidate models on the same data */
  comparison?: ModelComparisonRow[];
}

export interface ModelComparisonRow {
  model: string;
  parameters: number;
  status: "ok" | "insufficient-data";
  r2: number | null;
  aicc: number | null;
  deltaAicc: number | null;
  akaikeWeight: number | null;
}

export interface FitOptions {
  /** fit the running total of y instead of y */
  cumulative?: boolean;
}

/** Levenberg-Marquardt iterations given to each starting point before the best one is continued. */
const SHORT_LM_ITERATIONS = 200;

/** Relative RSS below which a fit counts as exact (RSS = 0 up to rounding). */
const PERFECT_FIT_RATIO = 1e-20;

function validate(x: number[], y: number[]): void {
  if (x.length !== y.length) {
    throw new OrganAuditError("F_LENGTH_MISMATCH", { nx: x.length, ny: y.length });
  }
  if (x.length === 0) throw new OrganAuditError("E_EMPTY_INPUT", { what: "the series has no points" });
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!))
      throw new OrganAuditError("E_NOT_A_NUMBER", { value: String(x[i]) }, { path: `$.x[${i}]` });
    if (!Number.isFinite(y[i]!))
      throw new OrganAuditError("E_NOT_A_NUMBER", { value: String(y[i]) }, { path: `$.y[${i}]` });
  }
  const seen = new Set<number>();
  x.forEach((v, i) => {
    if (seen.has(v)) throw new OrganAuditError("E_DUPLICATE_X", { x: String(v) }, { path: `$.x[${i}]` });
    seen.add(v);
  });
}

function emptyResult(
  spec: ModelSpec,
  x: number[],
  y: number[],
  cumulative: boolean,
  reason: Caveat,
  extra: Caveat[] = [],
): FitResult {
  const k = parameterNames(spec).length;
  return {
    model: modelName(spec),
    spec,
    formula: modelFormula(spec),
    status: "insufficient-data",
    reason: reason.code,
    cumulative,
    n: x.length,
    parameters: k,
    df: x.length - k,
    x,
    y,
    parameterNames: parameterNames(spec),
    coefficients: null,
    standardErrors: null,
    centre: 0,
    scale: 1,
    centredCoefficients: null,
    centredUnscaledCovariance: null,
    sigma2: null,
    fitted: null,
    residuals: null,
    rss: null,
    tss: null,
    r2: null,
    r2Uncentered: null,
    adjR2: null,
    logLik: null,
    aic: null,
    aicc: null,
    bic: null,
    perfectFit: false,
    converged: false,
    iterations: null,
    caveats: [reason, ...extra],
  };
}

function binom(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/** Model value in the centred parametrisation, z = (x - centre) / scale. */
function centredValue(spec: ModelSpec, p: number[], z: number, x: number, scale: number): number {
  switch (spec.kind) {
    case "poly": {
      let v = 0;
      for (let j = p.length - 1; j >= 0; j--) v = v * z + p[j]!;
      return v;
    }
    case "quadratic1": {
      if (spec.x0 !== undefined) {
        const u = (x - spec.x0) / scale;
        return p[0]! * u * u;
      }
      const d = z - p[1]!;
      return p[0]! * d * d;
    }
    case "exponential":
      return p[0]! * Math.exp(p[1]! * z);
    case "logistic":
      return p[0]! / (1 + Math.exp(-p[1]! * (z - p[2]!)));
  }
}

/**
 * Evaluate a fitted model at x (uses the numerically stable centred parametrisation). Throws
 * OrganAuditError F_FIT_NO_ESTIMATE when the fit has no estimate, rather than returning NaN.
 */
export function predictAt(fit: FitResult, x: number): number {
  if (fit.centredCoefficients === null) throw new OrganAuditError("F_FIT_NO_ESTIMATE", { model: fit.model });
  return centredValue(fit.spec, fit.centredCoefficients, (x - fit.centre) / fit.scale, x, fit.scale);
}

/** Gradient of the model value at x with respect to the centred parameters. */
export function centredGradient(fit: FitResult, x: number): number[] | null {
  const p = fit.centredCoefficients;
  if (p === null) return null;
  const z = (x - fit.centre) / fit.scale;
  const spec = fit.spec;
  switch (spec.kind) {
    case "poly":
      return p.map((_, j) => z ** j);
    case "quadratic1":
      if (spec.x0 !== undefined) {
        const u = (x - spec.x0) / fit.scale;
        return [u * u];
      }
      return [(z - p[1]!) ** 2, -2 * p[0]! * (z - p[1]!)];
    case "exponential": {
      const e = Math.exp(p[1]! * z);
      return [e, p[0]! * z * e];
    }
    case "logistic": {
      const e = Math.exp(-p[1]! * (z - p[2]!));
      const d = 1 + e;
      return [1 / d, (p[0]! * (z - p[2]!) * e) / (d * d), (-p[0]! * p[1]! * e) / (d * d)];
    }
  }
}

const nlsModels: Record<"quadratic1" | "exponential" | "logistic", NlsModel> = {
  quadratic1: {
    value: (p, z) => p[0]! * (z - p[1]!) ** 2,
    gradient: (p, z) => [(z - p[1]!) ** 2, -2 * p[0]! * (z - p[1]!)],
  },
  exponential: {
    value: (p, z) => p[0]! * Math.exp(p[1]! * z),
    gradient: (p, z) => {
      const e = Math.exp(p[1]! * z);
      return [e, p[0]! * z * e];
    },
  },
  logistic: {
    value: (p, z) => p[0]! / (1 + Math.exp(-p[1]! * (z - p[2]!))),
    gradient: (p, z) => {
      const e = Math.exp(-p[1]! * (z - p[2]!));
      const d = 1 + e;
      return [1 / d, (p[0]! * (z - p[2]!) * e) / (d * d), (-p[0]! * p[1]! * e) / (d * d)];
    },
  },
};

function polyDesign(z: number[], degree: number): number[][] {
  return z.map((zi) => Array.from({ length: degree + 1 }, (_, j) => zi ** j));
}

/** Linear least squares in z; returns params, unscaled covariance, or null if rank-deficient. */
function linearFit(A: number[][], y: number[]): { p: number[]; cov: number[][] } | null {
  const ls = leastSquaresQr(A, y);
  if (ls.coefficients === null || ls.rInverse === null) return null;
  return { p: ls.coefficients, cov: covarianceFromRInverse(ls.rInverse) };
}

/** Starting values for the nonlinear models from linearised fits (in z). */
function startingValues(spec: ModelSpec, z: number[], y: number[]): number[][] {
  if (spec.kind === "quadratic1") {
    const q = linearFit(polyDesign(z, 2), y);
    const starts: number[][] = [];
    if (q && q.p[2] !== 0) starts.push([q.p[2]!, -q.p[1]! / (2 * q.p[2]!)]);
    // also: vertex at the left end of the data, a from a one-parameter fit
    const zmin = Math.min(...z);
    for (const z0 of [zmin - 1, zmin - 3]) {
      const u = z.map((zi) => [(zi - z0) ** 2]);
      const l = linearFit(u, y);
      if (l) starts.push([l.p[0]!, z0]);
    }
    return starts;
  }
  const pos = z.map((zi, i) => [zi, y[i]!] as const).filter(([, yi]) => yi > 0);
  if (spec.kind === "exponential") {
    if (pos.length < 2) return [];
    const l = linearFit(
      pos.map(([zi]) => [1, zi]),
      pos.map(([, yi]) => Math.log(yi)),
    );
    return l ? [[Math.exp(l.p[0]!), l.p[1]!]] : [];
  }
  // logistic: for several K above max(y), linearise ln(K/y - 1) = -r (z - t0)
  if (pos.length < 3) return [];
  const ymax = Math.max(...pos.map(([, yi]) => yi));
  const starts: number[][] = [];
  for (const m of [1.05, 1.2, 1.5, 2, 3, 5, 10]) {
    const K = ymax * m;
    const l = linearFit(
      pos.map(([zi]) => [1, zi]),
      pos.map(([, yi]) => Math.log(K / yi - 1)),
    );
    if (!l || l.p[1] === 0) continue;
    const r = -l.p[1]!;
    const t0 = l.p[0]! / r;
    starts.push([K, r, t0]);
  }
  return starts;
}

/**
 * Fit one model by least squares. Throws OrganAuditError on malformed input (length mismatch,
 * non-finite values, duplicate x); returns status "insufficient-data" (with a caveat, never NaN)
 * when the data cannot determine the model: fewer than k + 1 points, all-equal x, a rank-deficient
 * design, failed convergence.
 */
export function fitModel(xIn: number[], yIn: number[], spec: ModelSpec, opts: FitOptions = {}): FitResult {
  validate(xIn, yIn);
  const cumulative = opts.cumulative ?? false;
  const order = xIn.map((_, i) => i).sort((a, b) => xIn[a]! - xIn[b]!);
  const x = order.map((i) => xIn[i]!);
  let y = order.map((i) => yIn[i]!);
  if (cumulative) {
    let s = 0;
    y = y.map((v) => (s += v));
  }
  const n = x.length;
  const names = parameterNames(spec);
  const k = names.length;
  const extra: Caveat[] = [];
  if (cumulative) {
    extra.push(caveat("C_FIT_CUMULATIVE", {}));
    const steps = x.slice(1).map((v, i) => v - x[i]!);
    if (steps.some((d) => Math.abs(d - steps[0]!) > 1e-9 * Math.max(1, Math.abs(steps[0]!))))
      extra.push(caveat("C_FIT_UNEVEN_X", {}));
  }
  if (n < k + 1) return emptyResult(spec, x, y, cumulative, caveat("C_FIT_TOO_FEW_POINTS", { n, k }), extra);
  if (
    !Number.isFinite(y.reduce((s, v) => s + v * v, 0)) ||
    !Number.isFinite(x.reduce((s, v) => s + v * v * v * v * v * v, 0))
  ) {
    return emptyResult(spec, x, y, cumulative, caveat("C_FIT_OVERFLOW", {}), extra);
  }
  const xmin = x[0]!;
  const xmax = x[n - 1]!;
  const centre = (xmin + xmax) / 2;
  const halfRange = (xmax - xmin) / 2;
  const needsX = !(spec.kind === "poly" && spec.degree === 0);
  if (needsX && !(halfRange > 0)) return emptyResult(spec, x, y, cumulative, caveat("C_FIT_ALL_EQUAL_X", {}), extra);
  const scale = halfRange > 0 ? halfRange : 1;
  const z = x.map((xi) => (xi - centre) / scale);

  let p: number[];
  let cov: number[][] | null;
  let converged = true;
  let iterations: number | null = null;
  if (spec.kind === "poly" || (spec.kind === "quadratic1" && spec.x0 !== undefined)) {
    const A =
      spec.kind === "poly"
        ? polyDesign(z, spec.degree)
        : x.map((xi) => {
            const u = (xi - (spec as { x0: number }).x0) / scale;
            return [u * u];
          });
    const l = linearFit(A, y);
    if (!l) return emptyResult(spec, x, y, cumulative, caveat("C_FIT_RANK_DEFICIENT", { n, k }), extra);
    p = l.p;
    cov = l.cov;
  } else {
    const nls = nlsModels[spec.kind];
    const starts = startingValues(spec, z, y);
    if (starts.length === 0) {
      return emptyResult(spec, x, y, cumulative, caveat("C_FIT_NO_START", { model: modelName(spec) }), extra);
    }
    // Every start gets a short run; only the best one, if it has not converged yet, is continued with
    // the full iteration budget (a non-saturating logistic otherwise spends the full budget 7 times).
    let best: ReturnType<typeof levenbergMarquardt> | null = null;
    for (const s0 of starts) {
      const r = levenbergMarquardt(nls, z, y, s0, { maxIterations: SHORT_LM_ITERATIONS });
      if (!Number.isFinite(r.rss)) continue;
      if (best === null || (r.converged && !best.converged) || (r.converged === best.converged && r.rss < best.rss))
        best = r;
    }
    if (best !== null && !best.converged) {
      const more = levenbergMarquardt(nls, z, y, best.params);
      if (Number.isFinite(more.rss)) best = { ...more, iterations: best.iterations + more.iterations };
    }
    if (best === null || !best.converged || best.unscaledCovariance === null) {
      return emptyResult(
        spec,
        x,
        y,
        cumulative,
        caveat("C_FIT_NOT_CONVERGED", { model: modelName(spec), iterations: best?.iterations ?? 0 }),
        extra,
      );
    }
    p = best.params;
    cov = best.unscaledCovariance;
    converged = best.converged;
    iterations = best.iterations;
  }
  const fitted = x.map((xi, i) => centredValue(spec, p, z[i]!, xi, scale));
  if (fitted.some((v) => !Number.isFinite(v))) {
    return emptyResult(
      spec,
      x,
      y,
      cumulative,
      caveat("C_FIT_NOT_CONVERGED", { model: modelName(spec), iterations: iterations ?? 0 }),
      extra,
    );
  }
  const residuals = y.map((yi, i) => yi - fitted[i]!);
  const rss = residuals.reduce((s, r) => s + r * r, 0);
  const mean = y.reduce((s, v) => s + v, 0) / n;
  const tss = y.reduce((s, v) => s + (v - mean) ** 2, 0);
  const ss0 = y.reduce((s, v) => s + v * v, 0);
  const perfectFit = rss <= PERFECT_FIT_RATIO * Math.max(ss0, Number.MIN_VALUE);
  const df = n - k;
  const sigma2 = perfectFit ? 0 : rss / df;
  const caveats: Caveat[] = [...extra];
  const r2 = tss > 0 ? (perfectFit ? 1 : 1 - rss / tss) : null;
  if (tss === 0) caveats.push(caveat("C_FIT_CONSTANT_Y", {}));
  const r2Uncentered = hasIntercept(spec) ? null : ss0 > 0 ? (perfectFit ? 1 : 1 - rss / ss0) : null;
  if (!hasIntercept(spec)) caveats.push(caveat("C_FIT_R2_CONVENTIONS", {}));
  const adjR2 = r2 === null || n - 1 <= 0 ? null : 1 - ((1 - r2) * (n - 1)) / df;
  let logLik: number | null = null;
  let aic: number | null = null;
  let aicc: number | null = null;
  let bic: number | null = null;
  if (perfectFit) {
    caveats.push(caveat("C_FIT_PERFECT", {}));
  } else {
    const K = k + 1;
    logLik = (-n / 2) * (Math.log(2 * Math.PI) + Math.log(rss / n) + 1);
    aic = -2 * logLik + 2 * K;
    bic = -2 * logLik + K * Math.log(n);
    if (n - K - 1 > 0) aicc = aic + (2 * K * (K + 1)) / (n - K - 1);
    else caveats.push(caveat("C_FIT_AICC_UNDEFINED", { n, K }));
  }
  // transform to the x as given: c = T p, cov_x = T cov T'
  const { T, fwd } = backTransform(spec, p, centre, scale);
  const coefficients = fwd.map((c) =>
    Number.isFinite(c) && !(c === 0 && p.some((v) => v !== 0) && spec.kind === "exponential") ? c : null,
  );
  const covX = mul(mul(T, cov), transpose(T));
  const standardErrors = covX.map((row, i) => {
    const v = row[i]! * sigma2;
    return Number.isFinite(v) && v >= 0 ? Math.sqrt(v) : null;
  });
  if (coefficients.some((c) => c === null)) caveats.push(caveat("C_FIT_COEF_UNREPRESENTABLE", {}));
  if (spec.kind === "poly") {
    // digits lost in the back-transform: sum |terms| / |result|
    let worst = 1;
    for (let i = 0; i < p.length; i++) {
      let terms = 0;
      for (let j = 0; j < p.length; j++) terms += Math.abs(T[i]![j]! * p[j]!);
      const c = Math.abs(fwd[i]!);
      if (c > 0) worst = Math.max(worst, terms / c);
    }
    // digits lost when the x-as-given coefficients are used to evaluate the curve at the data
    for (let i = 0; i < n; i++) {
      let terms = 0;
      for (let j = 0; j < fwd.length; j++) terms += Math.abs(fwd[j]! * x[i]! ** j);
      const v = Math.abs(fitted[i]!);
      if (v > 0) worst = Math.max(worst, terms / v);
    }
    if (worst > 1e7) caveats.push(caveat("C_FIT_RAW_COEF_ILL_CONDITIONED", { digits: Math.round(Math.log10(worst)) }));
  }
  if (spec.kind === "logistic" && p[0]! > 10 * Math.max(...y.map(Math.abs))) {
    caveats.push(caveat("C_FIT_LOGISTIC_UNSATURATED", {}));
  }
  return {
    model: modelName(spec),
    spec,
    formula: modelFormula(spec),
    status: "ok",
    reason: null,
    cumulative,
    n,
    parameters: k,
    df,
    x,
    y,
    parameterNames: names,
    coefficients,
    standardErrors: perfectFit ? standardErrors.map((s) => (s === null ? null : 0)) : standardErrors,
    centre,
    scale,
    centredCoefficients: p,
    centredUnscaledCovariance: cov,
    sigma2,
    fitted,
    residuals,
    rss,
    tss,
    r2,
    r2Uncentered,
    adjR2,
    logLik,
    aic,
    aicc,
    bic,
    perfectFit,
    converged,
    iterations,
    caveats,
  };
}

/**
 * Coefficients for x as given, and the Jacobian T of that map (for the delta method; exact for the
 * linear maps of polynomials).
 */
function backTransform(spec: ModelSpec, p: number[], m: number, s: number): { T: number[][]; fwd: number[] } {
  switch (spec.kind) {
    case "poly": {
      const d = p.length;
      const T = Array.from({ length: d }, () => new Array<number>(d).fill(0));
      for (let j = 0; j < d; j++) for (let i = 0; i <= j; i++) T[i]![j] = (binom(j, i) * (-m) ** (j - i)) / s ** j;
      return { T, fwd: T.map((row) => row.reduce((acc, t, j) => acc + t * p[j]!, 0)) };
    }
    case "quadratic1":
      if (spec.x0 !== undefined) return { T: [[1 / (s * s)]], fwd: [p[0]! / (s * s)] };
      return {
        T: [
          [1 / (s * s), 0],
          [0, s],
        ],
        fwd: [p[0]! / (s * s), m + s * p[1]!],
      };
    case "exponential": {
      const e = Math.exp((-p[1]! * m) / s);
      return {
        T: [
          [e, (-p[0]! * m * e) / s],
          [0, 1 / s],
        ],
        fwd: [p[0]! * e, p[1]! / s],
      };
    }
    case "logistic":
      return {
        T: [
          [1, 0, 0],
          [0, 1 / s, 0],
          [0, 0, s],
        ],
        fwd: [p[0]!, p[1]! / s, m + s * p[2]!],
      };
  }
}

function transpose(A: number[][]): number[][] {
  return A[0]!.map((_, j) => A.map((row) => row[j]!));
}

function mul(A: number[][], B: number[][]): number[][] {
  return A.map((row) => B[0]!.map((_, j) => row.reduce((s, a, k) => s + a * B[k]![j]!, 0)));
}

/** Default candidate set for model comparison. */
export const DEFAULT_CANDIDATES: ModelSpec[] = [
  { kind: "poly", degree: 0 },
  { kind: "poly", degree: 1 },
  { kind: "poly", degree: 2 },
  { kind: "poly", degree: 3 },
  { kind: "quadratic1" },
  { kind: "exponential" },
  { kind: "logistic" },
];

/**
 * Compare candidate models on the same (x, y) by AICc: deltaAicc = AICc - min AICc and Akaike weights
 * w_i = exp(-delta_i / 2) / sum_j exp(-delta_j / 2) over the models whose AICc is defined.
 */
export function compareModels(
  x: number[],
  y: number[],
  specs: ModelSpec[],
  opts: FitOptions = {},
): ModelComparisonRow[] {
  const fits = specs.map((s) => fitModel(x, y, s, opts));
  const defined = fits.filter((f) => f.aicc !== null).map((f) => f.aicc!);
  const min = defined.length > 0 ? Math.min(...defined) : null;
  const denom = min === null ? 0 : defined.reduce((s, a) => s + Math.exp(-(a - min) / 2), 0);
  return fits.map((f) => {
    const delta = f.aicc !== null && min !== null ? f.aicc - min : null;
    return {
      model: f.model,
      parameters: f.parameters,
      status: f.status,
      r2: f.r2,
      aicc: f.aicc,
      deltaAicc: delta,
      akaikeWeight: delta !== null && denom > 0 ? Math.exp(-delta / 2) / denom : null,
    };
  });
}

export interface WindowOptions {
  from?: number;
  to?: number;
}

/** Restrict a series to from <= x <= to (either bound optional). */
export function windowSeries(series: Series, w: WindowOptions = {}): Series {
  const keep = series.x.map((xi) => (w.from === undefined || xi >= w.from) && (w.to === undefined || xi <= w.to));
  return { ...series, x: series.x.filter((_, i) => keep[i]), y: series.y.filter((_, i) => keep[i]) };
}

/** InputRefs for a finding: the series' source plus a hash of the values actually used. */
export function seriesInputs(series: Series, x: number[], y: number[]): InputRef[] {
  return [series.input, { name: `${series.name}#values`, sha256: hashValues({ x, y }), n: x.length }];
}

/**
 * Fit a model to a series and wrap it as a Finding. A fit is a description, not a test: the
 * verdict is `estimate`, or `insufficient-data` when the fit is undetermined or R^2 is undefined.
 */
export function fitFinding(
  series: Series,
  spec: ModelSpec,
  opts: FitOptions & WindowOptions & { candidates?: ModelSpec[] } = {},
): Finding<FitResult> {
  const w = windowSeries(series, opts);
  if (w.x.length === 0)
    throw new OrganAuditError("E_EMPTY_INPUT", { what: `no points of ${series.name} in the x window` });
  const fit = fitModel(w.x, w.y, spec, opts);
  if (fit.status === "ok") {
    fit.comparison = compareModels(w.x, w.y, opts.candidates ?? DEFAULT_CANDIDATES, opts);
  }
  const ok = fit.status === "ok" && fit.r2 !== null;
  const caveats = [...fit.caveats];
  if (ok) caveats.push(caveat("C_FIT_SMOOTH_TREND", {}));
  return makeFinding({
    method: FIT_METHOD,
    methodVersion: FIT_METHOD_VERSION,
    title: `${fit.formula} fitted to ${series.name}${fit.cumulative ? " (running total)" : ""}`,
    verdict: ok ? "estimate" : "insufficient-data",
    statement: ok
      ? `${fit.model} fit to ${fit.n} points of ${series.name}: centered R^2 = ${fmt(fit.r2!)}${
          fit.r2Uncentered !== null ? `, uncentered R^2 = ${fmt(fit.r2Uncentered)}` : ""
        }; this describes the series and is not by itself a test.`
      : `${fit.model} could not be assessed on ${series.name}: ${caveats[0]?.message ?? "insufficient data"}.`,
    ...(fit.r2 !== null ? { statistic: { name: "R2 (centered)", value: fit.r2 } } : {}),
    result: fit,
    caveats,
    inputs: seriesInputs(series, fit.x, fit.y),
    parameters: { model: fit.model, spec, cumulative: fit.cumulative, from: opts.from ?? null, to: opts.to ?? null },
  });
}

/** Format a number for statements: 6 significant digits. */
export function fmt(v: number): string {
  return Number(v.toPrecision(6)).toString();
}

/**
 * The values of `series` at exactly the x values `xs` (same order), or null if any is missing.
 * Used to compare a peer over the same years as a target.
 */
export function alignToX(series: Series, xs: number[]): number[] | null {
  const at = new Map<number, number>();
  series.x.forEach((xi, i) => at.set(xi, series.y[i]!));
  const out: number[] = [];
  for (const xi of xs) {
    const v = at.get(xi);
    if (v === undefined) return null;
    out.push(v);
  }
  return out;
}
